package com.jumiogateway.claims;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Idle back-off of the queue polls (callback inbox, alert outbox, delivery outbox; the reconciliation poller keeps
 * its own slow pace, gateway.reconciliation.poll-delay-ms): an empty queue is asked the database every
 * {@code gateway.polling.idle-delay} instead of several times a second (idle CPU near zero in the service and in
 * PostgreSQL), and work this instance queues wakes its poller at once, so a callback after a quiet hour is processed
 * as fast as one in a busy minute. Rows that become due by time (retries, leases of a crashed peer, work queued or
 * handed over by another instance) are found by the idle poll, at most idle-delay later than at full pace.
 */
@Component("idlePolling")
@EnableConfigurationProperties(PollingProperties.class)
public class IdlePolling {

    /** The queues; a poller and the code that queues its work meet under one of these names. */
    public static final String INBOX = "callback-inbox";
    public static final String ALERTS = "alert-outbox";
    public static final String DELIVERIES = "delivery-outbox";

    private final PollingProperties properties;
    /** Monotonic time, not the service clock: the back-off is about this process's pace, not business time. */
    private final LongSupplier nanos;
    private final Map<String, Pace> paces = new ConcurrentHashMap<>();

    @org.springframework.beans.factory.annotation.Autowired
    public IdlePolling(PollingProperties properties) {
        this(properties, System::nanoTime);
    }

    IdlePolling(PollingProperties properties, LongSupplier nanos) {
        this.properties = properties;
        this.nanos = nanos;
    }

    /** True when the queue's poller should ask the database now: recently busy or woken, or its idle delay is up. */
    public boolean pollNow(String queue) {
        long idleDelay = properties.idleDelay().toNanos();
        if (idleDelay <= 0) {
            return true;
        }
        Pace pace = pace(queue);
        long now = nanos.getAsLong();
        return now - pace.lastWork < properties.idleAfter().toNanos() || now - pace.lastPoll >= idleDelay;
    }

    /** The poller asked the database; {@code found}: it claimed something (the queue is busy). */
    public void polled(String queue, boolean found) {
        Pace pace = pace(queue);
        long now = nanos.getAsLong();
        pace.lastPoll = now;
        if (found) {
            pace.lastWork = now;
        }
    }

    /**
     * Work was queued (or re-queued) on this instance: its poller goes back to full pace for {@code idle-after}, so
     * the row is claimed at the next tick even when the queuing transaction commits a moment later.
     */
    public void wake(String queue) {
        pace(queue).lastWork = nanos.getAsLong();
    }

    private Pace pace(String queue) {
        return paces.computeIfAbsent(queue, q -> new Pace(nanos.getAsLong()));
    }

    /** A new queue starts busy: the first polls after start-up find what the previous life left. */
    private static final class Pace {
        volatile long lastWork;
        volatile long lastPoll;

        Pace(long now) {
            lastWork = now;
            lastPoll = now;
        }
    }
}
