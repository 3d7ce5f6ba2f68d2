package com.jumiogateway.routes;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.jumiogateway.support.JumioFake.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.jumiogateway.reconciliation.JumioApiProperties.DataCenter;
import com.jumiogateway.reconciliation.PendingTransactions;
import com.jumiogateway.reconciliation.PendingTransactions.Registration;
import com.jumiogateway.result.CallbackKind;
import com.jumiogateway.support.GatewayInstance;
import com.jumiogateway.support.JumioFake;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Three instances on one database (H2 in memory by default, PostgreSQL when GATEWAY_DB_URL is set) work through a
 * retrieval backlog: Jumio's fake counts the requests it receives in each second of its clock, and no second holds
 * more than the one ceiling configured for the fleet; every instance takes part. Then one instance alone works
 * through a second backlog and gets the whole ceiling.
 */
class ReconciliationFleetTest {

    static final String SCANS = "/api/netverify/v2/scans/";
    static final int CEILING = 10;

    static JumioFake jumio;
    static List<GatewayInstance> fleet = new ArrayList<>();

    @BeforeAll
    static void startThreeInstances() {
        jumio = new JumioFake();
        jumio.server.stubFor(get(urlPathMatching(SCANS + "[^/]+")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"timestamp\":\"{{now}}\",\"scanReference\":\"{{request.pathSegments.[4]}}\",\"status\":\"PENDING\"}")
                .withTransformers("response-template")));
        String configured = System.getenv("GATEWAY_DB_URL");
        String dbUrl = configured != null && !configured.isBlank() ? configured : "jdbc:h2:mem:shared-fleet;DB_CLOSE_DELAY=-1";
        for (String name : List.of("fleet-a", "fleet-b", "fleet-c")) {
            Map<String, Object> properties = new HashMap<>();
            properties.put("spring.datasource.url", dbUrl);
            properties.putAll(jumio.settings());
            properties.put("gateway.instance-id", name);
            // three pools on one shared PostgreSQL: ten connections each are plenty for this work
            properties.put("spring.datasource.hikari.maximum-pool-size", "10");
            properties.put("gateway.reconciliation.poll-delay-ms", "100");
            properties.put("gateway.reconciliation.schedule-seconds", "1");
            properties.put("gateway.reconciliation.daily-retry-days", "0");
            properties.put("gateway.reconciliation.grace", "PT0S");
            properties.put("gateway.reconciliation.threads", "4");
            // small batches: the backlog is shared out among the three instances, so all three ask for permits
            properties.put("gateway.reconciliation.batch-size", "5");
            properties.put("gateway.reconciliation.max-requests-per-second", Integer.toString(CEILING));
            fleet.add(GatewayInstance.start(properties));
        }
    }

    @AfterAll
    static void stopAll() {
        fleet.forEach(GatewayInstance::close);
        if (jumio != null) {
            jumio.stop();
        }
    }

    @Test
    void theFleetNeverExceedsItsOneCeilingInAnySecondAndOneInstanceAloneGetsAllOfIt() {
        JdbcTemplate jdbc = fleet.get(0).jdbc();
        jdbc.update("DELETE FROM pending_transaction");
        jdbc.update("DELETE FROM retrieval_credentials_block");
        jumio.server.resetRequests();
        // each instance's first request loads its HTTP client; requests granted meanwhile would reach Jumio late,
        // together: counted from the second backlog on (a cold instance is the README's known limit)
        workThrough(backlog("3e000000", 15));
        jumio.server.resetRequests();

        List<ServeEvent> requests = workThrough(backlog("3f000000", 90));
        Map<Long, Long> perSecond = requests.stream()
                .collect(Collectors.groupingBy(e -> at(e).getEpochSecond(), TreeMap::new, Collectors.counting()));
        System.out.printf("three instances, ceiling %d/s: requests per second at Jumio %s%n", CEILING, perSecond.values());
        assertThat(perSecond.values()).as("requests Jumio received in each second").allSatisfy(
                count -> assertThat(count).isLessThanOrEqualTo(CEILING));
        List<Double> byInstance = fleet.stream().map(instance -> instance.bean(MeterRegistry.class)
                .counter("gateway.reconciliation.requests").count()).toList();
        System.out.printf("requests by instance: %s%n", byInstance);
        assertThat(byInstance).as("no instance starves").allSatisfy(count -> assertThat(count).isPositive());

        // two instances leave: the one left takes the whole ceiling
        fleet.remove(2).close();
        fleet.remove(1).close();
        jumio.server.resetRequests();
        MeterRegistry meters = fleet.get(0).bean(MeterRegistry.class);
        double missedBefore = meters.counter("gateway.reconciliation.rate-limit.missed").count();
        // twelve seconds at the ceiling: one start time given up (a late wake-up on a busy machine) costs under 1 %
        List<ServeEvent> alone = workThrough(backlog("3f100000", 120));
        double rate = (alone.size() - 1) * 1000.0
                / Duration.between(at(alone.get(0)), at(alone.get(alone.size() - 1))).toMillis();
        double missed = meters.counter("gateway.reconciliation.rate-limit.missed").count() - missedBefore;
        System.out.printf("one instance alone: %.2f requests/s at Jumio, %.3f of the ceiling; start times given up"
                + " because a request woke up too late: %.0f%n", rate, rate / CEILING, missed);
        assertThat(rate).as("above the ceiling").isLessThanOrEqualTo(CEILING * 1.02);
        // no scheduling gaps: the requests took the start times granted one after the other, one spacing apart
        // (a start time given up after a late wake-up leaves one spacing empty)
        double spacingMs = (1000.0 + fleet.get(0).context().getEnvironment()
                .getProperty("gateway.reconciliation.rate-limit-tolerance", Duration.class).toMillis()) / CEILING;
        double span = Duration.between(at(alone.get(0)), at(alone.get(alone.size() - 1))).toMillis();
        System.out.printf("granted slots used: %.3f%n", (alone.size() - 1 + missed) * spacingMs / span);
        assertThat((alone.size() - 1 + missed) * spacingMs / span).as("share of the granted slots used")
                .isGreaterThanOrEqualTo(0.95);
        // 0.98 at most (the tolerance's slack), less one slot per late wake-up: 0.96-0.98 on this 2-core machine with
        // a load average around 10, 0.67-0.93 at 30-45 (the README's figures): the share itself is benchmarked; this
        // floor only catches a pacing that hands out half the slots
        assertThat(rate).as("the share of the ceiling one instance alone gets").isGreaterThanOrEqualTo(CEILING * 0.5);
    }

    private static List<String> backlog(String prefix, int transactions) {
        PendingTransactions registry = fleet.get(0).bean(PendingTransactions.class);
        Instant initiatedAt = Instant.now().minus(Duration.ofMinutes(46));
        List<String> refs = new ArrayList<>();
        for (int i = 0; i < transactions; i++) {
            String ref = String.format("%s-0000-4000-8000-%012d", prefix, i);
            refs.add(ref);
            registry.register(new Registration(ref, CallbackKind.NETVERIFY, DataCenter.US, "REGISTERED", "order",
                    "user", initiatedAt, 30));
        }
        return refs;
    }

    private static List<ServeEvent> workThrough(List<String> refs) {
        JdbcTemplate jdbc = fleet.get(0).jdbc();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM pending_transaction WHERE state = 'UNRESOLVED' AND scan_reference IN ("
                        + refs.stream().map(r -> "'" + r + "'").collect(Collectors.joining(",")) + ")", Long.class)
                == refs.size());
        List<ServeEvent> requests = jumio.server.getAllServeEvents().stream()
                .sorted(java.util.Comparator.comparing(e -> e.getRequest().getLoggedDate())).toList();
        assertThat(requests).as("one request per transaction").hasSize(refs.size());
        return requests;
    }
}
