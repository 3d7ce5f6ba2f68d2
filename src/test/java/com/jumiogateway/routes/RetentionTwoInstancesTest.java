package com.jumiogateway.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jumiogateway.support.GatewayInstance;
import com.jumiogateway.support.Signals;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two gateway instances on one database (PostgreSQL when GATEWAY_DB_URL is set, else a shared in-memory H2) purge
 * the same backlog at the same time, in small batches (7 rows, 3 batches a run, every 50 ms): the outcome is the one
 * a single instance reaches (every due row purged, nothing else touched), and no row is purged twice (the two
 * instances' counters add up to the number of rows).
 */
class RetentionTwoInstancesTest {

    static final ObjectMapper json = new ObjectMapper();
    static final String NAME = "Bartholomew-Retention";
    static GatewayInstance first;
    static GatewayInstance second;

    @BeforeAll
    static void startTwoInstances() {
        String database = GatewayInstance.sharedDatabaseUrl("shared-retention");
        Map<String, Object> settings = Map.of(
                "gateway.retention.interval", "50",
                "gateway.retention.batch-size", "7",
                "gateway.retention.max-batches", "3",
                // two instances on a shared PostgreSQL: small pools
                "spring.datasource.hikari.maximum-pool-size", "6");
        first = GatewayInstance.start(database, with(settings, "camel.main.name", "retention-one"));
        second = GatewayInstance.start(database, with(settings, "camel.main.name", "retention-two"));
        first.emptyTables();
    }

    @AfterAll
    static void stopAll() {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
    }

    @Test
    void twoInstancesPurgingAtOnceReachTheOutcomeOfOneAndPurgeNothingTwice() throws Exception {
        JdbcTemplate jdbc = first.jdbc();
        Instant now = Instant.now();
        Map<String, Double> before = purgedCounts();
        // the whole backlog appears at once (one transaction), for both instances' next runs
        first.bean(org.springframework.transaction.support.TransactionTemplate.class).executeWithoutResult(tx -> {
            inbox(jdbc, 200, "PROCESSED", now.minus(Duration.ofDays(40)));   // due (30 days)
            inbox(jdbc, 20, "PROCESSED", now.minus(Duration.ofDays(1)));     // not due
            inbox(jdbc, 30, "FAILED", now.minus(Duration.ofDays(40)));       // not due (FAILED: 90 days)
            inbox(jdbc, 10, "FAILED", now.minus(Duration.ofDays(100)));      // due
            results(jdbc, "old", 150, now.minus(Duration.ofDays(400)));        // due (365 days)
            results(jdbc, "new", 20, now.minus(Duration.ofDays(10)));          // not due
            alerts(jdbc, "old", 60, "SENT", now.minus(Duration.ofDays(400)));  // due
            alerts(jdbc, "new", 10, "SENT", now.minus(Duration.ofDays(10)));   // not due
            alerts(jdbc, "failed", 5, "FAILED", now.minus(Duration.ofDays(400))); // not sent: kept for a resend
            audit(jdbc, 100, now.minus(Duration.ofDays(800)));               // due (730 days)
            audit(jdbc, 10, now.minus(Duration.ofDays(1)));                  // not due
        });

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                count(jdbc, "SELECT COUNT(*) FROM callback_inbox WHERE body_purged_at IS NULL") == 50
                        && count(jdbc, "SELECT COUNT(*) FROM verification_result WHERE personal_data_purged_at IS NULL") == 20
                        && count(jdbc, "SELECT COUNT(*) FROM alert_outbox WHERE content_purged_at IS NULL") == 15
                        && count(jdbc, "SELECT COUNT(*) FROM audit_event") == 10);
        // two more runs of each: anything either could still purge (twice) would have been
        Signals.awaitRounds(first.bean(CamelContext.class), "retention", 2);
        Signals.awaitRounds(second.bean(CamelContext.class), "retention", 2);

        // the outcome of one instance: exactly the due rows purged, each redacted result still valid JSON
        assertThat(count(jdbc, "SELECT COUNT(*) FROM callback_inbox WHERE body_purged_at IS NOT NULL AND"
                + " ((status = 'PROCESSED' AND processed_at < ?) OR (status = 'FAILED' AND processed_at < ?))",
                Timestamp.from(now.minus(Duration.ofDays(30))), Timestamp.from(now.minus(Duration.ofDays(90))))).isEqualTo(210);
        assertThat(jdbc.queryForList("SELECT body FROM callback_inbox WHERE body_purged_at IS NOT NULL", byte[].class))
                .allSatisfy(body -> assertThat(body).isEmpty());
        assertThat(count(jdbc, "SELECT COUNT(*) FROM verification_result WHERE personal_data_purged_at IS NOT NULL"
                + " AND scan_reference LIKE 'old-%'")).isEqualTo(150);
        for (String stored : jdbc.queryForList("SELECT result_json FROM verification_result", String.class)) {
            JsonNode result = json.readTree(stored);
            if (result.path("scanReference").asText().startsWith("old-")) {
                assertThat(result.has("details")).isFalse();
                assertThat(result.path("personalData").path("state").asText()).isEqualTo("PURGED");
                assertThat(result.path("decision").asText()).isEqualTo("APPROVED");
            } else {
                assertThat(result.path("details").path("idFirstName").asText()).isEqualTo(NAME);
            }
        }
        assertThat(count(jdbc, "SELECT COUNT(*) FROM alert_outbox WHERE content_purged_at IS NOT NULL"
                + " AND alert_key LIKE 'old-%'")).isEqualTo(60);
        assertThat(jdbc.queryForList("SELECT reference FROM audit_event", String.class)).allMatch(r -> r.startsWith("recent-"));

        // nothing purged twice: both instances' counts add up to the rows
        Map<String, Double> after = purgedCounts();
        assertThat(after.get("raw-callbacks") - before.get("raw-callbacks")).isEqualTo(200);
        assertThat(after.get("failed-raw-callbacks") - before.get("failed-raw-callbacks")).isEqualTo(10);
        assertThat(after.get("personal-data") - before.get("personal-data")).isEqualTo(150);
        assertThat(after.get("alert-content") - before.get("alert-content")).isEqualTo(60);
        assertThat(after.get("audit") - before.get("audit")).isEqualTo(100);
    }

    /** Per kind, the sum of both instances' gateway.retention.purged counters. */
    private static Map<String, Double> purgedCounts() {
        Map<String, Double> sums = new java.util.HashMap<>();
        for (String what : List.of("raw-callbacks", "failed-raw-callbacks", "personal-data", "alert-content", "audit")) {
            double sum = 0;
            for (GatewayInstance instance : List.of(first, second)) {
                Counter counter = instance.bean(MeterRegistry.class).find("gateway.retention.purged").tag("what", what).counter();
                sum += counter == null ? 0 : counter.count();
            }
            sums.put(what, sum);
        }
        return sums;
    }

    private static long count(JdbcTemplate jdbc, String sql, Object... args) {
        return jdbc.queryForObject(sql, Long.class, args);
    }

    private static void inbox(JdbcTemplate jdbc, int rows, String status, Instant processedAt) {
        Timestamp at = Timestamp.from(processedAt);
        byte[] body = ("idFirstName=" + NAME + "&verificationStatus=APPROVED_VERIFIED").getBytes(StandardCharsets.UTF_8);
        List<Object[]> args = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            args.add(new Object[] {body, at, status, at});
        }
        jdbc.batchUpdate("INSERT INTO callback_inbox (kind, source_address, content_type, body, received_at, status,"
                + " attempts, processed_at) VALUES ('NETVERIFY', '34.202.241.227', 'application/x-www-form-urlencoded',"
                + " ?, ?, ?, 1, ?)", args);
    }

    private static void results(JdbcTemplate jdbc, String prefix, int rows, Instant writtenAt) {
        Timestamp at = Timestamp.from(writtenAt);
        List<Object[]> args = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            String ref = prefix + "-" + i;
            String result = "{\"scanReference\":\"" + ref + "\",\"kind\":\"NETVERIFY\",\"status\":\"APPROVED_VERIFIED\","
                    + "\"decision\":\"APPROVED\",\"details\":{\"idFirstName\":\"" + NAME + "\"}}";
            args.add(new Object[] {ref, at, result, at, at});
        }
        jdbc.batchUpdate("INSERT INTO verification_result (scan_reference, kind, source, status, decision, event_time,"
                + " payload_hash, result_json, created_at, updated_at) VALUES (?, 'NETVERIFY', 'CALLBACK',"
                + " 'APPROVED_VERIFIED', 'APPROVED', ?, 'h', ?, ?, ?)", args);
    }

    private static void alerts(JdbcTemplate jdbc, String prefix, int rows, String status, Instant sentAt) {
        Timestamp at = Timestamp.from(sentAt);
        List<Object[]> args = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            args.add(new Object[] {prefix + "-" + i, status, at, at, status.equals("SENT") ? at : null});
        }
        jdbc.batchUpdate("INSERT INTO alert_outbox (alert_key, rule, category, status, attempts, next_attempt_at,"
                + " alert_json, created_at, sent_at) VALUES (?, 'netverify-denied-fraud', 'FRAUD', ?, 1, ?,"
                + " '{\"customerId\":\"c\"}', ?, ?)", args);
    }

    private static void audit(JdbcTemplate jdbc, int rows, Instant at) {
        List<Object[]> args = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            args.add(new Object[] {Timestamp.from(at), (at.isBefore(Instant.now().minus(Duration.ofDays(30))) ? "old-" : "recent-") + i});
        }
        jdbc.batchUpdate("INSERT INTO audit_event (occurred_at, action, reference, caller, client_address)"
                + " VALUES (?, 'READ_RESULT', ?, 'tester', '127.0.0.1')", args);
    }

    private static Map<String, Object> with(Map<String, Object> settings, String key, Object value) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>(settings);
        copy.put(key, value);
        return copy;
    }
}
