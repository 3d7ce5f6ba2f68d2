package com.jumiogateway.routes;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static com.jumiogateway.support.JumioFake.apiPostJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.OwnContext;
import com.jumiogateway.support.PlatformFake;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * POST /api/transactions with the Jumio Platform selected, against a real HTTP server playing the Platform's OAuth,
 * account and retrieval endpoints (the seed's account-creation response verbatim), and the reconciliation of a
 * Platform transaction whose callback never came. No Netverify credentials are configured: Platform rows are polled
 * with the Platform's own credentials.
 */
@OwnContext
class PlatformInitiationTest extends GatewayTestSupport {

    static final PlatformFake jumio = new PlatformFake();
    static final String SEED_ACCOUNT = "572ac7b5-9f83-409d-ba8e-f0014e411c7e";
    static final String SEED_EXECUTION = "41f71912-1c6b-4e2f-b340-d6dc10cd69b8";
    static final String ACCOUNTS = "/account/api/v1/accounts";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        jumio.register(registry);
        registry.add("gateway.platform.callback-url", () -> "https://gateway.bank.test/callbacks/platform");
        registry.add("gateway.reconciliation.poll-delay-ms", () -> "100");
        registry.add("gateway.reconciliation.schedule-seconds", () -> "1,2,4");
        registry.add("gateway.reconciliation.max-requests-per-second", () -> "20");
    }

    @BeforeEach
    void reset() {
        jumio.reset();
        jumio.tokenEndpoint(3600);
    }

    @AfterAll
    static void stop() {
        jumio.stop();
    }

    private static String seedAnswer() {
        return fixture("platform/account-created.json");
    }

    private void accountCreated() {
        jumio.server.stubFor(WireMock.post(urlPathEqualTo(ACCOUNTS)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(seedAnswer())));
    }

    private HttpResponse<String> initiate(String json) {
        return send(apiPostJson(url("/api/transactions"), json));
    }

    private static String request(String userReference) {
        return "{\"product\":\"PLATFORM\",\"customerInternalReference\":\"order-1\",\"userReference\":\"" + userReference
                + "\",\"workflowKey\":\"10015\",\"locale\":\"en-GB\",\"successUrl\":\"https://shop.bank.test/done\","
                + "\"tokenLifetimeInMinutes\":45}";
    }

    private String pendingState(String reference) {
        return jdbc.queryForObject("SELECT state FROM pending_transaction WHERE scan_reference = ?", String.class, reference);
    }

    /** The transaction's callback is overdue now (instead of waiting token lifetime + Jumio's 15 minutes). */
    private void makeOverdue(String reference) {
        Timestamp past = Timestamp.from(Instant.now().minusSeconds(1));
        jdbc.update("UPDATE pending_transaction SET overdue_at = ?, next_poll_at = ? WHERE scan_reference = ?",
                past, past, reference);
    }

    @Test
    void accountIsCreatedForANewUserAndUpdatedForTheSameUserLater() {
        accountCreated();
        HttpResponse<String> response = initiate(request("user-1"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode answer = readJson(response.body());
        assertThat(answer.path("product").asText()).isEqualTo("PLATFORM");
        assertThat(answer.path("accountId").asText()).isEqualTo(SEED_ACCOUNT);
        assertThat(answer.path("accountCreated").asBoolean()).isTrue();
        assertThat(answer.path("workflowExecutionId").asText()).isEqualTo(SEED_EXECUTION);
        assertThat(answer.path("webHref").asText()).startsWith(
                "https://greenunion.web.amer-1.jumio.ai/web/v4/app?authorizationToken=eyJhbGciOiJIUzUxMiIsInppcCI6IkdaSVAifQ.")
                .endsWith("&locale=en-US");
        assertThat(answer.path("sdkToken").asText()).startsWith("eyJhbGciOiJIUzUxMiIsInppcCI6IkdaSVAifQ.");
        assertThat(answer.path("credentials")).extracting(c -> c.path("id").asText() + "/" + c.path("category").asText())
                .containsExactly("fdb1bc31-99a0-4671-8f2a-2bf7ca2faace/ID", "e25c0737-5753-4812-ab5c-94813e067ec9/FACEMAP",
                        "bce8a24b-16ba-46a8-994e-fa76e4c4845b/SELFIE");
        assertThat(answer.path("tokenLifetimeInMinutes").asInt()).isEqualTo(45);
        assertThat(answer.path("pending").path("kind").asText()).isEqualTo("PLATFORM");
        assertThat(answer.path("pending").path("state").asText()).isEqualTo("PENDING");
        assertThat(pendingState(SEED_EXECUTION)).isEqualTo("PENDING");

        List<ServeEvent> creates = jumio.requests(ACCOUNTS);
        assertThat(creates).hasSize(1);
        assertThat(creates.get(0).getRequest().getMethod().getName()).isEqualTo("POST");
        assertThat(creates.get(0).getRequest().getHeader("Authorization")).startsWith("Bearer token-");
        assertThat(creates.get(0).getRequest().getHeader("Content-Type")).startsWith("application/json");
        JsonNode sent = readJson(creates.get(0).getRequest().getBodyAsString());
        assertThat(sent.path("customerInternalReference").asText()).isEqualTo("order-1");
        assertThat(sent.path("userReference").asText()).isEqualTo("user-1");
        assertThat(sent.path("workflowDefinition").path("key").isInt()).isTrue();
        assertThat(sent.path("workflowDefinition").path("key").asInt()).isEqualTo(10015);
        assertThat(sent.path("callbackUrl").asText()).isEqualTo("https://gateway.bank.test/callbacks/platform");
        assertThat(sent.path("tokenLifetime").asText()).isEqualTo("45m");
        assertThat(sent.path("web").path("successUrl").asText()).isEqualTo("https://shop.bank.test/done");
        assertThat(sent.path("web").path("locale").asText()).isEqualTo("en-GB");
        assertThat(sent.has("product")).isFalse();

        // the same end user again: a new transaction on the account we remember
        String secondExecution = "9d1e7e55-7a55-4a43-9d8e-6f3b1b8f0c11";
        jumio.server.stubFor(put(urlPathEqualTo(ACCOUNTS + "/" + SEED_ACCOUNT)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(seedAnswer().replace(SEED_EXECUTION, secondExecution))));
        HttpResponse<String> again = initiate(request("user-1"));

        assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
        JsonNode second = readJson(again.body());
        assertThat(second.path("accountId").asText()).isEqualTo(SEED_ACCOUNT);
        assertThat(second.path("accountCreated").asBoolean()).isFalse();
        assertThat(second.path("workflowExecutionId").asText()).isEqualTo(secondExecution);
        assertThat(jumio.requests(ACCOUNTS)).as("no second account").hasSize(1);
        List<ServeEvent> updates = jumio.requests(ACCOUNTS + "/" + SEED_ACCOUNT);
        assertThat(updates).hasSize(1);
        assertThat(updates.get(0).getRequest().getMethod().getName()).isEqualTo("PUT");
        assertThat(readJson(updates.get(0).getRequest().getBodyAsString()).path("userReference").asText()).isEqualTo("user-1");
        assertThat(jumio.tokenRequests()).as("one token for both calls").isLessThanOrEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM platform_account", Integer.class)).isEqualTo(1);
        assertThat(pendingState(secondExecution)).isEqualTo("PENDING");

        // another end user gets an account of its own
        initiate(request("user-2"));
        assertThat(jumio.requests(ACCOUNTS)).hasSize(2);
    }

    @Test
    void badRequestsAreRefusedBeforeJumioIsCalled() {
        for (String bad : List.of("{\"product\":\"PLATFORM\",\"customerInternalReference\":\"order-1\",\"workflowKey\":\"10015\"}",
                "{\"product\":\"PLATFORM\",\"customerInternalReference\":\"order-1\",\"userReference\":\"u\"}",
                "{\"product\":\"PLATFORM\",\"customerInternalReference\":\"o\",\"userReference\":\"u\",\"workflowKey\":\"1\",\"callbackUrl\":\"http://insecure.test/cb\"}",
                // Jumio's URL rule, the same as for V4: a host name, no IP address, no port
                "{\"product\":\"PLATFORM\",\"customerInternalReference\":\"o\",\"userReference\":\"u\",\"workflowKey\":\"1\",\"callbackUrl\":\"https://203.0.113.7/cb\"}",
                "{\"product\":\"PLATFORM\",\"customerInternalReference\":\"o\",\"userReference\":\"u\",\"workflowKey\":\"1\",\"successUrl\":\"https://shop.bank.test:8443/done\"}",
                "{\"product\":\"PLATFORM\",\"customerInternalReference\":\"o\",\"userReference\":\"u\",\"workflowKey\":\"1\",\"tokenLifetimeInMinutes\":2}",
                "{\"product\":\"PLATFORM\",\"customerInternalReference\":\"o\",\"userReference\":\"u\",\"workflowKey\":\"1\",\"presets\":[]}",
                "{\"product\":\"SOMETHING\",\"customerInternalReference\":\"o\",\"userReference\":\"u\"}")) {
            HttpResponse<String> response = initiate(bad);
            assertThat(response.statusCode()).as(bad + " -> " + response.body()).isEqualTo(400);
            assertThat(readJson(response.body()).path("error").asText()).isEqualTo("bad-request");
        }
        assertThat(jumio.server.getAllServeEvents()).isEmpty();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM pending_transaction", Integer.class)).isZero();
    }

    @Test
    void withoutProductTheConfiguredDefaultNetverifyIsUsed() {
        // default product NETVERIFY, and this gateway has no Netverify credentials: V4's own 503
        HttpResponse<String> response = initiate("{\"customerInternalReference\":\"o\",\"userReference\":\"u\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(readJson(response.body()).path("error").asText()).isEqualTo("jumio-not-configured");
        assertThat(jumio.server.getAllServeEvents()).isEmpty();
    }

    @Test
    void jumioErrorsBecomeClearJsonAndNothingIsRecorded() {
        jumio.server.stubFor(WireMock.post(urlPathEqualTo(ACCOUNTS)).willReturn(aResponse().withStatus(500).withBody("stack trace here")));
        HttpResponse<String> down = initiate(request("user-1"));
        assertThat(down.statusCode()).isEqualTo(502);
        assertThat(readJson(down.body()).path("error").asText()).isEqualTo("jumio-unavailable");
        assertThat(down.body()).doesNotContain("stack trace");

        jumio.server.stubFor(WireMock.post(urlPathEqualTo(ACCOUNTS)).willReturn(aResponse().withStatus(400).withBody("{\"message\":\"bad key\"}")));
        HttpResponse<String> rejected = initiate(request("user-1"));
        assertThat(rejected.statusCode()).isEqualTo(422);
        assertThat(readJson(rejected.body()).path("error").asText()).isEqualTo("jumio-rejected-request");

        jumio.server.stubFor(WireMock.post(urlPathEqualTo(ACCOUNTS)).willReturn(aResponse().withStatus(200).withBody("{\"account\":{}}")));
        assertThat(initiate(request("user-1")).statusCode()).isEqualTo(502);

        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM pending_transaction", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM platform_account", Integer.class)).isZero();
    }

    @Test
    void aMissedPlatformCallbackIsReconciledByPollingStatusThenDetails() {
        accountCreated();
        assertThat(initiate(request("user-1")).statusCode()).isEqualTo(201);
        String status = PlatformFake.executionPath(SEED_ACCOUNT, SEED_EXECUTION) + "/status";
        String details = PlatformFake.executionPath(SEED_ACCOUNT, SEED_EXECUTION);
        jumio.server.stubFor(get(urlPathEqualTo(status)).inScenario("journey").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"account\":{\"id\":\"" + SEED_ACCOUNT + "\"},\"workflowExecution\":{\"id\":\""
                                + SEED_EXECUTION + "\",\"status\":\"ACQUIRED\"}}"))
                .willSetStateTo("processed"));
        jumio.server.stubFor(get(urlPathEqualTo(status)).inScenario("journey").whenScenarioStateIs("processed")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"account\":{\"id\":\"" + SEED_ACCOUNT + "\"},\"workflowExecution\":{\"id\":\""
                                + SEED_EXECUTION + "\",\"status\":\"PROCESSED\"}}")));
        jumio.details(SEED_ACCOUNT, SEED_EXECUTION, "details-rejected-fraud.json");
        makeOverdue(SEED_EXECUTION);

        JsonNode result = awaitResult(SEED_EXECUTION);
        await().atMost(Duration.ofSeconds(10)).until(() -> "RESOLVED".equals(pendingState(SEED_EXECUTION)));

        assertThat(result.path("source").asText()).isEqualTo("RETRIEVAL");
        assertThat(result.path("kind").asText()).isEqualTo("PLATFORM");
        assertThat(result.path("decision").asText()).isEqualTo("FRAUD");
        assertThat(result.path("eventTime").asText()).as("completedAt").isEqualTo("2024-03-01T10:05:00Z");
        assertThat(jumio.requests(status)).hasSize(2);
        assertThat(jumio.requests(details)).hasSize(1);
        assertThat(jumio.requests(status)).allSatisfy(e ->
                assertThat(e.getRequest().getHeader("Authorization")).startsWith("Bearer token-"));
        assertThat(jdbc.queryForObject("SELECT resolution_source FROM pending_transaction WHERE scan_reference = ?",
                String.class, SEED_EXECUTION)).isEqualTo("RETRIEVAL");
        // the fraud rule works for polled results as for callbacks
        assertThat(jdbc.queryForObject("SELECT rule FROM alert_outbox", String.class)).isEqualTo("platform-rejected-fraud");

        // the late callback changes nothing: the same details, a duplicate
        assertThat(postFromJumio("/callbacks/platform", "{\"callbackSentAt\":\"2024-03-01T10:05:30Z\",\"userReference\":\"user-1\","
                + "\"workflowExecution\":{\"id\":\"" + SEED_EXECUTION + "\",\"status\":\"PROCESSED\"},\"account\":{\"id\":\""
                + SEED_ACCOUNT + "\"}}", "application/json").statusCode()).isEqualTo(200);
        awaitInboxDrained();
        assertThat(jdbc.queryForObject("SELECT outcome FROM callback_inbox", String.class)).isEqualTo("DUPLICATE");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM alert_outbox", Integer.class)).isEqualTo(1);
        assertThat(readJson(apiGet("/api/platform/verifications?userReference=user-1").body())).hasSize(1);
    }

    @Test
    void anExpiredSessionFoundByPollingIsRecordedWithoutFetchingDetails() {
        accountCreated();
        assertThat(initiate(request("user-1")).statusCode()).isEqualTo(201);
        jumio.status(SEED_ACCOUNT, SEED_EXECUTION, "TOKEN_EXPIRED");
        makeOverdue(SEED_EXECUTION);

        JsonNode result = awaitResult(SEED_EXECUTION);
        await().atMost(Duration.ofSeconds(10)).until(() -> "RESOLVED".equals(pendingState(SEED_EXECUTION)));
        assertThat(result.path("status").asText()).isEqualTo("TOKEN_EXPIRED");
        assertThat(result.path("decision").asText()).isEqualTo("NOTHING_UPLOADED");
        assertThat(jumio.requests(PlatformFake.executionPath(SEED_ACCOUNT, SEED_EXECUTION))).isEmpty();
    }

    @Test
    void aCallbackResolvesThePendingTransactionAndNothingIsPolled() throws Exception {
        accountCreated();
        assertThat(initiate(request("user-1")).statusCode()).isEqualTo(201);
        jumio.details(SEED_ACCOUNT, SEED_EXECUTION, "details-passed.json");
        assertThat(postFromJumio("/callbacks/platform", "{\"callbackSentAt\":\"" + Instant.now() + "\",\"userReference\":\"user-1\","
                + "\"workflowExecution\":{\"id\":\"" + SEED_EXECUTION + "\",\"status\":\"PROCESSED\"},\"account\":{\"id\":\""
                + SEED_ACCOUNT + "\"}}", "application/json").statusCode()).isEqualTo(200);

        awaitResult(SEED_EXECUTION);
        await().atMost(Duration.ofSeconds(10)).until(() -> "RESOLVED".equals(pendingState(SEED_EXECUTION)));
        assertThat(jdbc.queryForObject("SELECT resolution_source FROM pending_transaction WHERE scan_reference = ?",
                String.class, SEED_EXECUTION)).isEqualTo("CALLBACK");
        awaitReconciliationIdle();
        assertThat(jumio.requests(PlatformFake.executionPath(SEED_ACCOUNT, SEED_EXECUTION) + "/status")).isEmpty();
    }

    @Test
    void aPlatformTransactionInitiatedElsewhereIsRegisteredWithItsAccountAndReconciled() {
        String execution = "0d6c2a8e-5f0b-4c55-8a44-2b8a3c0f9e21";
        HttpResponse<String> missingAccount = send(apiPostJson(url("/api/transactions/pending"),
                "{\"scanReference\":\"" + execution + "\",\"kind\":\"PLATFORM\"}"));
        assertThat(missingAccount.statusCode()).isEqualTo(400);
        assertThat(missingAccount.body()).contains("accountId");

        jumio.status(SEED_ACCOUNT, execution, "PROCESSED");
        jumio.details(SEED_ACCOUNT, execution, "details-passed.json");
        // initiated by the mobile SDK an hour ago: token lifetime 30 + Jumio's 15 + grace 5 minutes have passed
        HttpResponse<String> registered = send(apiPostJson(url("/api/transactions/pending"), "{\"scanReference\":\"" + execution
                + "\",\"kind\":\"PLATFORM\",\"accountId\":\"" + SEED_ACCOUNT + "\",\"userReference\":\"user-7\","
                + "\"initiatedAt\":\"" + Instant.now().minus(Duration.ofMinutes(60)) + "\",\"tokenLifetimeMinutes\":30}"));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);

        JsonNode result = awaitResult(execution);
        await().atMost(Duration.ofSeconds(10)).until(() -> "RESOLVED".equals(pendingState(execution)));
        assertThat(result.path("source").asText()).isEqualTo("RETRIEVAL");
        assertThat(result.path("decision").asText()).isEqualTo("APPROVED");
        assertThat(jumio.requests(PlatformFake.executionPath(SEED_ACCOUNT, execution))).hasSize(1);
        assertThat(readJson(apiGet("/api/platform/verifications?accountId=" + SEED_ACCOUNT).body())).hasSize(1);
        assertThat(readJson(apiGet("/api/platform/verifications?userReference=user-7").body())).hasSize(1);
    }
}
