package com.jumiogateway.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RetrievalSchedule: Jumio's timings, daily attempts, give-up, back-off; the batch bound. */
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
        properties.setClaimLease(Duration.ofMinutes(5));
        properties.setBatchSize(50);
        // 2 requests/s for the fleet, two requests per transaction, a quarter of 300 s: 75, bounded by the batch: 50
        assertThat(properties.effectiveBatchSize()).isEqualTo(50);
        properties.setMaxRequestsPerSecond(1);
        assertThat(properties.effectiveBatchSize()).isEqualTo(37);
        properties.setMaxRequestsPerSecond(0.01);
        assertThat(properties.effectiveBatchSize()).isEqualTo(1);
    }
}
