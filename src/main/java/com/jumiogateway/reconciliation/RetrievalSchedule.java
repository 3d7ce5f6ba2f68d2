package com.jumiogateway.reconciliation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * When to ask Jumio again. Jumio recommends attempts "at 40, 60, 100, ... 940 seconds", then at most one call a day.
 *
 * <p>Interpretation: the offsets are measured from an origin placed so that the first attempt falls exactly on the
 * overdue moment (token lifetime + Jumio's finish time + grace after initiation). Every later attempt is scheduled
 * from the moment the previous attempt actually happened, plus the difference between consecutive offsets (20, 40,
 * 60, ... 180 s). A late poll (backlog, rate limit, downtime) therefore never compresses the gaps: no two polls of a
 * transaction are ever closer than Jumio's schedule. After the schedule's attempts come {@code dailyRetryDays} attempts
 * one {@code dailyInterval} apart; after those the transaction is given up.
 */
public final class RetrievalSchedule {

    private final List<Integer> offsetsSeconds;
    private final Duration dailyInterval;
    private final int dailyRetries;
    private final Duration errorBackoff;
    private final Duration maxErrorBackoff;
    private final Duration untilOverdue;

    public RetrievalSchedule(ReconciliationProperties properties) {
        List<Integer> offsets = List.copyOf(properties.getScheduleSeconds());
        if (offsets.isEmpty()) {
            throw new IllegalArgumentException("gateway.reconciliation.schedule-seconds must list at least one offset");
        }
        for (int i = 1; i < offsets.size(); i++) {
            if (offsets.get(i) <= offsets.get(i - 1)) {
                throw new IllegalArgumentException("gateway.reconciliation.schedule-seconds must be increasing");
            }
        }
        this.offsetsSeconds = offsets;
        this.dailyInterval = properties.getDailyInterval();
        this.dailyRetries = Math.max(0, properties.getDailyRetryDays());
        this.errorBackoff = properties.getErrorBackoff();
        this.maxErrorBackoff = properties.getMaxErrorBackoff();
        this.untilOverdue = properties.getJumioFinishTime().plus(properties.getGrace());
    }

    /** The moment a callback counts as missed: initiation + token lifetime + Jumio's finish time + grace. */
    public Instant overdueAt(Instant initiatedAt, int tokenLifetimeMinutes) {
        return initiatedAt.plus(Duration.ofMinutes(tokenLifetimeMinutes)).plus(untilOverdue);
    }

    /** Attempts in all: the schedule's plus the daily ones. */
    public int maxAttempts() {
        return offsetsSeconds.size() + dailyRetries;
    }

    /**
     * The earliest moment for the next attempt after {@code attemptsDone} attempts, the last one at {@code polledAt};
     * null when no attempt is left (give up).
     */
    public Instant nextAfter(int attemptsDone, Instant polledAt) {
        if (attemptsDone >= maxAttempts()) {
            return null;
        }
        if (attemptsDone < offsetsSeconds.size()) {
            long gap = offsetsSeconds.get(attemptsDone) - offsetsSeconds.get(attemptsDone - 1);
            return polledAt.plusSeconds(gap);
        }
        return polledAt.plus(dailyInterval);
    }

    /** Like {@link #nextAfter} after an error: never sooner than the schedule, and backing off per consecutive error. */
    public Instant nextAfterError(int attemptsDone, int consecutiveErrors, Instant polledAt) {
        Instant scheduled = nextAfter(attemptsDone, polledAt);
        if (scheduled == null) {
            return null;
        }
        Instant backedOff = polledAt.plus(backoff(consecutiveErrors));
        return backedOff.isAfter(scheduled) ? backedOff : scheduled;
    }

    /** errorBackoff * 2^(errors - 1), at most maxErrorBackoff. */
    Duration backoff(int consecutiveErrors) {
        Duration wait = errorBackoff;
        for (int i = 1; i < consecutiveErrors && wait.compareTo(maxErrorBackoff) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxErrorBackoff) > 0 ? maxErrorBackoff : wait;
    }

    /** The minimum gap the schedule demands between attempt {@code attemptsDone} and the next one (for checks). */
    public Duration minimumGapAfter(int attemptsDone) {
        if (attemptsDone < offsetsSeconds.size()) {
            return Duration.ofSeconds(offsetsSeconds.get(attemptsDone) - offsetsSeconds.get(attemptsDone - 1));
        }
        return dailyInterval;
    }
}
