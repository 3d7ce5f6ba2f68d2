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
import java.net.URI;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Two service instances (two application contexts) poll one database: H2 in memory by default, PostgreSQL when
 * GATEWAY_DB_URL is set. 200 overdue transactions, Jumio always answers PENDING, 3 attempts each (offsets 1,2,3 s,
 * no daily attempts), then given up: every transaction must be polled exactly once per due attempt, and claims of
 * an instance that died are taken over once their lease runs out.
 */
class ReconciliationTwoPollersTest {

    static final String SCANS = "/api/netverify/v2/scans/";
    static final int TRANSACTIONS = 200;
    static final int DEAD_CLAIMS = 10;

    static JumioFake jumio;
    static GatewayInstance first;
    static GatewayInstance second;
    static JdbcTemplate jdbc;

    @BeforeAll
    static void startTwoInstances() {
        jumio = new JumioFake();
        jumio.server.stubFor(get(urlPathMatching(SCANS + "[^/]+")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"timestamp\":\"{{now}}\",\"scanReference\":\"{{request.pathSegments.[4]}}\",\"status\":\"PENDING\"}")
                .withTransformers("response-template")));
        String configured = System.getenv("GATEWAY_DB_URL");
        String dbUrl = configured != null && !configured.isBlank() ? configured : "jdbc:h2:mem:shared-recon;DB_CLOSE_DELAY=-1";
        first = start("poller-a", dbUrl);
        second = start("poller-b", dbUrl);
        jdbc = first.jdbc();
    }

    private static GatewayInstance start(String instanceId, String dbUrl) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("spring.datasource.url", dbUrl);
        properties.putAll(jumio.settings());
        properties.put("gateway.reconciliation.instance-id", instanceId);
        properties.put("gateway.reconciliation.poll-delay-ms", "100");
        properties.put("gateway.reconciliation.schedule-seconds", "1,2,3");
        properties.put("gateway.reconciliation.daily-retry-days", "0");
        properties.put("gateway.reconciliation.grace", "PT0S");
        properties.put("gateway.reconciliation.batch-size", "25");
        properties.put("gateway.reconciliation.threads", "4");
        properties.put("gateway.reconciliation.claim-lease", "PT30S");
        properties.put("gateway.reconciliation.max-requests-per-second", "600");
        return GatewayInstance.start(properties);
    }

    @AfterAll
    static void stopAll() {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
        if (jumio != null) {
            jumio.stop();
        }
    }

    @Test
    void everyTransactionIsPolledExactlyOncePerDueAttempt() {
        jdbc.update("DELETE FROM pending_transaction");
        jdbc.update("DELETE FROM retrieval_credentials_block");
        jumio.server.resetRequests();
        PendingTransactions registry = first.bean(PendingTransactions.class);
        List<String> refs = new ArrayList<>();
        Instant initiatedAt = Instant.now().minus(Duration.ofMinutes(46));
        for (int i = 0; i < TRANSACTIONS; i++) {
            refs.add(String.format("2b000000-0000-4000-8000-%012d", i));
        }
        // some rows are claimed by an instance that died: taken over once the lease has run out
        Instant deadLeaseEnds = Instant.now().plusSeconds(3);
        List<String> dead = refs.subList(0, DEAD_CLAIMS);
        TransactionTemplate transaction = first.bean(TransactionTemplate.class);
        for (String ref : refs) {
            // registered and claimed in one transaction: a poller must never see a dead row unclaimed
            transaction.executeWithoutResult(status -> {
                registry.register(new Registration(ref, CallbackKind.NETVERIFY, DataCenter.US, "REGISTERED", "order",
                        "user", initiatedAt, 30));
                if (dead.contains(ref)) {
                    jdbc.update("UPDATE pending_transaction SET claimed_by = 'dead-instance', claimed_until = ?"
                            + " WHERE scan_reference = ?", Timestamp.from(deadLeaseEnds), ref);
                }
            });
        }

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM pending_transaction WHERE state = 'UNRESOLVED'", Long.class) == TRANSACTIONS);

        assertThat(jdbc.queryForList("SELECT DISTINCT attempts FROM pending_transaction", Integer.class)).containsExactly(3);
        Map<String, List<ServeEvent>> byScan = jumio.server.getAllServeEvents().stream()
                .collect(Collectors.groupingBy(e -> URI.create(e.getRequest().getUrl()).getPath().substring(SCANS.length())));
        assertThat(byScan.keySet()).containsExactlyInAnyOrderElementsOf(refs);
        for (String ref : refs) {
            List<ServeEvent> requests = byScan.get(ref).stream()
                    .sorted(java.util.Comparator.comparing(e -> e.getRequest().getLoggedDate())).toList();
            assertThat(requests).as(ref + ": one request per attempt, no double polls").hasSize(3);
            for (int i = 1; i < requests.size(); i++) {
                assertThat(Duration.between(at(requests.get(i - 1)), at(requests.get(i))))
                        .as(ref + " gap before attempt " + (i + 1)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            }
            if (dead.contains(ref)) {
                assertThat(at(requests.get(0)).plusMillis(5)).as(ref + " polled only after the dead claim's lease")
                        .isAfterOrEqualTo(deadLeaseEnds);
            }
        }
        double byFirst = first.bean(MeterRegistry.class).counter("gateway.reconciliation.requests").count();
        double bySecond = second.bean(MeterRegistry.class).counter("gateway.reconciliation.requests").count();
        assertThat(byFirst + bySecond).isEqualTo(3.0 * TRANSACTIONS);
        assertThat(byFirst).as("both instances did part of the work").isGreaterThan(0);
        assertThat(bySecond).as("both instances did part of the work").isGreaterThan(0);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM pending_transaction WHERE claimed_by IS NOT NULL", Long.class))
                .as("no claim left behind").isZero();
        System.out.printf("two pollers: poller-a sent %.0f requests, poller-b %.0f%n", byFirst, bySecond);
    }
}
