package com.jumiogateway.routes;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.OwnContext;
import com.jumiogateway.support.PlatformFake;
import com.jumiogateway.support.TestSmtp;
import jakarta.mail.internet.MimeMessage;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * POST /callbacks/platform end to end: the intake, the worker fetching the workflow execution's details from a real
 * HTTP server playing the Jumio Platform (OAuth and Retrieval API), the fan-out (store, fraud rule, alert email to
 * a real SMTP server) and the read APIs.
 */
@OwnContext
class PlatformCallbackTest extends GatewayTestSupport {

    static final String JSON = "application/json";
    static final PlatformFake jumio = new PlatformFake();
    static final TestSmtp smtp = new TestSmtp().start();
    /** Personal data of the details fixtures, which no alert may carry. */
    static final List<String> PERSONAL = List.of("JANE", "SAMPLEWOMAN", "1985-04-12", "P7654321", "HAUPTSTRASSE", "VIENNA");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        jumio.register(registry);
        registry.add("gateway.worker.retry-delay", () -> "PT1S");
        smtp.register(registry);
        registry.add("gateway.alerts.from", () -> "Jumio Gateway <gateway@bank.test>");
        registry.add("gateway.alerts.categories.fraud.to", () -> "compliance@bank.test");
    }

    String accountId;
    String executionId;

    @BeforeEach
    void reset() throws Exception {
        jumio.reset();
        jumio.tokenEndpoint(3600);
        smtp.purge();
        accountId = UUID.randomUUID().toString();
        executionId = UUID.randomUUID().toString();
    }

    @AfterAll
    static void stop() {
        jumio.stop();
        smtp.stop();
    }

    /** The notice as Jumio posts it; the hrefs point somewhere else on purpose (URLs are built from the ids). */
    private String notice(String status, Instant sentAt) {
        return "{\"callbackSentAt\":\"" + sentAt + "\",\"userReference\":\"user-42\",\"workflowExecution\":{\"id\":\""
                + executionId + "\",\"href\":\"https://attacker.example/steal/" + executionId
                + "\",\"definitionKey\":\"10013\",\"status\":\"" + status + "\"},\"account\":{\"id\":\"" + accountId
                + "\",\"href\":\"https://attacker.example/accounts/" + accountId + "\"}}";
    }

    private String detailsPath() {
        return PlatformFake.executionPath(accountId, executionId);
    }

    private JsonNode platformLookup(String parameter, String value) {
        HttpResponse<String> response = apiGet("/api/platform/verifications?" + parameter + "="
                + URLEncoder.encode(value, StandardCharsets.UTF_8));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return readJson(response.body());
    }

    @Test
    void processedCallbackIsFetchedMappedStoredAndVisibleThroughTheApis() {
        jumio.details(accountId, executionId, "details-passed.json");

        HttpResponse<String> ack = postFromJumio("/callbacks/platform", notice("PROCESSED", Instant.parse("2024-03-01T10:05:30Z")), JSON);
        assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);

        JsonNode result = awaitResult(executionId);
        assertThat(result.path("scanReference").asText()).isEqualTo(executionId);
        assertThat(result.path("kind").asText()).isEqualTo("PLATFORM");
        assertThat(result.path("source").asText()).isEqualTo("CALLBACK");
        assertThat(result.path("status").asText()).isEqualTo("PASSED");
        assertThat(result.path("decision").asText()).isEqualTo("APPROVED");
        assertThat(result.path("merchantReference").asText()).isEqualTo("order-42");
        assertThat(result.path("customerId").asText()).isEqualTo("user-42");
        assertThat(result.path("documentType").asText()).isEqualTo("PASSPORT");
        assertThat(result.path("country").asText()).isEqualTo("AUT");
        assertThat(result.path("countryName").asText()).isEqualTo("Austria");
        assertThat(result.path("eventTime").asText()).as("callbackSentAt").isEqualTo("2024-03-01T10:05:30Z");
        JsonNode details = result.path("details");
        assertThat(details.path("accountId").asText()).isEqualTo(accountId);
        assertThat(details.path("userReference").asText()).isEqualTo("user-42");
        assertThat(details.path("workflowStatus").asText()).isEqualTo("PROCESSED");
        assertThat(details.path("decision").path("type").asText()).isEqualTo("PASSED");
        assertThat(details.path("decision").path("riskScore").asDouble()).isEqualTo(12.5);
        for (String capability : List.of("usability", "imageChecks", "extraction", "dataChecks", "liveness",
                "similarity", "watchlistScreening", "ageEstimation")) {
            assertThat(details.path("capabilities").path(capability).get(0).path("decision").path("type").asText())
                    .as(capability).isNotBlank();
        }
        assertThat(details.path("capabilities").path("similarity").get(0).path("decision").path("details")
                .path("label").asText()).isEqualTo("MATCH");
        assertThat(details.path("capabilities").path("ageEstimation").get(0).path("data").path("estimatedAge").asInt())
                .as("an unknown capability is kept as-is").isEqualTo(38);
        assertThat(details.path("extractedData").path("documentNumber").asText()).isEqualTo("P7654321");

        // one fetch, from the ids (never the notice's href), with the bearer token and the configured User-Agent
        List<ServeEvent> fetches = jumio.requests(detailsPath());
        assertThat(fetches).hasSize(1);
        assertThat(fetches.get(0).getRequest().getHeader("Authorization")).matches("Bearer token-\\d+");
        assertThat(fetches.get(0).getRequest().getHeader("Accept")).isEqualTo("application/json");
        assertThat(jumio.server.getAllServeEvents()).allSatisfy(e ->
                assertThat(e.getRequest().getUrl()).doesNotContain("attacker", "steal"));

        // found by workflow execution id, account id and userReference
        for (Map.Entry<String, String> lookup : Map.of("workflowExecutionId", executionId, "accountId", accountId,
                "userReference", "user-42").entrySet()) {
            JsonNode found = platformLookup(lookup.getKey(), lookup.getValue());
            assertThat(found).as(lookup.getKey()).hasSize(1);
            assertThat(found.get(0).path("scanReference").asText()).isEqualTo(executionId);
        }
        assertThat(platformLookup("accountId", "someone-else")).isEmpty();
        assertThat(apiGet("/api/platform/verifications").statusCode()).isEqualTo(400);
        assertThat(jdbc.queryForObject("SELECT status FROM callback_inbox", String.class)).isEqualTo("PROCESSED");
    }

    @Test
    void rejectedDecisionWithAFraudLabelEmailsComplianceOnceWithoutPersonalData() throws Exception {
        jumio.details(accountId, executionId, "details-rejected-fraud.json");
        String callback = notice("PROCESSED", Instant.parse("2024-03-01T10:05:30Z"));
        assertThat(postFromJumio("/callbacks/platform", callback, JSON).statusCode()).isEqualTo(200);

        JsonNode result = awaitResult(executionId);
        assertThat(result.path("status").asText()).isEqualTo("REJECTED");
        assertThat(result.path("decision").asText()).isEqualTo("FRAUD");
        assertThat(result.path("rejectReason").path("details").get(0).path("code").asText()).isEqualTo("MANIPULATED_DOCUMENT");

        smtp.awaitCopies(1);
        MimeMessage email = smtp.received().get(0);
        assertThat(email.getSubject()).contains("platform-rejected-fraud", executionId, "REJECTED");
        for (String part : List.of(TestSmtp.part(email, "text/html"), TestSmtp.part(email, "text/plain"))) {
            assertThat(part).contains(executionId, "MANIPULATED_DOCUMENT", "PLATFORM", "order-42");
            assertThat(part).doesNotContain(PERSONAL.toArray(String[]::new));
        }

        // the same callback again: counted as a duplicate, no second alert
        assertThat(postFromJumio("/callbacks/platform", callback, JSON).statusCode()).isEqualTo(200);
        awaitInboxDrained();
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT duplicates FROM verification_result WHERE scan_reference = ?", Integer.class, executionId) == 1);
        awaitAlertsSettled();
        assertThat(smtp.received()).hasSize(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM alert_outbox", Integer.class)).isEqualTo(1);
    }

    @Test
    void passedAndNonFraudRejectionsSendNoAlert() throws Exception {
        jumio.details(accountId, executionId, "details-passed.json");
        assertThat(postFromJumio("/callbacks/platform", notice("PROCESSED", Instant.now()), JSON).statusCode()).isEqualTo(200);
        awaitResult(executionId);

        String watchlisted = UUID.randomUUID().toString();
        jumio.details(accountId, watchlisted, "details-rejected-watchlist.json");
        String other = notice("PROCESSED", Instant.now()).replace(executionId, watchlisted);
        assertThat(postFromJumio("/callbacks/platform", other, JSON).statusCode()).isEqualTo(200);
        JsonNode rejected = awaitResult(watchlisted);
        assertThat(rejected.path("status").asText()).isEqualTo("REJECTED");
        assertThat(rejected.path("decision").asText()).as("a watchlist hit is no fraud label").isEqualTo("REJECTED");

        // alerts are enqueued while a callback is processed: with the inbox done and none enqueued, none is sent
        awaitAlertsSettled();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM alert_outbox", Integer.class)).isZero();
        assertThat(smtp.received()).isEmpty();
        assertThat(platformLookup("userReference", "user-42")).hasSize(2);
    }

    @Test
    void sessionExpiredIsStoredWithoutAnyFetch() {
        assertThat(postFromJumio("/callbacks/platform", notice("SESSION_EXPIRED", Instant.parse("2024-03-01T11:00:00Z")), JSON)
                .statusCode()).isEqualTo(200);

        JsonNode result = awaitResult(executionId);
        assertThat(result.path("status").asText()).isEqualTo("SESSION_EXPIRED");
        assertThat(result.path("decision").asText()).isEqualTo("NOTHING_UPLOADED");
        assertThat(result.path("details").path("accountId").asText()).isEqualTo(accountId);
        assertThat(jumio.requestsStartingWith("/retrieval")).isEmpty();
        assertThat(jumio.tokenRequests()).isZero();
        assertThat(platformLookup("accountId", accountId)).hasSize(1);
    }

    @Test
    void duplicateOrOlderCallbacksChangeNothing() throws Exception {
        jumio.details(accountId, executionId, "details-passed.json");
        String processed = notice("PROCESSED", Instant.parse("2024-03-01T10:05:30Z"));
        assertThat(postFromJumio("/callbacks/platform", processed, JSON).statusCode()).isEqualTo(200);
        JsonNode first = awaitResult(executionId);

        assertThat(postFromJumio("/callbacks/platform", processed, JSON).statusCode()).isEqualTo(200);
        // an older notice (sent before the PROCESSED one) arriving late
        assertThat(postFromJumio("/callbacks/platform", notice("TOKEN_EXPIRED", Instant.parse("2024-03-01T09:00:00Z")), JSON)
                .statusCode()).isEqualTo(200);
        awaitInboxDrained();

        JsonNode now = readJson(apiGet("/api/verifications/" + executionId).body());
        assertThat(now.path("status").asText()).isEqualTo("PASSED");
        assertThat(now.path("decision").asText()).isEqualTo("APPROVED");
        assertThat(now.path("eventTime").asText()).isEqualTo(first.path("eventTime").asText());
        assertThat(now.path("delivery").path("deliveries").asInt()).isEqualTo(3);
        assertThat(now.path("delivery").path("duplicates").asInt()).isEqualTo(1);
        assertThat(now.path("delivery").path("staleDeliveries").asInt()).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT outcome FROM callback_inbox ORDER BY id", String.class))
                .containsExactly("APPLIED", "DUPLICATE", "STALE");
    }

    @Test
    void aFailedFetchIsRetriedFromTheInboxNotMarkedFailed() {
        jumio.server.stubFor(get(urlPathEqualTo(detailsPath())).inScenario("flaky").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        jumio.server.stubFor(get(urlPathEqualTo(detailsPath())).inScenario("flaky").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", JSON)
                        .withBody(PlatformFake.detailsBody("details-passed.json", accountId, executionId))));

        assertThat(postFromJumio("/callbacks/platform", notice("PROCESSED", Instant.now()), JSON).statusCode()).isEqualTo(200);

        JsonNode result = awaitResult(executionId);
        assertThat(result.path("decision").asText()).isEqualTo("APPROVED");
        assertThat(jumio.requests(detailsPath())).hasSize(2);
        Map<String, Object> row = jdbc.queryForMap("SELECT status, attempts FROM callback_inbox");
        assertThat(row.get("status")).isEqualTo("PROCESSED");
        assertThat(((Number) row.get("attempts")).intValue()).isEqualTo(2);
    }

    @Test
    void badNoticesAreKeptAsFailedAndWrongRequestsRefused() {
        assertThat(postFromJumio("/callbacks/platform", "not json at all", JSON).statusCode()).isEqualTo(200);
        assertThat(postFromJumio("/callbacks/platform", "{\"callbackSentAt\":\"2024-03-01T10:00:00Z\","
                + "\"workflowExecution\":{\"status\":\"PROCESSED\"},\"account\":{\"id\":\"a-1\"}}", JSON).statusCode())
                .isEqualTo(200);
        assertThat(postFromJumio("/callbacks/platform", "{\"callbackSentAt\":\"2024-03-01T10:00:00Z\","
                + "\"workflowExecution\":{\"id\":\"../../admin\",\"status\":\"PROCESSED\"},\"account\":{\"id\":\"a-1\"}}", JSON)
                .statusCode()).isEqualTo(200);
        awaitInboxDrained();
        assertThat(jdbc.queryForList("SELECT status FROM callback_inbox", String.class))
                .containsExactly("FAILED", "FAILED", "FAILED");
        assertThat(jumio.requestsStartingWith("/retrieval")).isEmpty();

        assertThat(postFromJumio("/callbacks/platform", notice("PROCESSED", Instant.now()), "text/plain").statusCode()).isEqualTo(415);
        assertThat(post("/callbacks/platform", notice("PROCESSED", Instant.now()), JSON, "203.0.113.9").statusCode())
                .isEqualTo(403);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox", Integer.class)).isEqualTo(3);
    }

    @Test
    void theTokenIsSharedAcrossCallbacks() {
        for (int i = 0; i < 3; i++) {
            String id = UUID.randomUUID().toString();
            jumio.details(accountId, id, "details-passed.json");
            assertThat(postFromJumio("/callbacks/platform", notice("PROCESSED", Instant.now()).replace(executionId, id), JSON)
                    .statusCode()).isEqualTo(200);
            awaitResult(id);
        }
        List<ServeEvent> fetches = jumio.requestsStartingWith("/retrieval");
        assertThat(fetches).hasSize(3);
        // the token may be cached from an earlier test of this context already: at most one request, one token for all
        assertThat(jumio.tokenRequests()).isLessThanOrEqualTo(1);
        assertThat(fetches).extracting(e -> e.getRequest().getHeader("Authorization")).containsOnly(
                fetches.get(0).getRequest().getHeader("Authorization")).allMatch(h -> h.startsWith("Bearer token-"));
    }
}
