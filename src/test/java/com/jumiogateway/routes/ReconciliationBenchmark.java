package com.jumiogateway.routes;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.JumioFake;
import com.jumiogateway.support.OwnContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Reconciles a backlog of overdue transactions (default 10,000) against a local fake Retrieval API (WireMock) with a
 * ceiling of N requests per second (default 200), after a warm-up, and reports the achieved request rate as a
 * fraction of N and how many requests came earlier than their transaction was due. Every transaction is DONE:
 * status, then data, then the whole result path (map, enrich, store, resolve).
 *
 * <p>Not part of the normal test run. Run it with:
 * {@code ./mvnw -o test -Dtest=ReconciliationBenchmark -Dbench=true [-Dbench.rate=200] [-Dbench.transactions=10000]}
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
@OwnContext
class ReconciliationBenchmark extends GatewayTestSupport {

    static final JumioFake jumio = new JumioFake();
    static final int RATE = Integer.getInteger("bench.rate", 200);
    static final int TRANSACTIONS = Integer.getInteger("bench.transactions", 10_000);
    static final int WARM_UP = Integer.getInteger("bench.warmup", 600);
    static final String SCANS = "/api/netverify/v2/scans/";
    static final int THREADS = Integer.getInteger("bench.threads", 16);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        jumio.register(registry);
        registry.add("gateway.reconciliation.max-requests-per-second", () -> Integer.toString(RATE));
        registry.add("gateway.reconciliation.threads", () -> Integer.toString(THREADS));
        registry.add("gateway.reconciliation.batch-size", () -> "500");
        registry.add("gateway.reconciliation.claim-lease", () -> "PT10M");
        registry.add("gateway.reconciliation.poll-delay-ms", () -> "50");
        registry.add("gateway.reconciliation.grace", () -> "PT0S");
        registry.add("logging.level.com.jumiogateway", () -> "WARN");
        registry.add("logging.level.verification-result", () -> "WARN");
    }

    @AfterAll
    static void stopJumio() {
        jumio.stop();
    }

    @Test
    void reconcilesTheBacklogAtTheCeiling() throws IOException {
        String data;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/retrieval/netverify-approved-data.json")) {
            data = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("%s", "{{request.pathSegments.[4]}}");
        }
        jumio.server.stubFor(get(urlPathMatching(SCANS + "[^/]+")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"timestamp\":\"{{now}}\",\"scanReference\":\"{{request.pathSegments.[4]}}\",\"status\":\"DONE\"}")
                .withTransformers("response-template")));
        jumio.server.stubFor(get(urlPathMatching(SCANS + "[^/]+/data")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(data).withTransformers("response-template")));

        // warm-up: JIT, connection pool, H2
        seed("warm", WARM_UP, Instant.now(), 0);
        awaitAllResolved(WARM_UP, Duration.ofSeconds(60 + 2L * WARM_UP / RATE));
        jdbc.update("DELETE FROM pending_transaction");
        jdbc.update("DELETE FROM verification_result");
        jumio.server.resetRequests();

        // the backlog: due times spread over the first 10 s (so that an early poll would show), all overdue soon
        Instant start = Instant.now().plusSeconds(1);
        Map<String, Instant> due = seed("bench", TRANSACTIONS, start, 1);
        long began = System.nanoTime();
        awaitAllResolved(TRANSACTIONS, Duration.ofSeconds(120 + 3L * TRANSACTIONS / RATE));
        double wall = (System.nanoTime() - began) / 1e9;

        List<ServeEvent> requests = jumio.server.getAllServeEvents().stream()
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate())).toList();
        Instant first = JumioFake.at(requests.get(0));
        Instant last = JumioFake.at(requests.get(requests.size() - 1));
        double seconds = Duration.between(first, last).toMillis() / 1000.0;
        double achieved = (requests.size() - 1) / seconds;
        int early = 0;
        int maxInOneSecond = 0;
        for (int i = 0, j = 0; i < requests.size(); i++) {
            String path = URI.create(requests.get(i).getRequest().getUrl()).getPath();
            String ref = path.substring(SCANS.length()).replace("/data", "");
            if (JumioFake.at(requests.get(i)).isBefore(due.get(ref))) {
                early++;
            }
            while (Duration.between(JumioFake.at(requests.get(j)), JumioFake.at(requests.get(i))).toMillis() >= 1000) {
                j++;
            }
            maxInOneSecond = Math.max(maxInOneSecond, i - j + 1);
        }
        // per whole second of the active window: how many seconds fell short of 0.9 N (stalls) 
        Map<Long, Integer> perSecond = new java.util.TreeMap<>();
        for (ServeEvent event : requests) {
            perSecond.merge(Duration.between(first, JumioFake.at(event)).toSeconds(), 1, Integer::sum);
        }
        long fullSeconds = (long) Math.floor(seconds);
        long shortSeconds = java.util.stream.LongStream.range(0, fullSeconds)
                .filter(sec -> perSecond.getOrDefault(sec, 0) < 0.9 * RATE).count();
        java.nio.file.Files.writeString(java.nio.file.Path.of("target", "reconciliation-benchmark-seconds.txt"),
                perSecond.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                        .collect(java.util.stream.Collectors.joining("\n")));
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        long statusRequests = requests.stream().filter(e -> !e.getRequest().getUrl().endsWith("/data")).count();

        String report = String.format("""

                ==== Reconciliation benchmark ====
                transactions reconciled : %d (all RESOLVED, source RETRIEVAL)
                requests to fake Jumio  : %d (%d status + %d data)
                ceiling N               : %d requests/s (one instance)
                active window           : %.2f s (first to last request); wall %.2f s
                achieved rate           : %.1f requests/s = %.3f of N (target >= 0.95)
                most requests in any 1 s: %d (at most N start per second; in-flight ones may arrive bunched: N + %d threads)
                seconds below 0.9 N     : %d of %d
                polled early            : %d (requests before their transaction was due)
                machine load average    : %.1f (2 cores, shared with other builds)
                =================================
                """, TRANSACTIONS, requests.size(), statusRequests, requests.size() - statusRequests, RATE, seconds, wall,
                achieved, achieved / RATE, maxInOneSecond, THREADS, shortSeconds, fullSeconds, early, load);
        System.out.println(report);
        java.nio.file.Files.writeString(java.nio.file.Path.of("target", "reconciliation-benchmark.txt"), report);

        assertThat(requests).hasSize(2 * TRANSACTIONS);
        assertThat(early).isZero();
        assertThat(achieved / RATE).isGreaterThanOrEqualTo(0.95);
        // at most N requests start in any second; a pause can bunch the requests already in flight (one per thread)
        assertThat(maxInOneSecond).isLessThanOrEqualTo(RATE + THREADS);
    }

    /** Inserts overdue pending rows; the i-th is due at start + i * stepMillis. */
    private Map<String, Instant> seed(String prefix, int count, Instant start, long stepMillis) {
        Map<String, Instant> due = new HashMap<>();
        List<Object[]> rows = new ArrayList<>();
        Timestamp now = Timestamp.from(Instant.now());
        Timestamp initiated = Timestamp.from(Instant.now().minus(Duration.ofHours(2)));
        for (int i = 0; i < count; i++) {
            String ref = String.format("%s-%08d-0000-4000-8000-000000000000", prefix, i);
            Instant at = start.plusMillis(i * stepMillis);
            due.put(ref, at);
            rows.add(new Object[] {ref, initiated, Timestamp.from(at), Timestamp.from(at), now, now});
        }
        jdbc.batchUpdate("INSERT INTO pending_transaction (scan_reference, kind, data_center, origin, initiated_at,"
                + " token_lifetime_minutes, overdue_at, state, attempts, consecutive_errors, next_poll_at, created_at,"
                + " updated_at) VALUES (?, 'NETVERIFY', 'US', 'REGISTERED', ?, 30, ?, 'PENDING', 0, 0, ?, ?, ?)", rows);
        return due;
    }

    private void awaitAllResolved(int count, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofSeconds(1)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM pending_transaction WHERE state = 'RESOLVED'", Long.class) == count);
    }
}
