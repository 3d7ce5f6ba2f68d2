package com.jumiogateway.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.jumiogateway.alert.AlertOutbox;
import com.jumiogateway.alert.ClaimedAlert;
import com.jumiogateway.routing.ExchangeNames;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.OwnContext;
import com.jumiogateway.support.Signals;
import com.jumiogateway.support.SilentSmtp;
import com.jumiogateway.support.TestSmtp;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.component.mail.MailConstants;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * routes/alert-sender.camel.yaml and routes/alerts-api.camel.yaml when SMTP fails: retries with backoff, FAILED after
 * gateway.alerts.max-attempts (2 here), counted, listed by the API, and re-sent exactly once by POST .../resend.
 */
@OwnContext
class AlertSenderTest extends GatewayTestSupport {

    static final String SEED_REF = FraudAlertTest.SEED_REF;
    /** Not started until a test starts it: SMTP is down. */
    static final TestSmtp smtp = new TestSmtp();

    @Autowired
    AlertOutbox alertOutbox;

    @DynamicPropertySource
    static void alertSettings(DynamicPropertyRegistry registry) {
        smtp.register(registry);
        registry.add("gateway.alerts.smtp.connection-timeout-ms", () -> "1000");
        registry.add("gateway.alerts.smtp.read-timeout-ms", () -> "700");
        registry.add("gateway.alerts.categories.fraud.to", () -> "compliance@bank.test");
        registry.add("gateway.alerts.categories.fraud.bcc", () -> "audit@bank.test");
        registry.add("gateway.alerts.max-attempts", () -> "2");
        registry.add("gateway.worker.retry-delay", () -> "300ms");
    }

    @AfterEach
    void smtpDown() {
        smtp.stop();
    }

    @AfterAll
    static void stopSmtp() {
        smtp.stop();
    }

    @Test
    void alertThatCannotBeSentIsRetriedThenFailedCountedListedAndResentExactlyOnce() throws Exception {
        double failedBefore = metric("gateway_alerts_failed_total");

        assertThat(postFromJumio("/callbacks/netverify", fixture("netverify/denied-fraud.txt"), FORM).statusCode())
                .isEqualTo(200);

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> "FAILED".equals(
                jdbc.queryForObject("SELECT MAX(status) FROM alert_outbox", String.class)));
        assertThat(metric("gateway_alerts_failed_total") - failedBefore).isEqualTo(1);
        assertThat(metric("gateway_alerts_retries_total")).isGreaterThanOrEqualTo(1);

        JsonNode failed = readJson(apiGet("/api/alerts?status=failed").body());
        assertThat(failed).hasSize(1);
        JsonNode alert = failed.get(0);
        long id = alert.path("id").asLong();
        assertThat(alert.path("status").asText()).isEqualTo("FAILED");
        assertThat(alert.path("attempts").asInt()).isEqualTo(2);
        assertThat(alert.path("rule").asText()).isEqualTo("netverify-denied-fraud");
        assertThat(alert.path("scanReference").asText()).isEqualTo(SEED_REF);
        assertThat(alert.path("lastError").asText()).contains("Connect");
        assertThat(alert.has("sentAt")).isFalse();
        assertThat(readJson(apiGet("/api/alerts").body())).hasSize(1);
        assertThat(readJson(apiGet("/api/alerts?status=SENT").body())).isEmpty();
        JsonNode health = readJson(apiGet("/actuator/health").body());
        assertThat(health.path("components").path("alerts").path("details").path("failed").asInt()).isEqualTo(1);

        // a FAILED alert waits for a person: SMTP coming back does not send it by itself
        smtp.start();
        awaitRounds(Signals.ALERT_SENDER, 3);
        assertThat(smtp.received()).isEmpty();

        // re-sent by the API; headers on the request change nothing about recipients
        HttpResponse<String> resend = send(HttpRequest.newBuilder(URI.create(url("/api/alerts/" + id + "/resend")))
                .header("Authorization", basic("tester", "test-password"))
                .header("To", "attacker@evil.test").header("Cc", "attacker2@evil.test").header("Bcc", "attacker3@evil.test")
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(resend.statusCode()).isEqualTo(200);
        assertThat(resend.body()).isEqualTo("{\"resent\":true}");

        smtp.awaitCopies(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> "SENT".equals(
                jdbc.queryForObject("SELECT status FROM alert_outbox WHERE id = ?", String.class, id)));
        awaitAlertsSettled();
        assertThat(smtp.emails()).hasSize(1);
        assertThat(smtp.deliveries()).containsOnlyKeys("audit@bank.test", "compliance@bank.test")
                .allSatisfy((box, count) -> assertThat(count).isEqualTo(1));
        assertThat(jdbc.queryForObject("SELECT attempts FROM alert_outbox WHERE id = ?", Integer.class, id)).isEqualTo(1);

        // only a FAILED alert can be re-sent
        assertThat(apiPost("/api/alerts/" + id + "/resend").statusCode()).isEqualTo(409);
    }

    @Test
    void smtpServerThatNeverAnswersTimesOutAndTheAlertIsKept() throws Exception {
        try (SilentSmtp silent = SilentSmtp.on(smtp.port())) {
            List<Socket> held = silent.held();

            assertThat(postFromJumio("/callbacks/netverify", fixture("netverify/denied-fraud.txt"), FORM).statusCode())
                    .isEqualTo(200);

            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> "FAILED".equals(
                    jdbc.queryForObject("SELECT MAX(status) FROM alert_outbox", String.class)));
            Map<String, Object> row = jdbc.queryForMap("SELECT attempts, last_error FROM alert_outbox");
            assertThat(row.get("attempts")).isEqualTo(2);
            assertThat(((String) row.get("last_error")).toLowerCase()).contains("timed out");
            assertThat(held).as("the sender connected and gave up waiting").hasSizeGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void outboxUnavailableDuringTheFanOutLeavesTheCallbackToBeRetriedSoTheAlertIsNotLost() throws Exception {
        smtp.start();
        jdbc.execute("ALTER TABLE alert_outbox RENAME TO alert_outbox_away");
        try {
            assertThat(postFromJumio("/callbacks/netverify", fixture("netverify/denied-fraud.txt"), FORM).statusCode())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> jdbc.queryForObject(
                    "SELECT attempts FROM callback_inbox", Integer.class) >= 2);
            assertThat(jdbc.queryForObject("SELECT status FROM callback_inbox", String.class))
                    .as("the fan-out failed, so the callback is not marked processed").isEqualTo("CLAIMED");
        } finally {
            jdbc.execute("ALTER TABLE alert_outbox_away RENAME TO alert_outbox");
        }

        smtp.awaitCopies(1);
        awaitInboxDrained();
        await().atMost(Duration.ofSeconds(10)).until(() -> "SENT".equals(
                jdbc.queryForObject("SELECT MAX(status) FROM alert_outbox", String.class)));
        assertThat(jdbc.queryForObject("SELECT outcome FROM callback_inbox", String.class))
                .as("stored before the failure, so the retry is a duplicate delivery").isEqualTo("DUPLICATE");
        awaitAlertsSettled();
        assertThat(smtp.emails()).hasSize(1);
    }

    @Test
    void alertClaimedByAnInstanceThatDiedIsTakenOverWhenItsLeaseRunsOut() throws Exception {
        smtp.start();
        String ref = "dead-00000000-0000-0000-0000-000000000001";
        // as a crashed instance leaves it: claimed (attempt 1 under way), lease still running for 2 seconds
        insertPendingAlert(jdbc, ref, 1, "crashed-instance", java.time.Instant.now().plusSeconds(2));

        // the sender looks at it several times (every 100 ms) while the 2 s lease runs
        awaitRounds(Signals.ALERT_SENDER, 3);
        assertThat(smtp.received()).as("not while the lease runs").isEmpty();

        smtp.awaitCopies(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> "SENT".equals(
                jdbc.queryForObject("SELECT status FROM alert_outbox", String.class)));
        awaitAlertsSettled();
        assertThat(smtp.emails()).hasSize(1);
        assertThat(smtp.received().get(0).getSubject()).contains(ref);
        Map<String, Object> row = jdbc.queryForMap("SELECT attempts, claimed_by FROM alert_outbox");
        assertThat(row.get("attempts")).isEqualTo(2);
        assertThat((String) row.get("claimed_by")).isNotEqualTo("crashed-instance");
    }

    @Test
    void aMailAcceptedAsAForcedStopCutsTheRouteIsStillRecordedSent() throws Exception {
        // the sender loop is stopped: this test claims the alerts and plays the sender's steps itself
        camelContext.getRouteController().stopRoute("alert-sender");
        java.util.Set<Long> claimed = new java.util.HashSet<>();
        try {
            ClaimedAlert accepted = insertAlert("cut-00000000-0000-0000-0000-000000000001");
            ClaimedAlert notAnswered = insertAlert("cut-00000000-0000-0000-0000-000000000002");
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                alertOutbox.claim().forEach(alert -> claimed.add(alert.id()));
                return claimed.containsAll(List.of(accepted.id(), notAnswered.id()));
            });

            // accepted: send-alert-email returned (camel-mail set CamelMailMessageId), then the forced end of a
            // shutdown refused mark-alert-sent
            Exchange acceptedExchange = senderExchange(accepted);
            acceptedExchange.getMessage().setHeader(MailConstants.MAIL_MESSAGE_ID, "<alert-cut@gateway>");
            endCutByForcedStop(acceptedExchange);
            // cut while the mail server had not answered: nothing says it went out
            endCutByForcedStop(senderExchange(notAnswered));

            assertThat(status(accepted.id())).as("recorded: a hand-over does not give it to a peer to mail again")
                    .isEqualTo("SENT");
            assertThat(alertOutbox.claimTable().holds(accepted.id())).isFalse();
            assertThat(status(notAnswered.id())).as("still to send, with the same Message-ID").isEqualTo("PENDING");
        } finally {
            // anything this test claimed goes back to the sender loop
            claimed.forEach(id -> alertOutbox.claimTable().forget(id));
            alertOutbox.claimTable().releaseOwnClaims();
            camelContext.getRouteController().startRoute("alert-sender");
        }
    }

    /** The exchange of send-alert after claim-taken-over: the sending has started. */
    private Exchange senderExchange(ClaimedAlert alert) {
        Exchange exchange = new DefaultExchange(camelContext);
        exchange.setProperty(ExchangeNames.ALERT_ID, alert.id());
        exchange.setProperty(ExchangeNames.ALERT_RULE, alert.rule());
        assertThat(alertOutbox.claimLost(alert.id(), exchange)).as("claim-taken-over").isFalse();
        return exchange;
    }

    /**
     * A PENDING fraud alert for a Netverify scan, due now, as the fraud rules queue it; claimed by {@code claimedBy}
     * until {@code claimedUntil} (as an instance leaves it mid-send), or unclaimed when {@code claimedBy} is null.
     */
    static void insertPendingAlert(org.springframework.jdbc.core.JdbcTemplate jdbc, String ref, int attempts,
            String claimedBy, java.time.Instant claimedUntil) {
        java.sql.Timestamp now = java.sql.Timestamp.from(java.time.Instant.now());
        jdbc.update("INSERT INTO alert_outbox (alert_key, rule, category, scan_reference, status, attempts, next_attempt_at,"
                        + " claimed_by, claimed_until, alert_json, created_at) VALUES (?, 'netverify-denied-fraud', 'FRAUD', ?,"
                        + " 'PENDING', ?, ?, ?, ?, ?, ?)",
                "netverify-denied-fraud:" + ref, ref, attempts, now, claimedBy,
                claimedUntil == null ? null : java.sql.Timestamp.from(claimedUntil),
                "{\"scanReference\":\"" + ref + "\",\"status\":\"DENIED_FRAUD\",\"kind\":\"NETVERIFY\"}", now);
    }

    private ClaimedAlert insertAlert(String ref) {
        insertPendingAlert(jdbc, ref, 0, null, null);
        long id = jdbc.queryForObject("SELECT id FROM alert_outbox WHERE scan_reference = ?", Long.class, ref);
        return new ClaimedAlert(id, "netverify-denied-fraud:" + ref, "netverify-denied-fraud", "FRAUD", ref, 1, null, null);
    }

    private String status(long id) {
        return jdbc.queryForObject("SELECT status FROM alert_outbox WHERE id = ?", String.class, id);
    }

    @Test
    void alertsApiRequiresAuthenticationAndAnswers404And400() {
        HttpResponse<String> anonymous = send(HttpRequest.newBuilder(URI.create(url("/api/alerts"))).GET().build());
        HttpResponse<String> anonymousResend = send(HttpRequest.newBuilder(URI.create(url("/api/alerts/1/resend")))
                .POST(HttpRequest.BodyPublishers.noBody()).build());

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymousResend.statusCode()).isEqualTo(401);
        assertThat(apiPost("/api/alerts/987654/resend").statusCode()).isEqualTo(404);
        assertThat(apiPost("/api/alerts/not-a-number/resend").statusCode()).isEqualTo(404);
        HttpResponse<String> badStatus = apiGet("/api/alerts?status=LOST");
        assertThat(badStatus.statusCode()).isEqualTo(400);
        assertThat(readJson(badStatus.body()).path("error").asText()).isEqualTo("bad-request");
        assertThat(readJson(apiGet("/api/alerts?status=PENDING").body())).isEmpty();
    }
}
