package com.jumiogateway.claims;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The idle back-off of the queue polls: full pace while busy or woken, one database poll per idle delay otherwise. */
class IdlePollingTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final IdlePolling pacing = new IdlePolling(
            new PollingProperties(Duration.ofSeconds(2), Duration.ofSeconds(5)), nanos::get);

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    @Test
    void aQueueStaysAtFullPaceUntilItsPollsFoundNothingForIdleAfter() {
        assertThat(pacing.pollNow(IdlePolling.INBOX)).isTrue();
        pacing.polled(IdlePolling.INBOX, false);
        advance(Duration.ofMillis(1900));
        assertThat(pacing.pollNow(IdlePolling.INBOX)).isTrue();
        pacing.polled(IdlePolling.INBOX, false);
        advance(Duration.ofMillis(200));
        // 2.1 s without work: idle, and polled 0.2 s ago
        assertThat(pacing.pollNow(IdlePolling.INBOX)).isFalse();
    }

    @Test
    void anIdleQueueIsPolledOncePerIdleDelay() {
        advance(Duration.ofSeconds(10));
        assertThat(pacing.pollNow(IdlePolling.ALERTS)).isTrue();
        pacing.polled(IdlePolling.ALERTS, false);
        advance(Duration.ofMillis(4900));
        assertThat(pacing.pollNow(IdlePolling.ALERTS)).isFalse();
        advance(Duration.ofMillis(100));
        assertThat(pacing.pollNow(IdlePolling.ALERTS)).isTrue();
    }

    @Test
    void workFoundOrQueuedBringsTheQueueBackToFullPace() {
        // a queue starts busy (the first polls find what a previous life left), then goes idle
        assertThat(pacing.pollNow(IdlePolling.INBOX)).isTrue();
        advance(Duration.ofSeconds(10));
        pacing.polled(IdlePolling.INBOX, false);
        advance(Duration.ofMillis(100));
        assertThat(pacing.pollNow(IdlePolling.INBOX)).isFalse();
        pacing.wake(IdlePolling.INBOX);
        assertThat(pacing.pollNow(IdlePolling.INBOX)).isTrue();
        // other queues keep their own pace
        pacing.polled(IdlePolling.DELIVERIES, false);
        advance(Duration.ofSeconds(3));
        pacing.polled(IdlePolling.DELIVERIES, false);
        assertThat(pacing.pollNow(IdlePolling.DELIVERIES)).isFalse();
        pacing.polled(IdlePolling.DELIVERIES, true);
        assertThat(pacing.pollNow(IdlePolling.DELIVERIES)).isTrue();
    }

    @Test
    void idleDelayZeroNeverSlowsDown() {
        IdlePolling always = new IdlePolling(new PollingProperties(Duration.ofSeconds(2), Duration.ZERO), nanos::get);
        advance(Duration.ofMinutes(5));
        always.polled(IdlePolling.INBOX, false);
        assertThat(always.pollNow(IdlePolling.INBOX)).isTrue();
    }
}
