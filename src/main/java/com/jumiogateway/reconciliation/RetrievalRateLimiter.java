package com.jumiogateway.reconciliation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.springframework.stereotype.Component;

/**
 * The request ceiling of this instance: its share of the service-wide ceiling
 * (gateway.reconciliation.max-requests-per-second / gateway.reconciliation.instances). Every request to Jumio's
 * Retrieval API (status and data) takes a permit first.
 *
 * <p>Requests start evenly paced, 1/rate apart. Time lost to a short stall (a pause, the end of a batch: up to
 * {@value #CATCH_UP_MILLIS} ms) is made up afterwards at no more than twice the pace. Whatever happens, in any window
 * of one second (1/rate seconds when the rate is below one) at most rate requests start: the ceiling is reached on
 * average and never exceeded.
 */
@Component("retrievalRateLimiter")
public class RetrievalRateLimiter {

    /** Lost time made up after a stall. */
    static final long CATCH_UP_MILLIS = 100;

    private final long windowNanos;
    private final long spacingNanos;
    private final long minSpacingNanos;
    private final long toleranceNanos;
    private final long[] starts;
    private final double rate;
    private final Timer waits;
    private final Counter requests;
    private int oldest;
    private int granted;
    private long last = Long.MIN_VALUE / 4;
    /** When the next request would start if every one so far had started exactly on pace. */
    private long onPace = Long.MIN_VALUE / 4;

    public RetrievalRateLimiter(ReconciliationProperties properties, MeterRegistry meters) {
        this.rate = properties.perInstanceRate();
        if (!(rate > 0)) {
            throw new IllegalArgumentException("gateway.reconciliation.max-requests-per-second must be positive");
        }
        double windowSeconds = Math.max(1.0, 1.0 / rate);
        this.windowNanos = (long) Math.ceil(windowSeconds * 1e9);
        this.starts = new long[(int) Math.max(1, Math.floor(rate * windowSeconds + 1e-9))];
        this.spacingNanos = (long) Math.ceil(1e9 / rate);
        this.minSpacingNanos = spacingNanos / 2;
        this.toleranceNanos = TimeUnit.MILLISECONDS.toNanos(CATCH_UP_MILLIS);
        this.waits = Timer.builder("gateway.reconciliation.rate-limit.wait").register(meters);
        this.requests = meters.counter("gateway.reconciliation.requests");
    }

    /** Blocks until this instance may send its next request. */
    public void acquire() {
        acquireSlot();
    }

    /** {@link #acquire()}, returning the start time granted (System.nanoTime). */
    long acquireSlot() {
        long slot = reserve();
        requests.increment();
        long wait = slot - System.nanoTime();
        waits.record(Math.max(0, wait), TimeUnit.NANOSECONDS);
        while (wait > 0) {
            LockSupport.parkNanos(wait);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for a retrieval permit");
            }
            wait = slot - System.nanoTime();
        }
        return slot;
    }

    /** The start time (System.nanoTime) granted to the next request. Slots are handed out in time order. */
    synchronized long reserve() {
        long slot = Math.max(System.nanoTime(), onPace - toleranceNanos);
        slot = Math.max(slot, last + minSpacingNanos);
        boolean heldByWindow = false;
        if (granted == starts.length) {
            // the window ending at the new slot may hold only starts.length - 1 earlier starts
            long windowAllows = starts[oldest] + windowNanos;
            heldByWindow = windowAllows > slot;
            slot = Math.max(slot, windowAllows);
            starts[oldest] = slot;
            oldest = (oldest + 1) % starts.length;
        } else {
            starts[granted++] = slot;
        }
        // held back by the window: the ceiling is reached, nothing is left to make up (keeps the pace even)
        onPace = heldByWindow ? slot + toleranceNanos + spacingNanos : Math.max(onPace, slot) + spacingNanos;
        last = slot;
        return slot;
    }

    /** Requests per second this instance allows. */
    public double ratePerSecond() {
        return rate;
    }

    /** The window the ceiling is counted over, in nanoseconds. */
    long windowNanos() {
        return windowNanos;
    }
}
