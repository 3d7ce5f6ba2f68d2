package com.jumiogateway.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jumiogateway.support.GatewayInstance;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.Signals;
import com.jumiogateway.support.TestSmtp;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The quick start: a service running without SMTP configured queues fraud alerts (PENDING, never attempted) and
 * sends them once it runs with SMTP configured (here: stopped, then started again with the settings, on the same
 * database, as an operator would do).
 */
class AlertSenderQuickStartTest {

    static final String SEED_REF = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    static final TestSmtp smtp = new TestSmtp();
    static final ObjectMapper json = new ObjectMapper();

    @AfterAll
    static void stopSmtp() {
        smtp.stop();
    }

    @Test
    void alertsQueuedWithoutSmtpAreSentOnceSmtpIsConfigured() throws Exception {
        smtp.start();
        String database = GatewayInstance.sharedDatabaseUrl("quick-start");

        try (GatewayInstance withoutSmtp = GatewayInstance.start(database, Map.of("gateway.alerts.poll-delay-ms", "20"))) {
            withoutSmtp.emptyTables();
            assertThat(withoutSmtp.postCallback("/callbacks/netverify",
                    GatewayTestSupport.fixture("netverify/denied-fraud.txt")).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> withoutSmtp.jdbc()
                    .queryForObject("SELECT COUNT(*) FROM alert_outbox", Long.class) == 1);
            Signals.awaitRounds(withoutSmtp.bean(CamelContext.class), Signals.ALERT_SENDER, 3);

            Map<String, Object> queued = withoutSmtp.jdbc().queryForMap("SELECT status, attempts, last_error FROM alert_outbox");
            assertThat(queued.get("status")).isEqualTo("PENDING");
            assertThat(queued.get("attempts")).as("no attempt without SMTP").isEqualTo(0);
            assertThat(queued.get("last_error")).isNull();
            JsonNode health = json.readTree(withoutSmtp.apiGet("/actuator/health").body());
            JsonNode alerts = health.path("components").path("alerts").path("details");
            assertThat(alerts.path("pending").asInt()).isEqualTo(1);
            assertThat(alerts.path("sending").asText()).startsWith("off");
        }
        assertThat(smtp.received()).isEmpty();

        Map<String, Object> smtpSettings = Map.of(
                "gateway.alerts.poll-delay-ms", "20",
                "gateway.alerts.smtp.host", "127.0.0.1",
                "gateway.alerts.smtp.port", smtp.port(),
                "gateway.alerts.smtp.starttls", "false",
                "gateway.alerts.smtp.username", TestSmtp.USERNAME,
                "gateway.alerts.smtp.password", TestSmtp.PASSWORD,
                "gateway.alerts.categories.fraud.to", "compliance@bank.test");
        try (GatewayInstance withSmtp = GatewayInstance.start(database, smtpSettings)) {
            smtp.awaitCopies(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> "SENT".equals(
                    withSmtp.jdbc().queryForObject("SELECT status FROM alert_outbox", String.class)));
            Signals.awaitAlertsSettled(withSmtp.jdbc());
            assertThat(smtp.emails()).hasSize(1);
            assertThat(smtp.deliveries()).containsExactly(Map.entry("compliance@bank.test", 1L));
            assertThat(smtp.received().get(0).getSubject()).contains(SEED_REF);
            assertThat(withSmtp.jdbc().queryForObject("SELECT attempts FROM alert_outbox", Integer.class)).isEqualTo(1);
        }
    }
}
