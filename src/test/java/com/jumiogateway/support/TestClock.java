package com.jumiogateway.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock a test moves by hand, so time-dependent behaviour is tested without waiting or racing the wall clock. */
public final class TestClock extends Clock {

    private volatile Instant now;
    /** Ticking: the wall clock plus every advance so far (retries and leases still come due). */
    private final boolean ticking;
    private volatile Duration advanced = Duration.ZERO;

    public TestClock(Instant start) {
        this(start, false);
    }

    private TestClock(Instant start, boolean ticking) {
        this.now = start;
        this.ticking = ticking;
    }

    /** A clock that stands still until moved. */
    public static TestClock now() {
        return new TestClock(Instant.now());
    }

    /**
     * A clock that runs with the wall clock and jumps when moved: for tests that move time by days while work that
     * waits seconds (a retried alert, a lease) must still come due.
     */
    public static TestClock ticking() {
        return new TestClock(Instant.now(), true);
    }

    public void advance(Duration duration) {
        now = now.plus(duration);
        advanced = advanced.plus(duration);
    }

    @Override
    public Instant instant() {
        return ticking ? Instant.now().plus(advanced) : now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
