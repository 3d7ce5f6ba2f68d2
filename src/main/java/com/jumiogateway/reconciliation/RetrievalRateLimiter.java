package com.jumiogateway.reconciliation;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.springframework.stereotype.Component;

/**
 * Paces requests to Jumio: permits are handed out at least 1/rate apart, and unused time is not saved up, so no burst
 * ever exceeds the ceiling. The rate is this instance's share of the service-wide ceiling
 * (gateway.reconciliation.max-requests-per-second / gateway.reconciliation.instances). Every request to Jumio's
 * Retrieval API (status and data) takes a permit first.
 */
@Component("retrievalRateLimiter")
public class RetrievalRateLimiter {

    private final long intervalNanos;
    private final Timer waits;
    private final io.micrometer.core.instrument.Counter requests;
    private long nextFreeNanos = System.nanoTime();

    public RetrievalRateLimiter(ReconciliationProperties properties, MeterRegistry meters) {
        double rate = properties.perInstanceRate();
        if (!(rate > 0)) {
            throw new IllegalArgumentException("gateway.reconciliation.max-requests-per-second must be positive");
        }
        this.intervalNanos = (long) Math.ceil(1_000_000_000d / rate);
        this.waits = Timer.builder("gateway.reconciliation.rate-limit.wait").register(meters);
        this.requests = meters.counter("gateway.reconciliation.requests");
    }

    /** Blocks until this instance may send its next request. */
    public void acquire() {
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            long slot = Math.max(now, nextFreeNanos);
            nextFreeNanos = slot + intervalNanos;
            wait = slot - now;
        }
        requests.increment();
        long waited = wait;
        long until = System.nanoTime() + wait;
        while (wait > 0) {
            LockSupport.parkNanos(wait);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for a retrieval permit");
            }
            wait = until - System.nanoTime();
        }
        waits.record(Math.max(0, waited), TimeUnit.NANOSECONDS);
    }

    /** Requests per second this instance allows. */
    public double ratePerSecond() {
        return 1_000_000_000d / intervalNanos;
    }
}
