package com.jumiogateway.routes;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static com.jumiogateway.support.JumioFake.apiPostJson;
import static com.jumiogateway.support.JumioFake.at;
import static com.jumiogateway.support.JumioFake.json;
import static com.jumiogateway.support.JumioFake.statusBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.JumioFake;
import com.jumiogateway.support.OwnContext;
import com.jumiogateway.support.TestSmtp;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * routes/reconciliation.camel.yaml end to end: pending transactions whose callback is overdue are polled on a
 * real HTTP server playing Jumio's Retrieval API. Short schedule: offsets 1,2,4 s (gaps 1 s, 2 s), then one "daily"
 * attempt 2 s later, then given up; 2 s error back-off (doubling); one credentials probe per 2 s.
 */
@ExtendWith(OutputCaptureExtension.class)
@OwnContext
class ReconciliationTest extends GatewayTestSupport {

    static final JumioFake jumio = new JumioFake();
    static final TestSmtp smtp = new TestSmtp().start();
    static final String SEED_REF = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    static final String SCANS = "/api/netverify/v2/scans/";
    static final String DOCUMENTS = "/api/netverify/v2/documents/";
    /** Timestamps of WireMock's request log and of our clock are both milliseconds of this machine. */
    static final Duration CLOCK_TOLERANCE = Duration.ofMillis(5);
    static final Duration DAILY_INTERVAL = Duration.ofSeconds(2);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        jumio.register(registry);
        // SGP points at a closed port: connection refused
        registry.add("gateway.jumio.data-centers.SGP.netverify-url", () -> "http://127.0.0.1:9");
        registry.add("gateway.jumio.data-centers.SGP.document-retrieval-url", () -> "http://127.0.0.1:9");
        registry.add("gateway.jumio.read-timeout-ms", () -> "2500");
        registry.add("gateway.reconciliation.poll-delay-ms", () -> "100");
        registry.add("gateway.reconciliation.schedule-seconds", () -> "1,2,4");
        registry.add("gateway.reconciliation.daily-interval", DAILY_INTERVAL::toString);
        registry.add("gateway.reconciliation.daily-retry-days", () -> "1");
        registry.add("gateway.reconciliation.grace", () -> "PT0S");
        registry.add("gateway.reconciliation.error-backoff", () -> "PT2S");
        registry.add("gateway.reconciliation.max-error-backoff", () -> "PT10S");
        registry.add("gateway.reconciliation.credentials-probe-interval", () -> "PT2S");
        registry.add("gateway.reconciliation.max-requests-per-second", () -> "20");
        registry.add("gateway.reconciliation.threads", () -> "4");
        registry.add("gateway.reconciliation.claim-lease", () -> "PT30S");
        smtp.register(registry);
        registry.add("gateway.alerts.from", () -> "Jumio Gateway <gateway@bank.test>");
        registry.add("gateway.alerts.categories.fraud.to", () -> "compliance@bank.test");
        registry.add("gateway.alerts.categories.operations.to", () -> "ops@bank.test");
        registry.add("gateway.alerts.poll-delay-ms", () -> "200");
    }

    @AfterAll
    static void stopJumio() {
        jumio.stop();
        smtp.stop();
    }

    @BeforeEach
    void resetJumio() {
        jumio.server.resetAll();
        smtp.purge();
    }

    /** Distinct emails (by Message-ID) whose subject contains the text. */
    private static List<MimeMessage> emails(String subjectContains) {
        return smtp.emails().values().stream().filter(m -> {
            try {
                return m.getSubject() != null && m.getSubject().contains(subjectContains);
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    private static String recipients(MimeMessage message) {
        try {
            return java.util.Arrays.toString(message.getAllRecipients());
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Registers a transaction whose callback is overdue in {@code dueIn} (negative: overdue already). */
    private Instant register(String scanReference, String kind, String dataCenter, Duration dueIn) {
        // token lifetime 30 + Jumio's 15 minutes + grace 0
        Instant initiatedAt = Instant.now().minus(Duration.ofMinutes(45)).plus(dueIn);
        HttpResponse<String> response = send(apiPostJson(url("/api/transactions/pending"), "{\"scanReference\":\""
                + scanReference + "\",\"kind\":\"" + kind + "\",\"dataCenter\":\"" + dataCenter + "\",\"initiatedAt\":\""
                + initiatedAt + "\",\"tokenLifetimeMinutes\":30,\"customerInternalReference\":\"order-1\"}"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return Instant.parse(readJson(response.body()).path("overdueAt").asText());
    }

    private Map<String, Object> row(String scanReference) {
        return jdbc.queryForMap("SELECT * FROM pending_transaction WHERE scan_reference = ?", scanReference);
    }

    private String state(String scanReference) {
        return jdbc.queryForObject("SELECT state FROM pending_transaction WHERE scan_reference = ?", String.class, scanReference);
    }

    private void awaitState(String scanReference, String state, int seconds) {
        await().atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(100))
                .until(() -> state.equals(state(scanReference)));
    }

    private static String resource(String name) {
        try (InputStream in = ReconciliationTest.class.getResourceAsStream("/fixtures/retrieval/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long occurrences(String text, String part) {
        long count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            count++;
        }
        return count;
    }

    @Test
    void missedNetverifyCallbackIsReconciledIntoTheSameResultAsTheCallbackPath() throws Exception {
        jumio.scanStatus(SEED_REF, "DONE");
        jumio.server.stubFor(get(urlPathEqualTo(SCANS + SEED_REF + "/data"))
                .willReturn(json(200, resource("netverify-denied-fraud-data.json"))));
        register(SEED_REF, "NETVERIFY", "US", Duration.ofSeconds(-5));

        JsonNode polled = awaitResult(SEED_REF);
        awaitState(SEED_REF, "RESOLVED", 10);

        assertThat(polled.path("source").asText()).isEqualTo("RETRIEVAL");
        assertThat(polled.path("kind").asText()).isEqualTo("NETVERIFY");
        assertThat(polled.path("status").asText()).isEqualTo("DENIED_FRAUD");
        assertThat(polled.path("decision").asText()).isEqualTo("FRAUD");
        assertThat(polled.path("countryName").asText()).isEqualTo("United States");
        assertThat(polled.path("rejectReason").path("code").asText()).isEqualTo("100");
        assertThat(polled.path("eventTime").asText()).as("the payload's timestamp").isEqualTo("2024-03-01T10:30:00Z");
        assertThat(row(SEED_REF).get("resolution_source")).isEqualTo("RETRIEVAL");
        assertThat(row(SEED_REF).get("attempts")).isEqualTo(1);
        // status once, data once, with exactly the headers Jumio asks for
        assertThat(jumio.requests(SCANS + SEED_REF)).hasSize(1);
        assertThat(jumio.requests(SCANS + SEED_REF + "/data")).hasSize(1);
        for (ServeEvent event : jumio.server.getAllServeEvents()) {
            var request = event.getRequest();
            assertThat(request.getMethod().getName()).isEqualTo("GET");
            assertThat(request.getUrl()).as("no query parameters leak to Jumio").doesNotContain("?");
            assertThat(request.getHeader("Authorization")).isEqualTo(JumioFake.basicAuthorization());
            assertThat(request.getHeader("Accept")).isEqualTo("application/json");
            assertThat(request.getHeader("User-Agent")).isEqualTo(JumioFake.USER_AGENT);
            assertThat(request.getAllHeaderKeys()).noneMatch(h -> h.startsWith("Camel") || h.startsWith("Callback")
                    || h.startsWith("Pending") || h.startsWith("Verification") || h.startsWith("Result"));
        }

        // a later callback whose callbackDate is older than the polled result changes nothing
        String callback = fixture("netverify/denied-fraud.txt") + "&callbackDate=2024-03-01T10%3A25%3A00.000Z";
        assertThat(postFromJumio("/callbacks/netverify", callback, FORM).statusCode()).isEqualTo(200);
        awaitInboxDrained();
        JsonNode afterCallback = readJson(apiGet("/api/verifications/" + SEED_REF).body());
        assertThat(afterCallback.path("source").asText()).isEqualTo("RETRIEVAL");
        assertThat(afterCallback.path("delivery").path("staleDeliveries").asInt()).isEqualTo(1);
        assertThat(state(SEED_REF)).isEqualTo("RESOLVED");

        // the same transaction through the callback path means the same
        jdbc.update("DELETE FROM verification_result");
        assertThat(postFromJumio("/callbacks/netverify", fixture("netverify/denied-fraud.txt"), FORM).statusCode()).isEqualTo(200);
        JsonNode called = awaitResult(SEED_REF);
        assertThat(called.path("source").asText()).isEqualTo("CALLBACK");
        for (String field : List.of("scanReference", "kind", "status", "decision", "merchantReference", "documentType",
                "country", "countryName", "rejectReason")) {
            assertThat(polled.path(field)).as(field).isEqualTo(called.path(field));
            assertThat(polled.path(field).isMissingNode()).as(field).isFalse();
        }
        assertThat(polled.path("rejectReason").path("details")).hasSize(2);
        assertThat(polled.path("details").path("idScanStatus")).isEqualTo(called.path("details").path("idScanStatus"));
        assertThat(polled.path("details").path("idScanSource")).isEqualTo(called.path("details").path("idScanSource"));

        // the fraud found by polling was emailed once: neither the stale callback nor the replayed one added an email
        await().atMost(Duration.ofSeconds(15)).until(() -> !emails(SEED_REF).isEmpty());
        awaitAlertsSettled();
        List<MimeMessage> fraudEmails = emails(SEED_REF);
        assertThat(fraudEmails).hasSize(1);
        assertThat(fraudEmails.get(0).getSubject()).contains("DENIED_FRAUD");
        assertThat(recipients(fraudEmails.get(0))).contains("compliance@bank.test");
        assertThat(TestSmtp.part(fraudEmails.get(0), "text/plain")).contains("RETRIEVAL");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM alert_outbox WHERE category = 'FRAUD'", Long.class)).isEqualTo(1);
    }

    @Test
    void missedDocumentVerificationCallbackIsReconciledFromTheDocumentsEndpoints() {
        String ref = "d0c00000-0000-4000-8000-000000000001";
        jumio.server.stubFor(get(urlPathEqualTo(DOCUMENTS + ref)).willReturn(json(200, statusBody(ref, "DONE"))));
        jumio.server.stubFor(get(urlPathEqualTo(DOCUMENTS + ref + "/data"))
                .willReturn(json(200, resource("document-verification-extracted-data.json").formatted(ref))));
        register(ref, "DOCUMENT_VERIFICATION", "US", Duration.ofSeconds(-5));

        JsonNode result = awaitResult(ref);
        awaitState(ref, "RESOLVED", 10);

        assertThat(result.path("kind").asText()).isEqualTo("DOCUMENT_VERIFICATION");
        assertThat(result.path("source").asText()).isEqualTo("RETRIEVAL");
        assertThat(result.path("status").asText()).isEqualTo("EXTRACTED");
        assertThat(result.path("decision").asText()).isEqualTo("EXTRACTED");
        assertThat(result.path("documentType").asText()).isEqualTo("SSC");
        assertThat(result.path("countryName").asText()).isEqualTo("United States");
        assertThat(result.path("merchantReference").asText()).isEqualTo("YOURSCANREFERENCE");
        assertThat(result.path("details").path("documentTypeName").asText()).as("the DV enricher's field").isNotBlank();
        assertThat(result.path("details").path("document").path("extractedData").path("ssn").asText()).isEqualTo("****6789");
        assertThat(result.path("details").path("document").path("extractedData").path("firstName").asText()).isEqualTo("FIRSTNAME");
        String stored = jdbc.queryForObject("SELECT result_json FROM verification_result WHERE scan_reference = ?", String.class, ref);
        assertThat(stored).doesNotContain("123-45-6789").doesNotContain("123456789");
        assertThat(jumio.requests(DOCUMENTS + ref)).hasSize(1);
        assertThat(jumio.requests(DOCUMENTS + ref + "/data")).hasSize(1);
        assertThat(jumio.requests(SCANS + ref)).as("DV is never asked on the scans endpoints").isEmpty();
    }

    @Test
    void pendingThenDoneFollowsTheScheduleAndNoRequestIsEarly() {
        String ref = "5c4ed01e-0000-4000-8000-000000000001";
        String path = SCANS + ref;
        jumio.server.stubFor(get(urlPathEqualTo(path)).inScenario("journey").whenScenarioStateIs(STARTED)
                .willReturn(json(200, statusBody(ref, "PENDING"))).willSetStateTo("second"));
        jumio.server.stubFor(get(urlPathEqualTo(path)).inScenario("journey").whenScenarioStateIs("second")
                .willReturn(json(200, statusBody(ref, "PENDING"))).willSetStateTo("done"));
        jumio.server.stubFor(get(urlPathEqualTo(path)).inScenario("journey").whenScenarioStateIs("done")
                .willReturn(json(200, statusBody(ref, "DONE"))));
        jumio.server.stubFor(get(urlPathEqualTo(path + "/data"))
                .willReturn(json(200, resource("netverify-approved-data.json").formatted(ref))));

        // registered once Jumio's answers are in place: the first poll may come at once on a slow machine
        Instant overdueAt = register(ref, "NETVERIFY", "US", Duration.ofMillis(1500));

        awaitState(ref, "RESOLVED", 20);
        // WireMock logs a request as it answers it: on a slow machine the log may lag behind our database
        await().atMost(Duration.ofSeconds(5)).until(() -> jumio.requests(path).size() >= 3
                && !jumio.requests(path + "/data").isEmpty());

        List<ServeEvent> status = jumio.requests(path);
        List<ServeEvent> data = jumio.requests(path + "/data");
        assertThat(status).hasSize(3);
        assertThat(data).hasSize(1);
        // attempt 1 at the overdue moment; then at least the schedule's gaps (2-1 = 1 s, 4-2 = 2 s) after the previous
        assertThat(at(status.get(0)).plus(CLOCK_TOLERANCE)).isAfterOrEqualTo(overdueAt);
        assertThat(Duration.between(at(status.get(0)), at(status.get(1)))).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(Duration.between(at(status.get(1)), at(status.get(2)))).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(at(data.get(0))).as("data only once the status is final").isAfterOrEqualTo(at(status.get(2)));
        assertThat(row(ref).get("attempts")).isEqualTo(3);
        JsonNode result = awaitResult(ref);
        assertThat(result.path("decision").asText()).isEqualTo("APPROVED");
        assertThat(result.path("countryName").asText()).isEqualTo("Austria");
        assertThat(result.path("details").path("idNumber").asText()).isEqualTo("P1234");
        assertThat(result.path("details").path("identityVerification").path("validity").asBoolean()).isTrue();
        assertThat(result.path("details").path("idAddress").path("format").asText()).isEqualTo("EU");
        assertThat(result.path("details").path("additionalParameters").path("document.placeOfBirth").asText()).isEqualTo("Wien");
        assertThat(result.path("secondsToResult").isMissingNode() || result.path("secondsToResult").isNull()).isTrue();
    }

    @Test
    void failedTransactionIsRecordedAsFailed() {
        String ref = "fa11ed00-0000-4000-8000-000000000001";
        // an EU transaction: asked on the EU data center's base URL (the fake serves it under /eu)
        jumio.server.stubFor(get(urlPathEqualTo("/eu" + SCANS + ref)).willReturn(json(200, statusBody(ref, "FAILED"))));
        register(ref, "NETVERIFY", "EU", Duration.ofSeconds(-5));

        awaitState(ref, "FAILED", 10);

        JsonNode result = awaitResult(ref);
        assertThat(result.path("decision").asText()).isEqualTo("FAILED");
        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("source").asText()).isEqualTo("RETRIEVAL");
        assertThat(readJson(apiGet("/api/transactions?state=failed").body()).findValuesAsText("scanReference")).containsExactly(ref);
        assertThat(jumio.requests("/eu" + SCANS + ref)).hasSize(1);
        assertThat(jumio.server.getAllServeEvents()).as("no data for a failed transaction, nothing on US").hasSize(1);
    }

    @Test
    void unauthorizedStopsPollingAlertsOnceAndResumesOnceAPollSucceeds(CapturedOutput logs) throws Exception {
        jumio.server.stubFor(get(urlPathMatching(SCANS + ".*")).willReturn(json(401, "{\"message\":\"Unauthorized\"}")));
        List<String> refs = List.of("a0000000-0000-4000-8000-000000000001", "a0000000-0000-4000-8000-000000000002",
                "a0000000-0000-4000-8000-000000000003");
        for (String ref : refs) {
            register(ref, "NETVERIFY", "US", Duration.ofSeconds(-5));
        }

        await().atMost(Duration.ofSeconds(10)).until(() ->
                jdbc.queryForObject("SELECT COUNT(*) FROM retrieval_credentials_block", Long.class) == 1);
        // the block holds through a probe: Jumio is asked again no earlier than the probe is due, and refuses again
        Instant probeDue = instant(jdbc.queryForObject("SELECT next_probe_at FROM retrieval_credentials_block", Object.class));
        await().atMost(Duration.ofSeconds(10)).until(() -> jumio.server.getAllServeEvents().stream()
                .anyMatch(e -> !at(e).plus(CLOCK_TOLERANCE).isBefore(probeDue)));
        awaitReconciliationIdle();

        List<ServeEvent> whileBlocked = jumio.server.getAllServeEvents().stream()
                .sorted(java.util.Comparator.comparing(e -> e.getRequest().getLoggedDate())).toList();
        // the batch in flight (at most the 3 rows) plus at most one probe per 2 s
        assertThat(whileBlocked.size()).isBetween(1, 3 + 3);
        assertThat(refs).allSatisfy(ref -> {
            assertThat(state(ref)).isEqualTo("PENDING");
            assertThat(row(ref).get("attempts")).as("a refused request is no attempt").isEqualTo(0);
        });
        assertThat(occurrences(logs.getAll(), "OPERATIONS ALERT [jumio-credentials-refused")).isEqualTo(1);
        JsonNode health = readJson(apiGet("/actuator/health").body()).path("components").path("reconciliation");
        assertThat(health.path("status").asText()).isEqualTo("UP");
        assertThat(health.path("details").path("credentialsRefused").asBoolean()).isTrue();
        assertThat(health.path("details").path("credentialsRefusedWith").asInt()).isEqualTo(401);
        assertThat(health.path("details").path("transactions").path("pending").asInt()).isEqualTo(3);

        // Jumio accepts the credentials again: the next probe succeeds and everything is polled
        jumio.server.resetAll();
        for (String ref : refs) {
            jumio.scanStatus(ref, "DONE");
            jumio.server.stubFor(get(urlPathEqualTo(SCANS + ref + "/data"))
                    .willReturn(json(200, resource("netverify-approved-data.json").formatted(ref))));
        }
        for (String ref : refs) {
            awaitState(ref, "RESOLVED", 15);
        }
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM retrieval_credentials_block", Long.class)).isZero();
        assertThat(occurrences(logs.getAll(), "OPERATIONS ALERT [jumio-credentials-refused")).isEqualTo(1);
        assertThat(occurrences(logs.getAll(), "OPERATIONS ALERT [jumio-credentials-accepted")).isEqualTo(1);
        assertThat(logs.getAll()).doesNotContain(JumioFake.SECRET);

        // emailed to operations through the alert outbox, once each
        await().atMost(Duration.ofSeconds(15)).until(() -> emails("again").size() == 1);
        awaitAlertsSettled();
        List<MimeMessage> refused = emails("refuses the gateway's API credentials");
        assertThat(refused).hasSize(1);
        assertThat(refused.get(0).getSubject()).isEqualTo("Jumio gateway operations: Jumio refuses the gateway's API credentials (HTTP 401)");
        assertThat(recipients(refused.get(0))).contains("ops@bank.test").doesNotContain("compliance@bank.test");
        assertThat(TestSmtp.part(refused.get(0), "text/plain")).contains("GATEWAY_JUMIO_API_TOKEN").contains("HTTP 401")
                .doesNotContain(JumioFake.SECRET).doesNotContain(JumioFake.TOKEN);
        assertThat(emails("accepts the gateway's API credentials again")).hasSize(1);
    }

    @Test
    void probesWhileRefusedAreAtMostOnePerInterval() {
        jumio.server.stubFor(get(urlPathMatching(SCANS + ".*")).willReturn(json(403, "{\"message\":\"Forbidden\"}")));
        String ref = "a0000000-0000-4000-8000-000000000009";
        register(ref, "NETVERIFY", "US", Duration.ofSeconds(-5));

        // the first refusal and two probes; every request after the first is a probe, one per 2 s at most
        await().atMost(Duration.ofSeconds(15)).until(() -> jumio.requests(SCANS + ref).size() >= 3);

        List<ServeEvent> requests = jumio.requests(SCANS + ref);
        for (int i = 1; i < requests.size(); i++) {
            assertThat(Duration.between(at(requests.get(i - 1)), at(requests.get(i))))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(1800));
        }
        assertThat(row(ref).get("attempts")).isEqualTo(0);
        assertThat(jdbc.queryForObject("SELECT http_status FROM retrieval_credentials_block", Integer.class)).isEqualTo(403);
    }

    @Test
    void serverErrorsAndTimeoutsBackOffNeverFasterThanTheSchedule() {
        String ref = "5e000000-0000-4000-8000-000000000001";
        String path = SCANS + ref;
        jumio.server.stubFor(get(urlPathEqualTo(path)).inScenario("outage").whenScenarioStateIs(STARTED)
                .willReturn(json(503, "{}")).willSetStateTo("slow"));
        jumio.server.stubFor(get(urlPathEqualTo(path)).inScenario("outage").whenScenarioStateIs("slow")
                .willReturn(json(200, statusBody(ref, "DONE")).withFixedDelay(4000)).willSetStateTo("back"));
        jumio.server.stubFor(get(urlPathEqualTo(path)).inScenario("outage").whenScenarioStateIs("back")
                .willReturn(json(200, statusBody(ref, "DONE"))));
        jumio.server.stubFor(get(urlPathEqualTo(path + "/data"))
                .willReturn(json(200, resource("netverify-approved-data.json").formatted(ref))));
        register(ref, "NETVERIFY", "US", Duration.ofSeconds(-5));

        await().atMost(Duration.ofSeconds(8)).until(() -> jumio.requests(path).size() == 1
                && Integer.valueOf(1).equals(row(ref).get("attempts")));
        Map<String, Object> afterError = row(ref);
        assertThat(afterError.get("last_status")).isEqualTo("HTTP_503");
        assertThat(afterError.get("consecutive_errors")).isEqualTo(1);
        awaitState(ref, "RESOLVED", 20);

        List<ServeEvent> status = jumio.requests(path);
        assertThat(status).hasSize(3);
        // schedule gaps would be 1 s and 2 s; back-off is 2 s, then 4 s after the timeout (2.5 s read timeout)
        assertThat(Duration.between(at(status.get(0)), at(status.get(1)))).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(Duration.between(at(status.get(1)), at(status.get(2)))).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
        assertThat(row(ref).get("attempts")).isEqualTo(3);
        assertThat(awaitResult(ref).path("decision").asText()).isEqualTo("APPROVED");
    }

    @Test
    void refusedConnectionIsRecordedAndBackedOff() {
        String ref = "5e000000-0000-4000-8000-000000000002";
        register(ref, "NETVERIFY", "SGP", Duration.ofSeconds(-5));

        await().atMost(Duration.ofSeconds(8)).until(() -> Integer.valueOf(1).equals(row(ref).get("attempts")));

        Map<String, Object> row = row(ref);
        assertThat(row.get("state")).isEqualTo("PENDING");
        assertThat(row.get("last_status")).isEqualTo("ERROR");
        assertThat((String) row.get("last_error")).contains("Connect");
        assertThat(row.get("consecutive_errors")).isEqualTo(1);
        Instant polled = instant(row.get("last_polled_at"));
        Instant next = instant(row.get("next_poll_at"));
        assertThat(Duration.between(polled, next)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void callbackArrivingBetweenTwoPollsEndsPolling() {
        String ref = "cb000000-0000-4000-8000-000000000001";
        jumio.scanStatus(ref, "PENDING");
        register(ref, "NETVERIFY", "US", Duration.ofSeconds(-5));
        await().atMost(Duration.ofSeconds(8)).until(() -> jumio.requests(SCANS + ref).size() == 1
                && Integer.valueOf(1).equals(row(ref).get("attempts")));
        Instant nextPoll = instant(row(ref).get("next_poll_at"));

        postFromJumio("/callbacks/netverify", "jumioIdScanReference=" + ref
                + "&verificationStatus=APPROVED_VERIFIED&idCountry=AUT&callbackDate=2024-03-01T10%3A05%3A00Z", FORM);
        awaitState(ref, "RESOLVED", 10);
        Instant resolvedAt = instant(row(ref).get("resolved_at"));
        awaitPastDue(nextPoll);

        assertThat(row(ref).get("resolution_source")).isEqualTo("CALLBACK");
        assertThat(jumio.requests(SCANS + ref)).allSatisfy(e -> assertThat(at(e)).isBefore(resolvedAt));
        assertThat(jumio.requests(SCANS + ref).size()).isLessThanOrEqualTo(2);
        assertThat(awaitResult(ref).path("source").asText()).isEqualTo("CALLBACK");
    }

    @Test
    void givenUpAfterTheLastAttemptIsUnresolvedListedAndAlerted(CapturedOutput logs) throws Exception {
        String ref = "9e000000-0000-4000-8000-000000000001";
        // 404 for a scan Jumio does not show: keep to the schedule
        jumio.server.stubFor(get(urlPathEqualTo(SCANS + ref)).willReturn(json(404, "{}")));
        Instant overdueAt = register(ref, "NETVERIFY", "US", Duration.ofMillis(500));

        awaitState(ref, "UNRESOLVED", 20);
        // still polled after the give-up, it would be one daily interval after the last poll at the latest
        awaitPastDue(instant(row(ref).get("last_polled_at")).plus(DAILY_INTERVAL));

        List<ServeEvent> status = jumio.requests(SCANS + ref);
        assertThat(status).as("3 on the schedule + 1 daily, then nothing").hasSize(4);
        assertThat(at(status.get(0)).plus(CLOCK_TOLERANCE)).isAfterOrEqualTo(overdueAt);
        assertThat(Duration.between(at(status.get(0)), at(status.get(1)))).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(Duration.between(at(status.get(1)), at(status.get(2)))).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(Duration.between(at(status.get(2)), at(status.get(3)))).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        JsonNode unresolved = readJson(apiGet("/api/transactions?state=unresolved").body());
        assertThat(unresolved.findValuesAsText("scanReference")).containsExactly(ref);
        assertThat(unresolved.get(0).path("attempts").asInt()).isEqualTo(4);
        assertThat(unresolved.get(0).path("lastStatus").asText()).isEqualTo("NOT_FOUND");
        assertThat(occurrences(logs.getAll(), "OPERATIONS ALERT [reconciliation-unresolved:" + ref + "]")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(15)).until(() -> emails(ref).size() == 1);
        awaitAlertsSettled();
        List<MimeMessage> unresolvedEmails = emails(ref);
        assertThat(unresolvedEmails).hasSize(1);
        assertThat(unresolvedEmails.get(0).getSubject()).isEqualTo("Jumio gateway operations: Jumio transaction " + ref
                + " unresolved after 4 attempts");
        assertThat(recipients(unresolvedEmails.get(0))).contains("ops@bank.test");
        String text = TestSmtp.part(unresolvedEmails.get(0), "text/plain");
        assertThat(text).contains("Scan reference:      " + ref).contains("Data center:         US")
                .contains("GET /api/transactions?state=unresolved").doesNotContain("order-1");
        assertThat(metric("gateway_reconciliation_unresolved_total")).isGreaterThanOrEqualTo(1);

        // a callback after the give-up still resolves it
        postFromJumio("/callbacks/netverify", "jumioIdScanReference=" + ref + "&verificationStatus=NO_ID_UPLOADED", FORM);
        awaitState(ref, "RESOLVED", 10);
    }

    /**
     * Waits past the moment a poll was due and until the poller has looked again with nothing queued or in flight:
     * a row still polled would have been asked for at Jumio by then.
     */
    private void awaitPastDue(Instant due) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() -> Instant.now().isAfter(due));
        awaitReconciliationIdle();
    }

    private static Instant instant(Object value) {
        return value instanceof Timestamp ts ? ts.toInstant() : ((java.time.OffsetDateTime) value).toInstant();
    }

    @org.springframework.beans.factory.annotation.Autowired
    com.jumiogateway.reconciliation.PendingTransactions pendingTransactions;

    @Test
    void aQueuedRowIsPolledOnlyWhileItsClaimIsStillOursAndItIsStillPending() {
        String ref = "c1a10000-0000-4000-8000-000000000001";
        register(ref, "NETVERIFY", "US", Duration.ofMinutes(30));
        Instant past = Instant.now().minusSeconds(1);
        var row = new com.jumiogateway.reconciliation.PendingTransaction(ref, com.jumiogateway.result.CallbackKind.NETVERIFY,
                com.jumiogateway.reconciliation.JumioApiProperties.DataCenter.US, null, null, past, 30, past, 0, 0, past, false);
        String me = pendingTransactions.instanceId();

        // the lease ran out while the row waited in the queue: another instance may poll it, so this one does not
        jdbc.update("UPDATE pending_transaction SET claimed_by = ?, claimed_until = ? WHERE scan_reference = ?",
                me, Timestamp.from(past), ref);
        assertThat(pendingTransactions.holdBack(row)).isTrue();
        // another instance holds it
        jdbc.update("UPDATE pending_transaction SET claimed_by = 'other', claimed_until = ? WHERE scan_reference = ?",
                Timestamp.from(Instant.now().plusSeconds(60)), ref);
        assertThat(pendingTransactions.holdBack(row)).isTrue();
        // still ours: polled, and the lease is renewed for the poll (30 s in this test)
        jdbc.update("UPDATE pending_transaction SET claimed_by = ?, claimed_until = ? WHERE scan_reference = ?",
                me, Timestamp.from(Instant.now().plusSeconds(2)), ref);
        assertThat(pendingTransactions.holdBack(row)).isFalse();
        assertThat(instant(row(ref).get("claimed_until"))).isAfter(Instant.now().plusSeconds(20));
        // a callback resolved it while it was queued: not polled
        postFromJumio("/callbacks/netverify", "jumioIdScanReference=" + ref + "&verificationStatus=APPROVED_VERIFIED", FORM);
        awaitState(ref, "RESOLVED", 10);
        assertThat(pendingTransactions.holdBack(row)).isTrue();
        assertThat(jumio.server.getAllServeEvents()).isEmpty();
    }
}
