package com.jumiogateway.reconciliation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The request ceiling of the whole fleet (gateway.reconciliation.max-requests-per-second), however many instances
 * share the database. Every request to Jumio's Retrieval API (status and data) takes a start time first.
 *
 * <p>Start times are handed out from one row ({@code rate_limit}), locked for the moment it takes to read and move
 * it: each grant is at least {@link Pacing#spacingMicros()} after the previous one, whichever instance asked. A
 * request that wakes up later than its start time plus the tolerance (a pause, a busy machine) gives the time up and
 * asks again, unless no later start has been granted yet: then its start moves to now. So any {@code n + 1} starts
 * span at least one window: in any window of one second (1/rate seconds when the rate is below one) at most rate
 * requests start, across the fleet. Instances are served in the order they ask, so none starves; an instance alone
 * gets the whole ceiling, less the tolerance (about 2 %) and the slots its late wake-ups gave up.
 */
@Component("retrievalRateLimiter")
public class RetrievalRateLimiter {

    static final String LIMITER = "jumio-retrieval";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate ownTransaction;
    private final Pacing pacing;
    private final Timer waits;
    private final Counter requests;
    private final Counter missed;

    public RetrievalRateLimiter(ReconciliationProperties properties, JdbcTemplate jdbc,
            PlatformTransactionManager transactions, MeterRegistry meters) {
        this.pacing = Pacing.of(properties.getMaxRequestsPerSecond(), properties.getRateLimitTolerance());
        this.jdbc = jdbc;
        // a grant commits at once, whatever the caller's transaction does: the row is held for microseconds
        this.ownTransaction = new TransactionTemplate(transactions);
        ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.waits = Timer.builder("gateway.reconciliation.rate-limit.wait").register(meters);
        this.requests = meters.counter("gateway.reconciliation.requests");
        this.missed = meters.counter("gateway.reconciliation.rate-limit.missed");
    }

    /** Blocks until this instance may send its next request. */
    public void acquire() {
        acquireStart();
    }

    /** {@link #acquire()}, returning the start time granted (microseconds since the epoch). */
    long acquireStart() {
        long asked = nowMicros();
        long start = grant();
        while (true) {
            long wait = start - nowMicros();
            while (wait > 0) {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(wait));
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for a retrieval permit");
                }
                wait = start - nowMicros();
            }
            if (-wait <= pacing.toleranceMicros()) {
                requests.increment();
                waits.record(nowMicros() - asked, TimeUnit.MICROSECONDS);
                return start;
            }
            // woke up too late: starting now could crowd the next grants into one window, unless no one has been
            // granted a start after this one yet (typically: it asked when no one waited, and its commit was slow)
            Long moved = moveLastGrant(start);
            if (moved != null) {
                start = moved;
                continue;
            }
            missed.increment();
            start = grant();
        }
    }

    /**
     * A start that came too late moved to now, if it is still the last one granted (the row still says it plus one
     * spacing): then the fleet's grants are exactly as if it had been granted now, and no slot is lost. Otherwise
     * null: others were granted starts after it, spaced from it, and it must ask again.
     */
    Long moveLastGrant(long lateStart) {
        return ownTransaction.execute(status -> {
            List<Long> next = jdbc.queryForList("SELECT next_start_micros FROM rate_limit WHERE name = ? FOR UPDATE",
                    Long.class, LIMITER);
            if (next.isEmpty() || next.get(0) != lateStart + pacing.spacingMicros()) {
                return null;
            }
            long start = nowMicros() + pacing.toleranceMicros() / 2;
            jdbc.update("UPDATE rate_limit SET next_start_micros = ? WHERE name = ?", start + pacing.spacingMicros(),
                    LIMITER);
            return start;
        });
    }

    /** Reserves the next start time of the fleet (never earlier than now plus half the tolerance). */
    long grant() {
        Long granted = ownTransaction.execute(status -> {
            List<Long> next = jdbc.queryForList("SELECT next_start_micros FROM rate_limit WHERE name = ? FOR UPDATE",
                    Long.class, LIMITER);
            if (next.isEmpty()) {
                // the row is gone (a table emptied by hand): the first to notice puts it back, the others wait for it
                try {
                    jdbc.update("INSERT INTO rate_limit (name, next_start_micros) VALUES (?, 0)", LIMITER);
                } catch (DuplicateKeyException e) {
                    status.setRollbackOnly();
                    return null;
                }
                next = List.of(0L);
            }
            // an instance asking when no one waits starts half the tolerance from now, not now: the commit of this
            // grant (slow on a busy database) must not already make it late and cost a slot
            long start = Math.max(next.get(0), nowMicros() + pacing.toleranceMicros() / 2);
            jdbc.update("UPDATE rate_limit SET next_start_micros = ? WHERE name = ?", start + pacing.spacingMicros(),
                    LIMITER);
            return start;
        });
        return granted != null ? granted : grant();
    }

    /** Requests per second the fleet allows. */
    public double ratePerSecond() {
        return pacing.rate();
    }

    Pacing pacing() {
        return pacing;
    }

    /** Grants given up because the request woke up too late. */
    double missed() {
        return missed.count();
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return TimeUnit.SECONDS.toMicros(now.getEpochSecond()) + now.getNano() / 1_000;
    }

    /**
     * The spacing between grants that keeps n = rate x window starts per window even when each start is up to the
     * tolerance late: (window + tolerance) / n.
     */
    record Pacing(double rate, long windowMicros, int perWindow, long spacingMicros, long toleranceMicros) {

        static Pacing of(double rate, Duration tolerance) {
            if (!(rate > 0)) {
                throw new IllegalArgumentException("gateway.reconciliation.max-requests-per-second must be positive");
            }
            double windowSeconds = Math.max(1.0, 1.0 / rate);
            long window = (long) Math.ceil(windowSeconds * 1e6);
            int perWindow = (int) Math.max(1, Math.floor(rate * windowSeconds + 1e-9));
            long toleranceMicros = TimeUnit.NANOSECONDS.toMicros(tolerance.toNanos());
            if (toleranceMicros < 0 || toleranceMicros >= window) {
                throw new IllegalArgumentException("gateway.reconciliation.rate-limit-tolerance must be below the window");
            }
            long spacing = (window + toleranceMicros + perWindow - 1) / perWindow;
            return new Pacing(rate, window, perWindow, spacing, toleranceMicros);
        }
    }
}
