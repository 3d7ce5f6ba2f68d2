package com.jumiogateway.routes;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jumiogateway.claims.InstanceIdentity;
import com.jumiogateway.support.GatewayInstance;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.JumioFake;
import com.jumiogateway.support.SilentSmtp;
import com.jumiogateway.support.TestSmtp;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Claims of the three queues (callback inbox, alert outbox, pending transactions) are short leases renewed by a
 * heartbeat while the work runs: an instance that died leaves claims that are taken over within 30 s (the default
 * 20 s lease) by a live instance, a restarted instance with a stable name (gateway.instance-id) takes its own back at
 * start-up, and a claim whose owner is still working on it (slow SMTP, slow Jumio) is never taken over.
 * H2 file database by default, PostgreSQL when GATEWAY_DB_URL is set.
 */
class ClaimTakeoverTest {

    static final String SCANS = "/api/netverify/v2/scans/";
    static JumioFake jumio;
    static final TestSmtp smtp = new TestSmtp();

    @BeforeAll
    static void fakes() {
        jumio = new JumioFake();
        jumio.server.stubFor(get(urlPathMatching(SCANS + "[^/]+")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"timestamp\":\"{{now}}\",\"scanReference\":\"{{request.pathSegments.[4]}}\",\"status\":\"PENDING\"}")
                .withTransformers("response-template")));
        smtp.start();
    }

    @AfterAll
    static void stopFakes() {
        jumio.stop();
        smtp.stop();
    }

    static Map<String, Object> settings(String db, int smtpPort) {
        Map<String, Object> p = new HashMap<>();
        p.put("spring.datasource.url", db);
        p.putAll(jumio.settings());
        p.put("gateway.reconciliation.poll-delay-ms", "100");
        p.put("gateway.reconciliation.grace", "PT0S");
        p.put("gateway.reconciliation.max-requests-per-second", "50");
        p.putAll(TestSmtp.settings(smtpPort));
        p.put("gateway.alerts.categories.fraud.to", "compliance@bank.test");
        return p;
    }

    /** What an instance leaves behind when it is killed right after claiming: one row of each queue, leased. */
    static void leaveClaims(JdbcTemplate jdbc, String owner, String tag, Instant leaseEnds) {
        Timestamp now = Timestamp.from(Instant.now());
        Timestamp until = Timestamp.from(leaseEnds);
        jdbc.update("INSERT INTO callback_inbox (kind, source_address, content_type, body, received_at, status, attempts,"
                        + " claimed_by, claimed_until) VALUES ('NETVERIFY', ?, ?, ?, ?, 'CLAIMED', 1, ?, ?)",
                GatewayTestSupport.JUMIO_US, GatewayTestSupport.FORM,
                CallbackInboxTest.callback("inbox-" + tag).getBytes(StandardCharsets.UTF_8), now, owner, until);
        String ref = "alert-" + tag;
        AlertSenderTest.insertPendingAlert(jdbc, ref, 1, owner, leaseEnds);
        Timestamp initiated = Timestamp.from(Instant.now().minus(Duration.ofHours(2)));
        jdbc.update("INSERT INTO pending_transaction (scan_reference, kind, data_center, origin, initiated_at,"
                        + " token_lifetime_minutes, overdue_at, state, attempts, consecutive_errors, next_poll_at, created_at,"
                        + " updated_at, claimed_by, claimed_until) VALUES (?, 'NETVERIFY', 'US', 'REGISTERED', ?, 30, ?,"
                        + " 'PENDING', 0, 0, ?, ?, ?, ?, ?)",
                "pending-" + tag, initiated, initiated, initiated, initiated, initiated, owner, until);
    }

    /** The three rows are done: callback processed, alert sent, transaction polled (and its claim given back). */
    static boolean taken(JdbcTemplate jdbc, String tag) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox WHERE status = 'PROCESSED' AND scan_reference = ?",
                Long.class, "inbox-" + tag) == 1
                && "SENT".equals(jdbc.queryForObject("SELECT status FROM alert_outbox WHERE scan_reference = ?",
                String.class, "alert-" + tag))
                && jdbc.queryForObject("SELECT attempts FROM pending_transaction WHERE scan_reference = ?", Integer.class,
                "pending-" + tag) >= 1;
    }

    static void empty(JdbcTemplate jdbc) {
        for (String table : List.of("verification_result", "callback_inbox", "alert_outbox", "pending_transaction",
                "retrieval_credentials_block")) {
            jdbc.update("DELETE FROM " + table);
        }
    }

    @Test
    void claimsOfAKilledInstanceAreTakenOverWithin30SecondsByTheNextInstanceOnAllThreeQueues() {
        String db = GatewayInstance.databaseUrl("takeover");
        String deadId;
        try (GatewayInstance dying = GatewayInstance.start(settings(db, smtp.port()))) {
            empty(dying.jdbc());
            deadId = dying.bean(InstanceIdentity.class).id();
        }
        // killed right after a claim (or a heartbeat): each claim has a whole fresh lease (the default 20 s) left
        Instant death = Instant.now();
        Instant leaseEnds = death.plusSeconds(20);
        try (GatewayInstance next = GatewayInstance.start(settings(db, smtp.port()))) {
            JdbcTemplate jdbc = next.jdbc();
            leaveClaims(jdbc, deadId, "killed", leaseEnds);
            assertThat(next.bean(InstanceIdentity.class).id()).isNotEqualTo(deadId);

            // not before the lease has run out: the dead instance might still have been working on it
            Duration untilLeaseEnds = Duration.between(Instant.now(), leaseEnds).minusSeconds(1);
            if (untilLeaseEnds.compareTo(Duration.ofSeconds(1)) > 0) {
                Duration window = untilLeaseEnds.compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : untilLeaseEnds;
                await().during(window).atMost(window.plusSeconds(1)).until(() ->
                        "CLAIMED".equals(jdbc.queryForObject("SELECT status FROM callback_inbox", String.class))
                                && deadId.equals(jdbc.queryForObject("SELECT claimed_by FROM alert_outbox", String.class)));
            }
            await().atMost(Duration.ofSeconds(30).minus(Duration.between(death, Instant.now())))
                    .pollInterval(Duration.ofMillis(200)).until(() -> taken(jdbc, "killed"));
            Duration takeover = Duration.between(death, Instant.now());
            System.out.printf("claims of a killed instance taken over after %d ms%n", takeover.toMillis());
            assertThat(takeover).isLessThanOrEqualTo(Duration.ofSeconds(30));

            assertThat(jdbc.queryForObject("SELECT claimed_by FROM alert_outbox", String.class)).isNotEqualTo(deadId);
            assertThat(jdbc.queryForObject("SELECT last_polled_by FROM pending_transaction", String.class))
                    .isEqualTo(next.bean(InstanceIdentity.class).id());
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM verification_result WHERE scan_reference = 'inbox-killed'",
                    Long.class)).isEqualTo(1);
        }
    }

    @Test
    void aRestartedInstanceWithAStableNameTakesBackItsOwnClaimsAtStartUp() {
        String db = GatewayInstance.databaseUrl("restart-own");
        Map<String, Object> named = settings(db, smtp.port());
        named.put("gateway.instance-id", "node-a");
        try (GatewayInstance before = GatewayInstance.start(named)) {
            empty(before.jdbc());
            // its previous life was killed holding claims with leases far from running out
            leaveClaims(before.jdbc(), "node-a", "own", Instant.now().plus(Duration.ofHours(1)));
            // the same rows of another instance stay where they are: only this instance's own claims are given back
        }
        Instant restart = Instant.now();
        try (GatewayInstance after = GatewayInstance.start(named)) {
            JdbcTemplate jdbc = after.jdbc();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> taken(jdbc, "own"));
            System.out.printf("own claims taken back %d ms after the restart began%n",
                    Duration.between(restart, Instant.now()).toMillis());
            assertThat(jdbc.queryForObject("SELECT last_polled_by FROM pending_transaction", String.class)).isEqualTo("node-a");
        }
    }

    @Test
    void aClaimIsNeverTakenFromAnInstanceStillWorkingOnItSlowSmtpAndSlowJumio() throws Exception {
        String db = GatewayInstance.sharedDatabaseUrl("heartbeat");
        String slowRef = "slow-00000000-0000-0000-0000-000000000001";
        jumio.server.stubFor(get(urlPathMatching(SCANS + slowRef)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withFixedDelay(10000)
                .withBody("{\"timestamp\":\"" + Instant.now() + "\",\"scanReference\":\"" + slowRef + "\",\"status\":\"PENDING\"}")));
        try (SilentSmtp silentSmtp = SilentSmtp.on(0)) {
            List<Socket> held = silentSmtp.held();
            Map<String, Object> settings = settings(db, silentSmtp.port());
            // a lease of 2 s (heartbeat every 667 ms) against work that takes 10 s
            settings.put("gateway.claim-lease", "2s");
            settings.put("gateway.alerts.smtp.read-timeout-ms", "10000");
            settings.put("gateway.alerts.poll-delay-ms", "100");
            try (GatewayInstance a = GatewayInstance.start(settings); GatewayInstance b = GatewayInstance.start(settings)) {
                JdbcTemplate jdbc = a.jdbc();
                empty(jdbc);
                leaveClaims(jdbc, "nobody", "slow", Instant.now().minusSeconds(1));
                jdbc.update("DELETE FROM callback_inbox");
                jdbc.update("UPDATE pending_transaction SET scan_reference = ? WHERE scan_reference = 'pending-slow'", slowRef);

                await().atMost(Duration.ofSeconds(10)).until(() -> held.size() >= 1
                        && jumio.requests(SCANS + slowRef).size() >= 1);
                String alertOwner = jdbc.queryForObject("SELECT claimed_by FROM alert_outbox", String.class);
                String pendingOwner = jdbc.queryForObject("SELECT claimed_by FROM pending_transaction", String.class);
                int alertAttempts = jdbc.queryForObject("SELECT attempts FROM alert_outbox", Integer.class);
                // three leases and more: the owners are still working, nobody else takes over or connects
                await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(7)).pollInterval(Duration.ofMillis(100))
                        .until(() -> held.size() == 1 && jumio.requests(SCANS + slowRef).size() == 1
                                && alertOwner.equals(jdbc.queryForObject("SELECT claimed_by FROM alert_outbox", String.class))
                                && jdbc.queryForObject("SELECT attempts FROM alert_outbox", Integer.class) == alertAttempts
                                && pendingOwner.equals(jdbc.queryForObject("SELECT claimed_by FROM pending_transaction", String.class)));
                // and the claims are alive: their leases lie ahead
                assertThat(jdbc.queryForObject("SELECT claimed_until FROM alert_outbox", Timestamp.class).toInstant())
                        .isAfter(Instant.now());
                // the slow Jumio answered: polled once, claim given back
                await().atMost(Duration.ofSeconds(15)).until(() -> jdbc.queryForObject(
                        "SELECT attempts FROM pending_transaction", Integer.class) == 1);
                assertThat(jumio.requests(SCANS + slowRef)).hasSize(1);
                empty(jdbc);
            }
        }
    }
}
