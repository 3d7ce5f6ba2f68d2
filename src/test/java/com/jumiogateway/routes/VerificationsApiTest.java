package com.jumiogateway.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.jumiogateway.support.GatewayInstance;
import com.jumiogateway.support.GatewayTestSupport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** routes/verifications-api.camel.yaml: results and inbox administration, only for authenticated callers. */
class VerificationsApiTest extends GatewayTestSupport {

    private HttpResponse<String> get(String path, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path))).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request.build());
    }

    @Test
    void resultsNeedBasicOrBearerCredentials() {
        postFromJumio("/callbacks/netverify", fixture("netverify/approved-verified.txt"), FORM);
        awaitResult(NetverifyCallbackTest.SEED_REF);
        String path = "/api/verifications/" + NetverifyCallbackTest.SEED_REF;

        assertThat(get(path, null).statusCode()).isEqualTo(401);
        assertThat(get(path, basic("tester", "wrong")).statusCode()).isEqualTo(401);
        assertThat(get(path, "Bearer not-a-token").statusCode()).isEqualTo(401);
        HttpResponse<String> basic = get(path, basic("tester", "test-password"));
        HttpResponse<String> bearer = get(path, "Bearer test-token");

        assertThat(basic.statusCode()).isEqualTo(200);
        assertThat(basic.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(bearer.statusCode()).isEqualTo(200);
        assertThat(readJson(bearer.body()).path("decision").asText()).isEqualTo("APPROVED");
        assertThat(get("/api/callbacks?status=processed", null).statusCode()).isEqualTo(401);
        assertThat(get("/actuator/prometheus", null).statusCode()).isEqualTo(401);
    }

    @Test
    void unknownScanReferenceIs404() {
        HttpResponse<String> response = apiGet("/api/verifications/00000000-0000-0000-0000-000000000000");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(readJson(response.body()).path("error").asText()).isEqualTo("not-found");
    }

    @Test
    void unknownCallbackStatusIsTheSame400AsForAlertsAndTransactions() {
        HttpResponse<String> callbacks = apiGet("/api/callbacks?status=LOST");
        HttpResponse<String> alerts = apiGet("/api/alerts?status=LOST");
        HttpResponse<String> transactions = apiGet("/api/transactions?state=LOST");

        for (HttpResponse<String> answer : java.util.List.of(callbacks, alerts, transactions)) {
            assertThat(answer.statusCode()).as(answer.uri() + " " + answer.body()).isEqualTo(400);
            assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(readJson(answer.body()).path("error").asText()).as(answer.uri().toString()).isEqualTo("bad-request");
        }
        assertThat(readJson(callbacks.body()).path("message").asText())
                .isEqualTo("status must be RECEIVED, CLAIMED, PROCESSED or FAILED");
        assertThat(readJson(alerts.body()).path("message").asText()).isEqualTo("status must be PENDING, SENT or FAILED");
        assertThat(readJson(transactions.body()).path("message").asText())
                .isEqualTo("state must be one of pending, resolved, unresolved, failed, all");
        for (HttpResponse<String> answer : java.util.List.of(callbacks, alerts, transactions)) {
            assertThat(answer.body()).as(answer.uri().toString()).doesNotContain("LOST");
        }
        // known statuses, in any case, still list
        assertThat(apiGet("/api/callbacks?status=processed").statusCode()).isEqualTo(200);
        assertThat(apiGet("/api/callbacks").statusCode()).isEqualTo(200);
    }

    @Test
    void healthIsOpenAndShowsDatabaseAndInboxBacklogToAuthenticatedCallers() {
        HttpResponse<String> open = get("/actuator/health", null);
        HttpResponse<String> health = get("/actuator/health", basic("tester", "test-password"));

        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(readJson(open.body()).path("status").asText()).isEqualTo("UP");
        assertThat(readJson(open.body()).has("components")).as("anonymous callers see the status only").isFalse();
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode components = readJson(health.body()).path("components");
        assertThat(components.path("db").path("status").asText()).isEqualTo("UP");
        assertThat(components.path("inbox").path("status").asText()).isEqualTo("UP");
        assertThat(components.path("inbox").path("details").has("pending")).isTrue();
        assertThat(components.path("inbox").path("details").has("oldestPendingAgeSeconds")).isTrue();
        assertThat(components.path("inbox").path("details").has("failed")).isTrue();
    }

    /** Counter series that the three callbacks below each count once. */
    static final List<String> COUNTED = List.of(
            "gateway_callbacks_received_total{application=\"jumio-callback-gateway\",kind=\"NETVERIFY\"}",
            "gateway_callbacks_refused_total{application=\"jumio-callback-gateway\",reason=\"source-not-allowed\"}",
            "gateway_callbacks_refused_total{application=\"jumio-callback-gateway\",reason=\"unsupported-media-type\"}",
            "gateway_results_stored_total{application=\"jumio-callback-gateway\",kind=\"NETVERIFY\",outcome=\"APPLIED\"}");

    @Test
    void countsAreExposedAsMetrics() {
        Map<String, Double> before = new java.util.HashMap<>();
        for (String series : COUNTED) {
            before.put(series, metric(series));
        }
        postFromJumio("/callbacks/netverify", fixture("netverify/denied-fraud.txt"), FORM);
        post("/callbacks/netverify", "jumioIdScanReference=x", FORM, "203.0.113.7");
        post("/callbacks/netverify", "{}", "application/json", JUMIO_US);
        awaitResult(NetverifyCallbackTest.SEED_REF);
        apiGet("/actuator/health");

        String metrics = send(HttpRequest.newBuilder(URI.create(url("/actuator/prometheus")))
                .header("Authorization", "Bearer test-token").GET().build()).body();

        for (String series : COUNTED) {
            assertThat(metrics).as("series present").contains(series + " ");
            assertThat(metric(series) - before.get(series)).as(series + " counted once").isEqualTo(1.0);
        }
        assertThat(metrics).contains("gateway_inbox_backlog");
        assertThat(metrics).contains("gateway_allowlist_resolutions_total");
    }

    @Test
    void withNoCredentialsConfiguredTheServiceStartsAndRefusesEveryone() throws Exception {
        try (GatewayInstance locked = GatewayInstance.start(Map.of("gateway.api.username", "", "gateway.api.password", "",
                "gateway.api.tokens", ""))) {
            HttpResponse<String> health = send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + locked.port() + "/actuator/health")).GET().build());
            HttpResponse<String> api = send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + locked.port() + "/api/callbacks?status=failed"))
                    .header("Authorization", basic("tester", "test-password")).GET().build());
            HttpResponse<String> emptyBearer = send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + locked.port() + "/api/callbacks?status=failed"))
                    .header("Authorization", "Bearer ").GET().build());

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(api.statusCode()).isEqualTo(401);
            assertThat(emptyBearer.statusCode()).isEqualTo(401);
        }
    }
}
