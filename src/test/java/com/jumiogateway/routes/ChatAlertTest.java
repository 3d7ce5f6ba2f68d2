package com.jumiogateway.routes;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.OwnContext;
import com.jumiogateway.support.TestSmtp;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Fraud alerts to a Slack incoming webhook (a real local HTTP server, WireMock) through the delivery outbox, besides
 * email (GreenMail): one message per rule, scan and channel, the email's content without personal data, and the two
 * channels failing independently.
 */
@OwnContext
class ChatAlertTest extends GatewayTestSupport {

    static final WireMockServer slack = new WireMockServer(options().dynamicPort());
    static final TestSmtp smtp = new TestSmtp();

    static {
        slack.start();
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        smtp.register(registry);
        registry.add("gateway.alerts.smtp.connection-timeout-ms", () -> "1000");
        registry.add("gateway.alerts.smtp.read-timeout-ms", () -> "700");
        registry.add("gateway.alerts.categories.fraud.to", () -> "compliance@bank.test");
        registry.add("gateway.webhooks.chat.compliance.type", () -> "slack");
        registry.add("gateway.webhooks.chat.compliance.url", () -> "http://127.0.0.1:" + slack.port() + "/services/T000/B000/XXXX");
        registry.add("gateway.webhooks.chat.compliance.categories", () -> "FRAUD");
        registry.add("gateway.api.public-base-url", () -> "https://gateway.bank.test");
    }

    @BeforeEach
    void slackAccepts() {
        slack.resetAll();
        slack.stubFor(WireMock.post(urlPathEqualTo("/services/T000/B000/XXXX")).atPriority(10)
                .willReturn(aResponse().withStatus(200).withBody("ok")));
        smtp.start();
        smtp.purge();
    }

    @AfterEach
    void stopSmtp() {
        smtp.stop();
    }

    @AfterAll
    static void stopSlack() {
        slack.stop();
    }

    @Test
    void aFraudResultProducesExactlyOneSlackMessageWithoutPersonalData() {
        String ref = "chat-" + UUID.randomUUID();
        String fraud = WebhookDeliveryTest.callback(ref, "DENIED_FRAUD", 0);
        assertThat(postFromJumio("/callbacks/netverify", fraud, FORM).statusCode()).isEqualTo(200);
        // the same callback again, and a later version of the same fraud result: still one message per rule and scan
        assertThat(postFromJumio("/callbacks/netverify", fraud, FORM).statusCode()).isEqualTo(200);
        awaitInboxDrained();
        assertThat(postFromJumio("/callbacks/netverify", WebhookDeliveryTest.callback(ref, "DENIED_FRAUD", 5), FORM)
                .statusCode()).isEqualTo(200);
        awaitInboxDrained();

        await().atMost(Duration.ofSeconds(20)).until(() -> slack.getAllServeEvents().size() >= 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM delivery_outbox WHERE status = 'PENDING'", Long.class) == 0);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> slack.getAllServeEvents().size() == 1);

        ServeEvent message = slack.getAllServeEvents().get(0);
        assertThat(message.getRequest().getHeader("Content-Type")).startsWith("application/json");
        JsonNode body = readJson(message.getRequest().getBodyAsString());
        // Slack's incoming-webhook format: one "text" in mrkdwn
        assertThat(body.fieldNames()).toIterable().containsExactly("text");
        String text = body.path("text").asText();
        assertThat(text).contains("netverify-denied-fraud", "DENIED_FRAUD", ref, "Decision: FRAUD",
                "<https://gateway.bank.test/console/verifications/" + ref + "|Open the result>");
        assertThat(message.getRequest().getBodyAsString()).doesNotContain(WebhookDeliveryTest.FIRST,
                WebhookDeliveryTest.LAST, WebhookDeliveryTest.DOB, WebhookDeliveryTest.ID_NUMBER, "127.0.0.9");
        // chat messages are not signed webhooks
        assertThat(message.getRequest().containsHeader("webhook-signature")).isFalse();
        // and the email went out as before, once
        smtp.awaitCopies(1);
        assertThat(smtp.received()).hasSize(1);
    }

    @Test
    void chatFailingDoesNotHoldUpTheEmailAndSmtpFailingDoesNotHoldUpTheChat() throws Exception {
        // Slack answers 500: the chat message is retried, the email is sent meanwhile
        slack.stubFor(WireMock.post(urlPathEqualTo("/services/T000/B000/XXXX")).atPriority(1)
                .willReturn(aResponse().withStatus(500)));
        String chatDown = "chat-down-" + UUID.randomUUID();
        postFromJumio("/callbacks/netverify", WebhookDeliveryTest.callback(chatDown, "DENIED_FRAUD", 0), FORM);
        smtp.awaitCopies(1);
        List<MimeMessage> emails = smtp.received();
        assertThat(emails).hasSize(1);
        assertThat(emails.get(0).getSubject()).contains(chatDown);
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT attempts FROM delivery_outbox WHERE scan_reference = ?", Integer.class, chatDown) >= 2);
        assertThat(jdbc.queryForObject("SELECT status FROM delivery_outbox WHERE scan_reference = ?", String.class, chatDown))
                .isEqualTo("PENDING");

        // Slack is back and SMTP goes down: the chat message is delivered, the email waits for its retry. Slack is
        // switched by a stub above the 500 one, not by a reset and new stubs: a retry in flight between the two got
        // WireMock's 404 for an unknown path, a permanent failure
        slack.stubFor(WireMock.post(urlPathEqualTo("/services/T000/B000/XXXX")).atPriority(0)
                .willReturn(aResponse().withStatus(200).withBody("ok")));
        smtp.stop();
        String smtpDown = "smtp-down-" + UUID.randomUUID();
        postFromJumio("/callbacks/netverify", WebhookDeliveryTest.callback(smtpDown, "DENIED_FRAUD", 0), FORM);
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM delivery_outbox WHERE status = 'DELIVERED'", Long.class) == 2);
        assertThat(slack.getAllServeEvents().stream().map(e -> e.getRequest().getBodyAsString()))
                .anyMatch(b -> b.contains(smtpDown)).anyMatch(b -> b.contains(chatDown));
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT attempts FROM alert_outbox WHERE scan_reference = ?", Integer.class, smtpDown) >= 1);
        assertThat(jdbc.queryForObject("SELECT status FROM alert_outbox WHERE scan_reference = ?", String.class, smtpDown))
                .isEqualTo("PENDING");
    }
}
