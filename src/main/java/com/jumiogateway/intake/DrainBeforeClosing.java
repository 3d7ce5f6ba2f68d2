package com.jumiogateway.intake;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.ShutdownStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * The order of a stop (SIGTERM):
 * <ol>
 *   <li>the moment the stop begins (the context-closed event, before any other listener of it): the edge answers
 *   every new request 503 with Retry-After (readiness is already DOWN), and the requests it had let through are
 *   answered by their routes. Not later: the same event shuts the thread pool that runs platform-http routes, and a
 *   request queued for it then would meet a closed pool or, after it, a stopped route;</li>
 *   <li>Camel's routes stop and finish their work (the worker, the pollers) while the port stays open;</li>
 *   <li>only then does the web server close.</li>
 * </ol>
 * Without this the web server would close first and callbacks arriving during the drain would find a closed port.
 * Stops before every other lifecycle (highest phase); Camel's own stop later finds it stopped. Both waits together
 * take at most camel.main.shutdown-timeout (the routes get at least a second).
 */
@Component
public class DrainBeforeClosing implements SmartLifecycle, ApplicationListener<ContextClosedEvent>, Ordered {

    private static final Logger log = LoggerFactory.getLogger(DrainBeforeClosing.class);

    /** Looked up at stop: a declared dependency would make Spring start Camel before its routes are collected. */
    private final ObjectProvider<CamelContext> camel;
    private final CallbackEdge edge;
    private final ApplicationContext application;
    private final AtomicBoolean drained = new AtomicBoolean();
    /** When camel.main.shutdown-timeout, counted from the start of the drain, runs out (System.nanoTime). */
    private volatile long deadline;
    private volatile boolean running;

    public DrainBeforeClosing(ObjectProvider<CamelContext> camel, CallbackEdge edge, ApplicationContext application) {
        this.camel = camel;
        this.edge = edge;
        this.application = application;
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        // a child context's close reaches this listener too; only this application's own close is a stop
        if (event.getApplicationContext() == application) {
            drain();
        }
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        try {
            // already done at the context-closed event; a stop of the lifecycle alone starts here
            drain();
            CamelContext context = camel.getIfAvailable();
            if (context != null) {
                // one budget for both waits: the routes get what the drain left of it (a second at least)
                long leftMillis = Math.max(1000, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                ShutdownStrategy strategy = context.getShutdownStrategy();
                if (leftMillis < timeoutOf(strategy).toMillis()) {
                    strategy.setTimeUnit(TimeUnit.MILLISECONDS);
                    strategy.setTimeout(leftMillis);
                }
                context.stop();
            }
        } finally {
            running = false;
        }
    }

    private void drain() {
        if (!drained.compareAndSet(false, true)) {
            return;
        }
        CamelContext context = camel.getIfAvailable();
        Duration atMost = Duration.ofSeconds(30);
        if (context != null) {
            atMost = timeoutOf(context.getShutdownStrategy());
        }
        log.info("Stopping: new requests answered 503; requests let in before: {}, answered by their routes first (at"
                + " most {} s, camel.main.shutdown-timeout); then the routes finish their work", edge.admitted(),
                atMost.toSeconds());
        deadline = System.nanoTime() + atMost.toNanos();
        try {
            int left = edge.drain(atMost);
            if (left > 0) {
                log.warn("Stopping: {} requests still unanswered after {} s; the routes stop anyway", left,
                        atMost.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** camel.main.shutdown-timeout, as Camel holds it (a number and its unit). */
    private static Duration timeoutOf(ShutdownStrategy strategy) {
        return Duration.ofMillis(strategy.getTimeUnit().toMillis(strategy.getTimeout()));
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
