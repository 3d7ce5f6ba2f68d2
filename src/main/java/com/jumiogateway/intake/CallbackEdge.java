package com.jumiogateway.intake;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Enumeration;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * What a callback request costs before it is stored, decided at the servlet edge (the Tomcat valve in
 * {@code com.jumiogateway.edge}) from the request line and headers alone: a caller that is not allowed, or declares
 * a body over the limit, is answered before a single body byte is read. An allowed caller's body is then read here,
 * with a hard size cap and a total deadline, and handed to the intake route as bytes (request attribute
 * {@link #BODY_ATTRIBUTE}); nothing else (Camel's binding, Tomcat's form parser) ever reads or parses it.
 */
@Component("callbackEdge")
public class CallbackEdge {

    /** Request attribute holding the callback body as received (byte[]), read by {@link CallbackRequestGuard}. */
    public static final String BODY_ATTRIBUTE = "com.jumiogateway.intake.CallbackBody";
    private static final Logger log = LoggerFactory.getLogger(CallbackEdge.class);
    private static final int READ_CHUNK = 8192;
    /** The Content-Type is stored with the callback (callback_inbox.content_type): no longer than its column. */
    public static final int MAX_CONTENT_TYPE_LENGTH = 200;

    private final CallbackSourceAllowlist allowlist;
    private final IntakeProperties properties;
    private final MeterRegistry meters;
    private final ObjectProvider<CamelContext> camel;
    private volatile CamelContext camelContext;
    /**
     * Requests let through the edge and not yet ended (see {@link #drain}). Until the end, not until the valve is done
     * with them: platform-http queues a request for its route threads, and a stop must wait for it there too.
     */
    private final java.util.concurrent.atomic.AtomicInteger admitted = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean draining;
    /** Callbacks admitted and not yet answered (load shedding over gateway.intake.max-in-flight). */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    /** Shedding now: logged once when it starts and once when it ends, with the count, not per request. */
    private final java.util.concurrent.atomic.AtomicBoolean shedding = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong shed = new java.util.concurrent.atomic.AtomicLong();

    public CallbackEdge(CallbackSourceAllowlist allowlist, IntakeProperties properties, MeterRegistry meters,
                        ObjectProvider<CamelContext> camel) {
        this.allowlist = allowlist;
        this.properties = properties;
        this.meters = meters;
        this.camel = camel;
        Gauge.builder("gateway.callbacks.in-flight", inFlight, java.util.concurrent.atomic.AtomicInteger::get)
                .description("Callbacks admitted and not yet answered (load shedding above gateway.intake.max-in-flight)")
                .register(meters);
    }

    /** An answer given instead of storing the callback. */
    public record Refusal(int status, String reason, String message, Integer retryAfterSeconds) {
    }

    /** The caller's normalised address, and a refusal unless it may send its body. */
    public record Admission(String client, Refusal refusal) {
    }

    /** The outcome of reading a body: the bytes, or a refusal to answer, or nothing to answer (the client is gone). */
    public record Body(byte[] bytes, Refusal refusal, boolean clientGone) {
    }

    /**
     * True once every route is started (the port opens a moment earlier): until then callers get 503 with
     * Retry-After instead of a 404 from a route that does not exist yet. False again while shutting down.
     */
    private boolean ready() {
        if (draining) {
            return false;
        }
        CamelContext context = camelContext;
        if (context == null) {
            context = camel.getIfAvailable();
            camelContext = context;
        }
        return context != null && context.getStatus().isStarted();
    }

    /**
     * Lets a request through to its route if the service is {@link #ready()}; every true is matched by one
     * {@link #ended()} when the request ends. Counted before readiness is checked, so a {@link #drain} that has
     * begun either sees this request or is seen by it: none slips past it to a stopping route.
     */
    public boolean enter() {
        admitted.incrementAndGet();
        if (ready()) {
            return true;
        }
        admitted.decrementAndGet();
        return false;
    }

    /** Requests let through and not yet ended. */
    public int admitted() {
        return admitted.get();
    }

    /** A request {@link #enter()} let through has ended: answered, whoever answered it, or abandoned by its caller. */
    public void ended() {
        admitted.decrementAndGet();
    }

    /**
     * The start of a stop, before anything else stops: from now on every request is answered 503, and the requests
     * already let through are answered by their routes first (waiting at most {@code atMost}), so none meets a
     * stopping route or a closed thread pool.
     *
     * @return the requests still under way when the wait ended (0 unless it timed out)
     */
    public int drain(java.time.Duration atMost) throws InterruptedException {
        draining = true;
        long until = System.nanoTime() + atMost.toNanos();
        while (admitted.get() > 0 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        return admitted.get();
    }

    /** 503 while starting (or stopping), counted. */
    public Refusal notReady() {
        count("starting");
        return new Refusal(503, "unavailable", "The service is starting or stopping; please retry", 5);
    }

    /**
     * Who may send a body: refuses a caller not on the allowlist (403), a declared body over the limit (413) and a
     * Content-Type longer than the inbox column stores (431, rather than a failed insert),
     * from the peer address and headers only.
     */
    public Admission admit(String peer, Enumeration<String> forwardedFor, long declaredLength, String contentType) {
        CallbackSourceAllowlist.Decision decision = allowlist.decide(peer, forwardedFor);
        if (!decision.allowed()) {
            allowlist.refused(decision);
            return new Admission(decision.client(),
                    new Refusal(403, "source-not-allowed", "Callback source not allowed", null));
        }
        long limit = properties.getMaxBodySize().toBytes();
        if (declaredLength > limit) {
            count("payload-too-large");
            log.warn("Refused callback from {}: declared body of {} bytes is over the limit of {}", decision.client(),
                    declaredLength, limit);
            return new Admission(decision.client(), tooLarge(limit));
        }
        if (contentType != null && contentType.length() > MAX_CONTENT_TYPE_LENGTH) {
            count("header-too-large");
            log.warn("Refused callback from {}: Content-Type of {} characters is over the limit of {}", decision.client(),
                    contentType.length(), MAX_CONTENT_TYPE_LENGTH);
            return new Admission(decision.client(), new Refusal(431, "header-too-large",
                    "Content-Type exceeds " + MAX_CONTENT_TYPE_LENGTH + " characters", null));
        }
        return new Admission(decision.client(), null);
    }

    /**
     * An admitted callback starts (its body is read next): null, or 503 with Retry-After when
     * gateway.intake.max-in-flight callbacks are already under way. Past that point a callback would wait in a queue
     * for longer and longer and time out at the sender (Jumio does not send it again), while the service slows down
     * for every callback it has; answered at once it costs nothing and the ones under way keep their pace.
     * Every start that returns null is matched by one {@link #finished()}.
     */
    public Refusal start() {
        int limit = properties.getMaxInFlight();
        int now = inFlight.incrementAndGet();
        if (limit > 0 && now > limit) {
            inFlight.decrementAndGet();
            count("overloaded");
            shed.incrementAndGet();
            if (shedding.compareAndSet(false, true)) {
                log.warn("Intake overloaded: {} callbacks under way (gateway.intake.max-in-flight); more are answered"
                        + " 503 until fewer are", limit);
            }
            return new Refusal(503, "overloaded", "Too many callbacks in progress; please retry", 1);
        }
        if (shedding.get() && now <= limit / 2 && shedding.compareAndSet(true, false)) {
            log.info("Intake no longer overloaded; {} callbacks were answered 503 meanwhile", shed.getAndSet(0));
        }
        return null;
    }

    /** A callback that {@link #start()} let in was answered (or its caller went away). */
    public void finished() {
        inFlight.decrementAndGet();
    }

    /** Callbacks admitted and not yet answered. */
    public int inFlight() {
        return inFlight.get();
    }

    /**
     * Reads the whole body: at most max-body-size bytes (a longer one, chunked or not, is cut there: 413), within
     * body-read-timeout in total (408). Each single read is bounded by the connector's upload timeout (the same
     * setting), so a sender that stops altogether holds the thread at most about twice that long.
     */
    public Body readBody(InputStream in, long declaredLength, String client) {
        long limit = properties.getMaxBodySize().toBytes();
        long timeoutNanos = properties.getBodyReadTimeout().toNanos();
        long started = System.nanoTime();
        byte[] body = new byte[(int) Math.min(declaredLength >= 0 ? declaredLength : READ_CHUNK, limit + 1)];
        int length = 0;
        try {
            while (true) {
                if (length == body.length) {
                    if (length > limit) {
                        break;
                    }
                    body = Arrays.copyOf(body, (int) Math.min(Math.max(body.length * 2L, READ_CHUNK), limit + 1));
                }
                int read = in.read(body, length, body.length - length);
                if (read < 0) {
                    break;
                }
                length += read;
                if (System.nanoTime() - started > timeoutNanos) {
                    return new Body(null, tooSlow(client, length), false);
                }
            }
        } catch (IOException e) {
            if (causedBy(e, SocketTimeoutException.class)) {
                // Tomcat has already set 408 on the response; the JSON error page writes it
                tooSlow(client, length);
                return new Body(null, null, true);
            }
            count("client-disconnected");
            log.info("Callback upload from {} ended by the client after {} bytes", client, length);
            return new Body(null, null, true);
        }
        if (length > limit) {
            count("payload-too-large");
            log.warn("Refused callback from {}: body over the limit of {} bytes", client, limit);
            return new Body(null, tooLarge(limit), false);
        }
        return new Body(length == body.length ? body : Arrays.copyOf(body, length), null, false);
    }

    private Refusal tooSlow(String client, int received) {
        count("request-timeout");
        log.warn("Refused callback from {}: body not received within {} ({} bytes arrived)", client,
                properties.getBodyReadTimeout(), received);
        return new Refusal(408, "request-timeout", "The request body did not arrive in time", null);
    }

    private static Refusal tooLarge(long limit) {
        return new Refusal(413, "payload-too-large", "Callback body exceeds " + limit + " bytes", null);
    }

    private void count(String reason) {
        meters.counter("gateway.callbacks.refused", "reason", reason).increment();
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
