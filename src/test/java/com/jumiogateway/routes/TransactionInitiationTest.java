package com.jumiogateway.routes;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.jumiogateway.support.JumioFake.apiPostJson;
import static com.jumiogateway.support.JumioFake.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.JumioFake;
import com.jumiogateway.support.OwnContext;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** routes/transaction-initiation.camel.yaml: V4 initiation against a fake Jumio, registration, listing. */
@OwnContext
class TransactionInitiationTest extends GatewayTestSupport {

    static final JumioFake jumio = new JumioFake();
    static final String JUMIO_ANSWER = "{\"timestamp\":\"2018-07-03T08:23:12.494Z\","
            + "\"transactionReference\":\"6c0a3c6e-5f42-4b1c-9a52-2d1c9c2f0a11\","
            + "\"redirectUrl\":\"https://abc.netverify.com/web/v4/app?locale=en-GB&authorizationToken=xyz\"}";

    @DynamicPropertySource
    static void jumioProperties(DynamicPropertyRegistry registry) {
        jumio.register(registry);
        registry.add("gateway.jumio.initiation.callback-url", () -> "https://gateway.example.com/callbacks/netverify");
        registry.add("gateway.jumio.initiation.token-lifetime-minutes", () -> "30");
        registry.add("gateway.jumio.read-timeout-ms", () -> "1500");
        // a closed port: connection refused
        registry.add("gateway.jumio.data-centers.SGP.netverify-url", () -> "http://127.0.0.1:9");
        registry.add("gateway.reconciliation.grace", () -> "PT7M");
        registry.add("gateway.reconciliation.poll-delay-ms", () -> "200");
    }

    @AfterAll
    static void stopJumio() {
        jumio.stop();
    }

    @BeforeEach
    void resetJumio() {
        jumio.server.resetAll();
    }

    private HttpResponse<String> postJson(String path, String body) {
        return send(apiPostJson(url(path), body));
    }

    @Test
    void initiationIsSentToJumioAndRecordedAsPending() {
        jumio.server.stubFor(WireMock.post(urlEqualTo("/api/v4/initiate")).willReturn(json(200, JUMIO_ANSWER)));
        Instant before = Instant.now();

        HttpResponse<String> response = postJson("/api/transactions", """
                {"customerInternalReference":"order-4711","userReference":"user-42","workflowId":200,
                 "presets":[{"index":1,"country":"AUT","type":"PASSPORT"}],"locale":"en-GB",
                 "tokenLifetimeInMinutes":60,"successUrl":"https://shop.example.com/done"}""");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("application/json"));
        JsonNode answer = readJson(response.body());
        assertThat(answer.path("transactionReference").asText()).isEqualTo("6c0a3c6e-5f42-4b1c-9a52-2d1c9c2f0a11");
        assertThat(answer.path("redirectUrl").asText()).startsWith("https://abc.netverify.com/web/v4/app");
        assertThat(answer.path("dataCenter").asText()).isEqualTo("US");

        // what Jumio received: V4 body with config defaults and request values, our credentials, Jumio's headers
        jumio.server.verify(1, postRequestedFor(urlEqualTo("/api/v4/initiate"))
                .withHeader("Authorization", equalTo(JumioFake.basicAuthorization()))
                .withHeader("Accept", equalTo("application/json"))
                .withHeader("User-Agent", equalTo(JumioFake.USER_AGENT))
                .withHeader("Content-Type", containing("application/json"))
                .withRequestBody(equalToJson("""
                        {"customerInternalReference":"order-4711","userReference":"user-42","workflowId":200,
                         "presets":[{"index":1,"country":"AUT","type":"PASSPORT"}],"locale":"en-GB",
                         "tokenLifetimeInMinutes":60,"successUrl":"https://shop.example.com/done",
                         "callbackUrl":"https://gateway.example.com/callbacks/netverify"}""")));
        LoggedRequest sent = jumio.server.getAllServeEvents().get(0).getRequest();
        assertThat(sent.getAllHeaderKeys()).as("nothing of our caller's request travels to Jumio")
                .noneMatch(h -> h.startsWith("Camel") || h.equalsIgnoreCase("Cookie") || h.startsWith("X-"));

        JsonNode listed = readJson(apiGet("/api/transactions?state=pending").body());
        assertThat(listed).hasSize(1);
        JsonNode row = listed.get(0);
        assertThat(row.path("scanReference").asText()).isEqualTo("6c0a3c6e-5f42-4b1c-9a52-2d1c9c2f0a11");
        assertThat(row.path("kind").asText()).isEqualTo("NETVERIFY");
        assertThat(row.path("dataCenter").asText()).isEqualTo("US");
        assertThat(row.path("origin").asText()).isEqualTo("INITIATED");
        assertThat(row.path("customerInternalReference").asText()).isEqualTo("order-4711");
        assertThat(row.path("userReference").asText()).isEqualTo("user-42");
        assertThat(row.path("tokenLifetimeMinutes").asInt()).isEqualTo(60);
        assertThat(row.path("state").asText()).isEqualTo("PENDING");
        assertThat(row.path("attempts").asInt()).isZero();
        Instant initiatedAt = Instant.parse(row.path("initiatedAt").asText());
        assertThat(initiatedAt).isBetween(before.minusSeconds(1), Instant.now());
        // overdue = initiated + token lifetime (60) + Jumio's 15 minutes + grace (7): the first poll is due then
        Instant overdue = Instant.parse(row.path("overdueAt").asText());
        assertThat(overdue).isEqualTo(initiatedAt.plus(Duration.ofMinutes(60 + 15 + 7)));
        assertThat(Instant.parse(row.path("nextPollAt").asText())).isEqualTo(overdue);
    }

    @Test
    void requestDataCenterSelectsJumiosBaseUrl() {
        jumio.server.stubFor(WireMock.post(urlEqualTo("/eu/api/v4/initiate")).willReturn(json(200, JUMIO_ANSWER)));

        HttpResponse<String> response = postJson("/api/transactions",
                "{\"customerInternalReference\":\"order-1\",\"userReference\":\"user-1\",\"dataCenter\":\"eu\"}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        jumio.server.verify(1, postRequestedFor(urlEqualTo("/eu/api/v4/initiate"))
                .withRequestBody(equalToJson("{\"customerInternalReference\":\"order-1\",\"userReference\":\"user-1\","
                        + "\"tokenLifetimeInMinutes\":30,\"callbackUrl\":\"https://gateway.example.com/callbacks/netverify\"}")));
        assertThat(jdbc.queryForObject("SELECT data_center FROM pending_transaction", String.class)).isEqualTo("EU");
    }

    @Test
    void badRequestsAreRefusedBeforeAnythingIsSentToJumio() {
        jumio.server.stubFor(WireMock.post(urlEqualTo("/api/v4/initiate")).willReturn(json(200, JUMIO_ANSWER)));
        List<String> bad = List.of(
                "",
                "not json",
                "[1,2]",
                "{\"userReference\":\"u\"}",
                "{\"customerInternalReference\":\"c\"}",
                "{\"customerInternalReference\":\"" + "x".repeat(101) + "\",\"userReference\":\"u\"}",
                "{\"customerInternalReference\":\"c\",\"userReference\":\"u\",\"tokenLifetimeInMinutes\":4}",
                "{\"customerInternalReference\":\"c\",\"userReference\":\"u\",\"tokenLifetimeInMinutes\":86401}",
                "{\"customerInternalReference\":\"c\",\"userReference\":\"u\",\"callbackUrl\":\"http://gw.example.com/cb\"}",
                "{\"customerInternalReference\":\"c\",\"userReference\":\"u\",\"callbackUrl\":\"https://10.0.0.1/cb\"}",
                "{\"customerInternalReference\":\"c\",\"userReference\":\"u\",\"callbackUrl\":\"https://gw.example.com:8443/cb\"}",
                "{\"customerInternalReference\":\"c\",\"userReference\":\"u\",\"successUrl\":\"https://gw.example.com/#done\"}",
                "{\"customerInternalReference\":\"c\",\"userReference\":\"u\",\"dataCenter\":\"MARS\"}",
                "{\"customerInternalReference\":\"c\",\"userReference\":\"u\",\"workflowId\":\"two hundred\"}",
                "{\"customerInternalReference\":\"c\",\"userReference\":\"u\",\"presets\":[{\"index\":1,\"country\":\"Austria\",\"type\":\"PASSPORT\"}]}",
                "{\"customerInternalReference\":\"c\",\"userReference\":\"u\",\"locale\":\"english please\"}",
                "{\"customerInternalReference\":\"c\",\"userReference\":\"u\",\"firstName\":\"SECRETNAME\"}");

        for (String body : bad) {
            HttpResponse<String> response = postJson("/api/transactions", body);
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            JsonNode error = readJson(response.body());
            assertThat(error.path("error").asText()).as(body).isEqualTo("bad-request");
            assertThat(error.path("message").asText()).as(body).isNotBlank().doesNotContain("SECRETNAME");
        }

        assertThat(jumio.server.getAllServeEvents()).as("nothing reached Jumio").isEmpty();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM pending_transaction", Long.class)).isZero();
    }

    @Test
    void jumiosErrorsComeBackAsClearJsonAnswers() {
        Map<Integer, String[]> cases = Map.of(
                400, new String[] {"422", "jumio-rejected-request"},
                401, new String[] {"502", "jumio-credentials-refused"},
                403, new String[] {"502", "jumio-credentials-refused"},
                429, new String[] {"503", "jumio-rate-limited"},
                500, new String[] {"502", "jumio-unavailable"},
                503, new String[] {"502", "jumio-unavailable"});
        for (Map.Entry<Integer, String[]> c : cases.entrySet()) {
            jumio.server.resetAll();
            jumio.server.stubFor(WireMock.post(urlEqualTo("/api/v4/initiate")).willReturn(
                    json(c.getKey(), "{\"message\":\"java.lang.IllegalStateException at com.jumio.Internal\"}")));

            HttpResponse<String> response = postJson("/api/transactions",
                    "{\"customerInternalReference\":\"c\",\"userReference\":\"u\"}");

            assertThat(response.statusCode()).as("Jumio " + c.getKey()).isEqualTo(Integer.parseInt(c.getValue()[0]));
            JsonNode error = readJson(response.body());
            assertThat(error.path("error").asText()).isEqualTo(c.getValue()[1]);
            assertThat(response.body()).doesNotContain("Exception").doesNotContain("at com.");
        }
        // an answer without a transaction reference is not recorded
        jumio.server.resetAll();
        jumio.server.stubFor(WireMock.post(urlEqualTo("/api/v4/initiate")).willReturn(json(200, "{\"timestamp\":\"2018-07-03T08:23:12.494Z\"}")));
        HttpResponse<String> broken = postJson("/api/transactions", "{\"customerInternalReference\":\"c\",\"userReference\":\"u\"}");
        assertThat(broken.statusCode()).isEqualTo(502);
        assertThat(readJson(broken.body()).path("error").asText()).isEqualTo("jumio-bad-answer");

        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM pending_transaction", Long.class)).isZero();
    }

    @Test
    void unreachableOrSlowJumioIsA504() {
        // SGP points at a closed port: connection refused
        HttpResponse<String> refused = postJson("/api/transactions",
                "{\"customerInternalReference\":\"c\",\"userReference\":\"u\",\"dataCenter\":\"SGP\"}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(504);
        assertThat(readJson(refused.body()).path("error").asText()).isEqualTo("jumio-unreachable");

        // slower than the read timeout (1.5 s)
        jumio.server.stubFor(WireMock.post(urlEqualTo("/api/v4/initiate"))
                .willReturn(json(200, JUMIO_ANSWER).withFixedDelay(4000)));
        HttpResponse<String> slow = postJson("/api/transactions", "{\"customerInternalReference\":\"c\",\"userReference\":\"u\"}");
        // had the gateway waited for Jumio's answer (4 s), it would have answered 201: the 504 is the read timeout
        assertThat(slow.statusCode()).as(slow.body()).isEqualTo(504);
        assertThat(readJson(slow.body()).path("error").asText()).isEqualTo("jumio-unreachable");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM pending_transaction", Long.class)).isZero();
    }

    @Test
    void transactionInitiatedElsewhereIsRegisteredOnceAndListed() {
        Instant initiatedAt = Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String body = "{\"scanReference\":\"0f0e0d0c-1111-2222-3333-444455556666\",\"kind\":\"DOCUMENT_VERIFICATION\","
                + "\"dataCenter\":\"EU\",\"customerInternalReference\":\"upload-9\",\"initiatedAt\":\"" + initiatedAt + "\","
                + "\"tokenLifetimeMinutes\":20}";

        HttpResponse<String> first = postJson("/api/transactions/pending", body);
        HttpResponse<String> again = postJson("/api/transactions/pending", body);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(readJson(again.body()).path("created").asBoolean()).isFalse();
        JsonNode row = readJson(first.body());
        assertThat(row.path("kind").asText()).isEqualTo("DOCUMENT_VERIFICATION");
        assertThat(row.path("dataCenter").asText()).isEqualTo("EU");
        assertThat(row.path("origin").asText()).isEqualTo("REGISTERED");
        assertThat(Instant.parse(row.path("overdueAt").asText())).isEqualTo(initiatedAt.plus(Duration.ofMinutes(20 + 15 + 7)));
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM pending_transaction", Long.class)).isEqualTo(1);

        assertThat(postJson("/api/transactions/pending", "{\"kind\":\"NETVERIFY\"}").statusCode()).isEqualTo(400);
        assertThat(postJson("/api/transactions/pending", "{\"scanReference\":\"../etc/passwd\"}").statusCode()).isEqualTo(400);
        assertThat(postJson("/api/transactions/pending", "{\"scanReference\":\"abc\",\"kind\":\"PLATFORM\"}").statusCode()).isEqualTo(400);
        assertThat(postJson("/api/transactions/pending", "{\"scanReference\":\"abc\",\"initiatedAt\":\"yesterday\"}").statusCode()).isEqualTo(400);
        assertThat(apiGet("/api/transactions?state=bogus").statusCode()).isEqualTo(400);
        assertThat(readJson(apiGet("/api/transactions?state=all").body())).hasSize(1);
        assertThat(readJson(apiGet("/api/transactions").body())).as("default: pending").hasSize(1);
        assertThat(readJson(apiGet("/api/transactions?state=resolved").body())).isEmpty();
        assertThat(jumio.server.getAllServeEvents()).as("registration asks Jumio nothing").isEmpty();
    }

    @Test
    void callbackResolvesItsPendingTransactionWhetherItComesBeforeOrAfterRegistration() {
        String after = "5b3e3c1e-0000-4000-8000-00000000aa01";
        String before = "5b3e3c1e-0000-4000-8000-00000000aa02";
        assertThat(postJson("/api/transactions/pending", "{\"scanReference\":\"" + after + "\"}").statusCode()).isEqualTo(201);
        postFromJumio("/callbacks/netverify", "jumioIdScanReference=" + after + "&verificationStatus=APPROVED_VERIFIED", FORM);
        postFromJumio("/callbacks/netverify", "jumioIdScanReference=" + before + "&verificationStatus=NO_ID_UPLOADED", FORM);
        awaitResult(after);
        awaitResult(before);

        assertThat(postJson("/api/transactions/pending", "{\"scanReference\":\"" + before + "\"}").statusCode()).isEqualTo(201);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode resolved = readJson(apiGet("/api/transactions?state=resolved").body());
            assertThat(resolved).hasSize(2);
            assertThat(resolved.findValuesAsText("resolutionSource")).containsOnly("CALLBACK");
        });
        assertThat(readJson(apiGet("/api/transactions?state=pending").body())).isEmpty();
    }

    @Test
    void apiNeedsCredentials() {
        HttpResponse<String> anonymous = send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url("/api/transactions")))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(jumio.server.getAllServeEvents()).isEmpty();
        // keep an unused import honest
        assertThat(aResponse()).isNotNull();
    }
}
