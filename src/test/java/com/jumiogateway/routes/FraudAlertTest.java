package com.jumiogateway.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.jumiogateway.netverify.NetverifyCallbackParser;
import com.jumiogateway.netverify.NetverifyEnricher;
import com.jumiogateway.result.ResultSource;
import com.jumiogateway.result.VerificationResult;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.OwnContext;
import com.jumiogateway.support.TestSmtp;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Fraud alerts end to end: a callback over HTTP, the worker, the fan-out, the rule in routes/fraud-alert.camel.yaml,
 * the outbox, the sender route and a real SMTP server (GreenMail, with SMTP AUTH).
 */
@OwnContext
class FraudAlertTest extends GatewayTestSupport {

    static final String RULE = "rule=\"netverify-denied-fraud\"";

    static final String SEED_REF = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    static final List<String> CONFIGURED = List.of("audit@bank.test", "cc@bank.test", "compliance@bank.test",
            "second@bank.test");
    /** Personal data of the seed's approved example (and more), which no alert may carry. */
    static final List<String> FORBIDDEN = List.of("P1234", "1990-01-01", "FIRSTNAME", "LASTNAME", "US-OH",
            "MAIN STREET", "12345-6789", "4111111111111111", "DE89370400440532013000", "123-45-6789", "XYZ987654",
            "xxx.xxx.xxx.xxx", "recognition/v1/idscan");

    static final TestSmtp smtp = new TestSmtp().start();

    @DynamicPropertySource
    static void alertSettings(DynamicPropertyRegistry registry) {
        smtp.register(registry);
        registry.add("gateway.alerts.smtp.connection-timeout-ms", () -> "2000");
        registry.add("gateway.alerts.smtp.read-timeout-ms", () -> "2000");
        registry.add("gateway.alerts.from", () -> "Jumio Gateway <gateway@bank.test>");
        registry.add("gateway.alerts.categories.fraud.to", () -> "compliance@bank.test, second@bank.test");
        registry.add("gateway.alerts.categories.fraud.cc", () -> "cc@bank.test");
        registry.add("gateway.alerts.categories.fraud.bcc", () -> "audit@bank.test");
        // SMTP may be down for a while in a test: never give up during one
        registry.add("gateway.alerts.max-attempts", () -> "1000");
        registry.add("gateway.api.public-base-url", () -> "https://gateway.bank.test/");
        registry.add("gateway.alerts.portal-url-template", () -> "https://portal.jumio.test/#/verifications/{scanReference}");
    }

    @Autowired
    ProducerTemplate camel;
    @Autowired
    NetverifyCallbackParser parser;
    @Autowired
    NetverifyEnricher enricher;

    @BeforeEach
    void smtpUpAndEmpty() throws Exception {
        smtp.start();
        smtp.purge();
    }

    @AfterAll
    static void stopSmtp() {
        smtp.stop();
    }

    @Test
    void seedFraudCallbackSendsExactlyOneEmailWithReferencesAndRejectDetails() throws Exception {
        double queued = metric("gateway_alerts_queued_total", RULE);
        double sent = metric("gateway_alerts_sent_total", RULE);
        assertThat(postFromJumio("/callbacks/netverify", fixture("netverify/denied-fraud.txt"), FORM).statusCode())
                .isEqualTo(200);

        MimeMessage email = awaitOneEmailToConfiguredRecipients();

        assertThat(subject(email)).isEqualTo("Jumio alert netverify-denied-fraud: DENIED_FRAUD for scan " + SEED_REF);
        assertThat(header(email, "From")).contains("gateway@bank.test");
        assertThat(header(email, "To")).contains("compliance@bank.test").contains("second@bank.test");
        assertThat(header(email, "Cc")).isEqualTo("cc@bank.test");
        assertThat(email.getHeader("Bcc")).as("Bcc recipients are not shown").isNull();
        assertThat(email.getContentType()).startsWith("multipart/alternative");
        String html = TestSmtp.part(email, "text/html");
        String text = TestSmtp.part(email, "text/plain");
        assertThat(html).as("HTML part").isNotBlank();
        assertThat(text).as("plain-text part").isNotBlank();
        for (String part : List.of(html, text)) {
            assertThat(part).contains(SEED_REF, "YOURSCANREFERENCE", "DENIED_FRAUD", "netverify-denied-fraud",
                    "100", "MANIPULATED_DOCUMENT", "1001", "PHOTO", "1004", "DOB", "PASSPORT", "USA", "United States",
                    "CALLBACK", "https://gateway.bank.test/console/verifications/" + SEED_REF,
                    "https://portal.jumio.test/#/verifications/" + SEED_REF);
            assertThat(part).doesNotContain(FORBIDDEN.toArray(String[]::new));
        }
        assertThat(html).contains("<td>YOURSCANREFERENCE</td>").contains("<li>1001 PHOTO</li>");
        assertThat(text).contains("Merchant reference:  YOURSCANREFERENCE").contains("- detail 1004 DOB");

        JsonNode alerts = readJson(apiGet("/api/alerts?status=SENT").body());
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).path("rule").asText()).isEqualTo("netverify-denied-fraud");
        assertThat(alerts.get(0).path("category").asText()).isEqualTo("FRAUD");
        assertThat(alerts.get(0).path("scanReference").asText()).isEqualTo(SEED_REF);
        assertThat(alerts.get(0).path("attempts").asInt()).isEqualTo(1);
        assertThat(alerts.get(0).path("sentAt").asText()).isNotBlank();
        assertThat(metric("gateway_alerts_queued_total", RULE) - queued).isEqualTo(1);
        assertThat(metric("gateway_alerts_sent_total", RULE) - sent).isEqualTo(1);
    }

    @Test
    void fraudCallbackCarryingPersonalDataNeverPutsItInTheEmail() throws Exception {
        String body = fixture("netverify/denied-fraud.txt").replace(SEED_REF, "pii-00000000-0000-0000-0000-000000000001")
                + "&idNumber=P1234&idFirstName=FIRSTNAME&idLastName=LASTNAME&idDob=1990-01-01&idExpiry=2022-12-31"
                + "&personalNumber=XYZ987654&customerId=CUSTOMER-42"
                + "&idAddress=%7B%22country%22%3A%22USA%22%2C%22stateCode%22%3A%22US-OH%22%2C%22streetName%22%3A%22MAIN%20STREET%22%2C%22zip%22%3A%2212345-6789%22%7D"
                + "&ssn=123-45-6789&cardNumber=4111111111111111&iban=DE89370400440532013000"
                + "&optionalData1=XYZ987654";

        assertThat(postFromJumio("/callbacks/netverify", body, FORM).statusCode()).isEqualTo(200);

        MimeMessage email = awaitOneEmailToConfiguredRecipients();
        String html = TestSmtp.part(email, "text/html");
        String text = TestSmtp.part(email, "text/plain");
        for (String part : List.of(html, text, TestSmtp.raw(email))) {
            assertThat(part).doesNotContain(FORBIDDEN.toArray(String[]::new));
        }
        assertThat(text).contains("CUSTOMER-42").contains("pii-00000000-0000-0000-0000-000000000001");
        assertThat(jdbc.queryForObject("SELECT alert_json FROM alert_outbox", String.class))
                .as("the stored alert data holds no personal data either")
                .doesNotContain(FORBIDDEN.toArray(String[]::new));
    }

    @Test
    void approvedSeedCallbackSendsNoEmail() throws Exception {
        assertThat(postFromJumio("/callbacks/netverify", fixture("netverify/approved-verified.txt"), FORM).statusCode())
                .isEqualTo(200);
        awaitResult(SEED_REF);
        awaitAlertsSettled();

        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM alert_outbox", Long.class)).isZero();
        assertThat(smtp.received()).isEmpty();
    }

    @Test
    void duplicateCallbackAndLaterRetrievalResultSendNoSecondEmail() throws Exception {
        double duplicates = metric("gateway_alerts_duplicates_total", RULE);
        String body = fixture("netverify/denied-fraud.txt");
        assertThat(postFromJumio("/callbacks/netverify", body, FORM).statusCode()).isEqualTo(200);
        MimeMessage first = awaitOneEmailToConfiguredRecipients();

        assertThat(postFromJumio("/callbacks/netverify", body, FORM).statusCode()).isEqualTo(200);
        awaitInboxDrained();
        // the same fraud result found again by polling Jumio (a newer retrieval result)
        camel.sendBody("direct:verification-result", retrievalOf(body));
        awaitAlertsSettled();

        assertThat(jdbc.queryForList("SELECT outcome FROM callback_inbox ORDER BY id", String.class))
                .containsExactly("APPLIED", "DUPLICATE");
        assertThat(readJson(apiGet("/api/verifications/" + SEED_REF).body()).path("source").asText())
                .as("the retrieval result was applied and fanned out").isEqualTo("RETRIEVAL");
        assertThat(smtp.emails()).containsOnlyKeys(TestSmtp.messageId(first));
        assertThat(smtp.deliveries()).containsOnlyKeys(CONFIGURED).allSatisfy((box, count) -> assertThat(count).isEqualTo(1));
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM alert_outbox", Long.class)).isEqualTo(1);
        assertThat(metric("gateway_alerts_duplicates_total", RULE) - duplicates).isEqualTo(2);
    }

    @Test
    void identityVerificationRuleIsOffByDefault() throws Exception {
        String ref = "idv-00000000-0000-0000-0000-000000000001";
        assertThat(postFromJumio("/callbacks/netverify", identityMismatch(ref), FORM).statusCode()).isEqualTo(200);
        awaitResult(ref);
        awaitAlertsSettled();

        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM alert_outbox", Long.class)).isZero();
        assertThat(smtp.received()).isEmpty();
    }

    @Test
    void smtpDownWhenTheFraudCallbackArrivesThenUpSendsExactlyOneEmail() throws Exception {
        double retries = metric("gateway_alerts_retries_total", RULE);
        smtp.stop();

        assertThat(postFromJumio("/callbacks/netverify", fixture("netverify/denied-fraud.txt"), FORM).statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> jdbc.queryForObject(
                "SELECT COALESCE(MAX(attempts), 0) FROM alert_outbox", Integer.class) >= 2);
        Map<String, Object> waiting = jdbc.queryForMap("SELECT status, attempts, last_error, next_attempt_at FROM alert_outbox");
        assertThat(waiting.get("status")).isEqualTo("PENDING");
        assertThat((String) waiting.get("last_error")).contains("Connect");
        assertThat(smtp.received()).isEmpty();
        assertThat(readJson(apiGet("/api/alerts?status=PENDING").body()).get(0).path("lastError").asText())
                .contains("Connect");

        smtp.start();

        MimeMessage email = awaitOneEmailToConfiguredRecipients();
        assertThat(subject(email)).contains(SEED_REF);
        awaitAlertsSettled();
        assertThat(smtp.emails()).hasSize(1);
        assertThat(smtp.deliveries()).containsOnlyKeys(CONFIGURED).allSatisfy((box, count) -> assertThat(count).isEqualTo(1));
        assertThat(jdbc.queryForObject("SELECT status FROM alert_outbox", String.class)).isEqualTo("SENT");
        assertThat(metric("gateway_alerts_retries_total", RULE) - retries).isGreaterThanOrEqualTo(2);
    }

    @Test
    void injectedHeadersInCallbackFieldsAndRequestReachNoOneButTheConfiguredRecipients() throws Exception {
        String injection = "%0D%0ABcc:%20attacker@evil.test%0D%0ATo:%20attacker2@evil.test%0D%0ASubject:%20forged";
        String ref = "inj-1" + injection;
        String body = fixture("netverify/denied-fraud.txt").replace(SEED_REF, ref)
                .replace("merchantIdScanReference=YOURSCANREFERENCE", "merchantIdScanReference=MREF" + injection)
                + "&customerId=CUST" + injection;
        HttpRequest request = HttpRequest.newBuilder(URI.create(url("/callbacks/netverify")))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", FORM)
                .header("X-Forwarded-For", JUMIO_US)
                .header("To", "attacker3@evil.test")
                .header("Cc", "attacker4@evil.test")
                .header("Bcc", "attacker5@evil.test")
                .header("Reply-To", "attacker6@evil.test")
                .header("From", "attacker7@evil.test")
                .header("Subject", "forged")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();

        HttpResponse<String> response = send(request);

        assertThat(response.statusCode()).isEqualTo(200);
        MimeMessage email = awaitOneEmailToConfiguredRecipients();
        awaitAlertsSettled();
        assertThat(smtp.deliveries()).as("mailboxes that received anything").containsOnlyKeys(CONFIGURED);
        assertThat(subject(email)).doesNotContain("\r", "\n").startsWith("Jumio alert netverify-denied-fraud")
                .isNotEqualTo("forged");
        assertThat(addresses(email, Message.RecipientType.TO)).containsExactlyInAnyOrder("compliance@bank.test", "second@bank.test");
        assertThat(addresses(email, Message.RecipientType.CC)).containsExactly("cc@bank.test");
        assertThat(email.getHeader("Bcc")).isNull();
        assertThat(email.getHeader("Reply-To")).isNull();
        assertThat(header(email, "From")).contains("gateway@bank.test").doesNotContain("evil");
        // the injected text may only show inside the (single-line) subject, as part of the scan reference
        String headers = TestSmtp.raw(email).split("\r\n\r\n", 2)[0];
        assertThat(headers).doesNotContainPattern("(?mi)^(To|Cc|Bcc|From|Reply-To|Sender):.*evil");
        assertThat(headers.lines().filter(l -> l.regionMatches(true, 0, "Subject:", 0, 8))).hasSize(1);
        assertThat(headers.lines().filter(l -> l.regionMatches(true, 0, "To:", 0, 3))).hasSize(1);
        assertThat(TestSmtp.part(email, "text/plain")).contains("MREF").contains("CUST");
    }

    // --- helpers

    private MimeMessage awaitOneEmailToConfiguredRecipients() {
        smtp.awaitCopies(CONFIGURED.size());
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> "SENT".equals(jdbc.queryForObject("SELECT MAX(status) FROM alert_outbox", String.class)));
        assertThat(smtp.emails()).as("distinct emails").hasSize(1);
        assertThat(smtp.deliveries()).as("one copy per configured recipient, nobody else")
                .containsOnlyKeys(CONFIGURED).allSatisfy((box, count) -> assertThat(count).isEqualTo(1));
        return smtp.received().get(0);
    }

    static String identityMismatch(String ref) {
        return fixture("netverify/approved-verified.txt").replace(SEED_REF, ref)
                .replace("identityVerification=%7B%22similarity%22%3A%22MATCH%22%2C%22validity%22%3Atrue%7D",
                        "identityVerification=%7B%22similarity%22%3A%22NO_MATCH%22%2C%22validity%22%3A%22FALSE%22"
                                + "%2C%22reason%22%3A%22SELFIE_CROPPED_FROM_ID%22%7D");
    }

    /** The seed fraud result as the Retrieval API would give it later: same scan, newer, found by polling. */
    private VerificationResult retrievalOf(String body) {
        String later = body + "&callbackDate=" + Instant.now().toString().replace(":", "%3A");
        return enricher.enrich(parser.parse(later), ResultSource.RETRIEVAL, Instant.now());
    }

    private static String subject(MimeMessage email) {
        try {
            return email.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String header(MimeMessage email, String name) {
        try {
            return email.getHeader(name, ", ");
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> addresses(MimeMessage email, Message.RecipientType type) {
        try {
            jakarta.mail.Address[] addresses = email.getRecipients(type);
            return addresses == null ? List.of() : Arrays.stream(addresses)
                    .map(a -> ((jakarta.mail.internet.InternetAddress) a).getAddress()).toList();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
