package com.jumiogateway.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RetrievalSchedule and RetrievalRateLimiter: Jumio's timings, daily attempts, give-up, back-off, pacing. */
class ReconciliationScheduleTest {

    static final Instant T0 = Instant.parse("2024-03-01T10:00:00Z");

    @Test
    void defaultScheduleIsJumiosFromTheOverdueMoment() {
        RetrievalSchedule schedule = new RetrievalSchedule(new ReconciliationProperties());

        // initiation + token lifetime 30 + Jumio's 15 + grace 5 minutes
        assertThat(schedule.overdueAt(T0, 30)).isEqualTo(T0.plus(Duration.ofMinutes(50)));
        // attempt 1 at the overdue moment; Jumio's offsets 40, 60, 100 ... 940 s give these minimum gaps
        List<Long> gaps = new ArrayList<>();
        Instant at = T0;
        for (int done = 1; done < 10; done++) {
            Instant next = schedule.nextAfter(done, at);
            gaps.add(Duration.between(at, next).toSeconds());
            at = next;
        }
        assertThat(gaps).containsExactly(20L, 40L, 60L, 80L, 100L, 120L, 140L, 160L, 180L);
        // attempt 10 happened at offset 940 - 40 = 900 s after the first
        assertThat(Duration.between(T0, at).toSeconds()).isEqualTo(900);
        // then one a day for 7 days, then nothing
        assertThat(schedule.nextAfter(10, at)).isEqualTo(at.plus(Duration.ofDays(1)));
        assertThat(schedule.nextAfter(16, at)).isEqualTo(at.plus(Duration.ofDays(1)));
        assertThat(schedule.nextAfter(17, at)).isNull();
        assertThat(schedule.maxAttempts()).isEqualTo(17);
    }

    @Test
    void errorsBackOffButNeverSoonerThanTheSchedule() {
        ReconciliationProperties properties = new ReconciliationProperties();
        properties.setErrorBackoff(Duration.ofSeconds(30));
        properties.setMaxErrorBackoff(Duration.ofMinutes(5));
        RetrievalSchedule schedule = new RetrievalSchedule(properties);

        // after attempt 1 the schedule wants 20 s: the 30 s back-off wins
        assertThat(schedule.nextAfterError(1, 1, T0)).isEqualTo(T0.plusSeconds(30));
        // after attempt 3 the schedule wants 60 s: more than one error's back-off
        assertThat(schedule.nextAfterError(3, 1, T0)).isEqualTo(T0.plusSeconds(60));
        // doubling per consecutive error, capped
        assertThat(schedule.nextAfterError(3, 3, T0)).isEqualTo(T0.plusSeconds(120));
        assertThat(schedule.nextAfterError(3, 10, T0)).isEqualTo(T0.plus(Duration.ofMinutes(5)));
        // never past the last attempt
        assertThat(schedule.nextAfterError(17, 1, T0)).isNull();
    }

    @Test
    void scheduleMustIncrease() {
        ReconciliationProperties properties = new ReconciliationProperties();
        properties.setScheduleSeconds(List.of(40, 30));
        assertThatThrownBy(() -> new RetrievalSchedule(properties)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void batchIsBoundedByWhatTheRateAllowsWithinTheLease() {
        ReconciliationProperties properties = new ReconciliationProperties();
        properties.setMaxRequestsPerSecond(2);
        properties.setInstances(2);
        properties.setClaimLease(Duration.ofMinutes(5));
        properties.setBatchSize(50);
        // 1 request/s per instance, two requests per transaction, a quarter of 300 s: 37
        assertThat(properties.effectiveBatchSize()).isEqualTo(37);
        properties.setMaxRequestsPerSecond(0.01);
        assertThat(properties.effectiveBatchSize()).isEqualTo(1);
    }

    @Test
    void rateLimiterPacesEvenlyAndNeverExceedsTheShareInAnyWindow() {
        ReconciliationProperties properties = new ReconciliationProperties();
        properties.setMaxRequestsPerSecond(200);
        properties.setInstances(2);
        RetrievalRateLimiter limiter = new RetrievalRateLimiter(properties, new SimpleMeterRegistry());
        assertThat(limiter.ratePerSecond()).isCloseTo(100, org.assertj.core.data.Offset.offset(0.01));

        // a backlog: 300 requests asked for at once
        long[] slots = new long[300];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = limiter.reserve();
        }

        assertWithinCeiling(limiter, slots, 100);
        // after an idle start 100 ms are made up (20 starts at double pace), then evenly paced: no bursts; the 101st
        // waits for the window (1 s after the first), and from then on the pace is even
        for (int i = 22; i < slots.length; i++) {
            if (i != 100) {
                assertThat(slots[i] - slots[i - 1]).as("evenly paced at " + i).isEqualTo(10_000_000);
            }
        }
        assertThat(slots[100] - slots[0]).isEqualTo(1_000_000_000);
        assertThat((slots[299] - slots[0]) / 1e9).isCloseTo(2.99, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void rateLimiterMakesUpAShortStall() throws InterruptedException {
        ReconciliationProperties properties = new ReconciliationProperties();
        properties.setMaxRequestsPerSecond(100);
        RetrievalRateLimiter limiter = new RetrievalRateLimiter(properties, new SimpleMeterRegistry());

        long[] slots = new long[150];
        for (int i = 0; i < slots.length; i++) {
            if (i == 75) {
                Thread.sleep(60); // nobody asks for 60 ms: made up afterwards at double pace
            }
            slots[i] = limiter.acquireSlot();
        }

        assertWithinCeiling(limiter, slots, 100);
        // 149 gaps of 10 ms less the 100 ms credit of the idle start = 1.39 s; the stall adds nothing (late wake-ups may)
        assertThat((slots[149] - slots[0]) / 1e9).isBetween(1.38, 2.0);
    }

    private static void assertWithinCeiling(RetrievalRateLimiter limiter, long[] slots, int perWindow) {
        for (int i = perWindow; i < slots.length; i++) {
            assertThat(slots[i] - slots[i - perWindow]).as((perWindow + 1) + " starts span at least one window")
                    .isGreaterThanOrEqualTo(limiter.windowNanos());
        }
        for (int i = 1; i < slots.length; i++) {
            assertThat(slots[i] - slots[i - 1]).as("never closer than half the nominal spacing")
                    .isGreaterThanOrEqualTo(limiter.windowNanos() / perWindow / 2);
        }
    }

    @Test
    void rateBelowOnePerSecondCountsOverALongerWindow() {
        ReconciliationProperties properties = new ReconciliationProperties();
        properties.setMaxRequestsPerSecond(0.5);
        RetrievalRateLimiter limiter = new RetrievalRateLimiter(properties, new SimpleMeterRegistry());
        long first = limiter.reserve();
        long second = limiter.reserve();
        assertThat(second - first).isGreaterThanOrEqualTo(2_000_000_000L);
    }
}
