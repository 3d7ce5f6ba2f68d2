package com.jumiogateway.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.jumiogateway.reconciliation.RetrievalRateLimiter.Pacing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/** The fleet-wide ceiling of requests to Jumio's Retrieval API: its pacing, and several instances on one database. */
class RetrievalRateLimiterTest {

    private static final Duration TOLERANCE = Duration.ofMillis(20);

    @Test
    void anyWindowHoldsAtMostTheCeilingEvenWhenEveryStartIsAsLateAsTolerated() {
        Random random = new Random(7);
        for (double rate : new double[] {0.5, 1, 2, 3, 7, 100, 600}) {
            Pacing pacing = Pacing.of(rate, TOLERANCE);
            long[] starts = new long[2_000];
            for (int k = 0; k < starts.length; k++) {
                // grants as close as the limiter ever makes them, each start late by anything up to the tolerance
                long late = k % 3 == 0 ? pacing.toleranceMicros() : (long) (random.nextDouble() * pacing.toleranceMicros());
                starts[k] = k * pacing.spacingMicros() + late;
            }
            for (int i = 0; i + pacing.perWindow() < starts.length; i++) {
                assertThat(starts[i + pacing.perWindow()] - starts[i]).as(rate + "/s: " + (pacing.perWindow() + 1)
                        + " starts span more than one window").isGreaterThanOrEqualTo(pacing.windowMicros());
            }
            // the slack is the tolerance per window: 2 % of the ceiling at one second
            double allowed = pacing.perWindow() * 1e6 / pacing.windowMicros();
            assertThat(1e6 / pacing.spacingMicros()).as(rate + "/s").isGreaterThanOrEqualTo(0.975 * allowed);
        }
        assertThat(Pacing.of(2, TOLERANCE).spacingMicros()).isEqualTo(510_000);
        assertThat(Pacing.of(0.5, TOLERANCE).spacingMicros()).isEqualTo(2_020_000);
        assertThatThrownBy(() -> Pacing.of(0, TOLERANCE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void threeInstancesOnOneDatabaseShareOneCeilingAndNoneStarves() throws Exception {
        JdbcDataSource database = database("three-limiters");
        double rate = 30;
        List<RetrievalRateLimiter> fleet = List.of(limiter(database, rate), limiter(database, rate), limiter(database, rate));
        Map<Integer, List<Long>> startsByInstance = new ConcurrentHashMap<>();
        AtomicInteger left = new AtomicInteger(120);
        ExecutorService threads = Executors.newFixedThreadPool(9);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < 9; t++) {
                int instance = t % 3;
                running.add(threads.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        long start = fleet.get(instance).acquireStart();
                        startsByInstance.computeIfAbsent(instance, i -> Collections.synchronizedList(new ArrayList<>()))
                                .add(start);
                    }
                }));
            }
            for (Future<?> thread : running) {
                thread.get();
            }
        } finally {
            threads.shutdownNow();
        }
        List<Long> starts = startsByInstance.values().stream().flatMap(List::stream).sorted().toList();
        assertThat(starts).hasSize(120);
        for (int i = 0; i + 30 < starts.size(); i++) {
            assertThat(starts.get(i + 30) - starts.get(i)).as("31 starts of the fleet span more than a second")
                    .isGreaterThanOrEqualTo(1_000_000);
        }
        assertThat(startsByInstance).hasSize(3);
        startsByInstance.forEach((instance, own) -> assertThat(own.size()).as("instance " + instance + " starves")
                .isGreaterThanOrEqualTo(120 / 3 / 2));
    }

    @Test
    void oneInstanceAloneGetsTheWholeCeiling() throws Exception {
        RetrievalRateLimiter alone = limiter(database("one-limiter"), 50);
        List<Long> starts = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger left = new AtomicInteger(151);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                running.add(threads.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        starts.add(alone.acquireStart());
                    }
                }));
            }
            for (Future<?> thread : running) {
                thread.get();
            }
        } finally {
            threads.shutdownNow();
        }
        List<Long> sorted = starts.stream().sorted().toList();
        double perSecond = (sorted.size() - 1) * 1e6 / (sorted.get(sorted.size() - 1) - sorted.get(0));
        System.out.printf("one instance alone: %.2f requests/s of a ceiling of 50 (%d late wake-ups asked again)%n",
                perSecond, (long) alone.missed());
        // never above the ceiling; the share reached (0.98 at most, less each late wake-up) is measured by the
        // benchmark, not asserted here: on a loaded machine late wake-ups cost slots
        assertThat(perSecond).isBetween(0.80 * 50, 50.0);
    }

    @Test
    void aLateStartMovesToNowOnlyWhileNoLaterStartWasGranted() {
        JdbcDataSource database = database("late-start");
        RetrievalRateLimiter limiter = limiter(database, 10);
        long spacing = limiter.pacing().spacingMicros();
        long first = limiter.grant();
        Long moved = limiter.moveLastGrant(first);
        assertThat(moved).as("still the last start granted").isNotNull().isGreaterThanOrEqualTo(first);
        assertThat(new JdbcTemplate(database).queryForObject("SELECT next_start_micros FROM rate_limit", Long.class))
                .as("the next grant is spaced from the moved start").isEqualTo(moved + spacing);
        long second = limiter.grant();
        assertThat(second - moved).isGreaterThanOrEqualTo(spacing);
        assertThat(limiter.moveLastGrant(moved)).as("a later start was granted: it must ask again").isNull();
        assertThat(new JdbcTemplate(database).queryForObject("SELECT next_start_micros FROM rate_limit", Long.class))
                .isEqualTo(second + spacing);
    }

    @Test
    void aDeletedCeilingRowIsPutBack() {
        JdbcDataSource database = database("deleted-row");
        new JdbcTemplate(database).update("DELETE FROM rate_limit");
        RetrievalRateLimiter limiter = limiter(database, 100);
        long first = limiter.acquireStart();
        long second = limiter.acquireStart();
        assertThat(second - first).isGreaterThanOrEqualTo(limiter.pacing().spacingMicros());
        assertThat(new JdbcTemplate(database).queryForObject("SELECT next_start_micros FROM rate_limit", Long.class))
                .isEqualTo(second + limiter.pacing().spacingMicros());
    }

    private static RetrievalRateLimiter limiter(JdbcDataSource database, double rate) {
        ReconciliationProperties properties = new ReconciliationProperties();
        properties.setMaxRequestsPerSecond(rate);
        properties.setRateLimitTolerance(TOLERANCE);
        return new RetrievalRateLimiter(properties, new JdbcTemplate(database), new DataSourceTransactionManager(database),
                new SimpleMeterRegistry());
    }

    private static JdbcDataSource database(String name) {
        JdbcDataSource database = new JdbcDataSource();
        database.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        database.setUser("sa");
        Flyway.configure().dataSource(database).load().migrate();
        return database;
    }
}
