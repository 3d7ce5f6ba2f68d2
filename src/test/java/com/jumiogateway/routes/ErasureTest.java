package com.jumiogateway.routes;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.jumiogateway.support.JumioFake.apiPostJson;
import static com.jumiogateway.support.JumioFake.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.jumiogateway.support.DatabaseSearch;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.JumioFake;
import com.jumiogateway.support.OwnContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Erasure on request (routes/erasure.camel.yaml): after DELETE, a byte search of every column of every table finds
 * none of the person's name, date of birth or document number; the tombstone is there; a later duplicate callback and
 * a later retrieval result (Jumio's Retrieval API played by WireMock) do not bring them back; the audit records it.
 */
@OwnContext
class ErasureTest extends GatewayTestSupport {

    static final JumioFake jumio = new JumioFake();
    static final String SEED_REF = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    static final String FIRST = "Adelheid";
    static final String LAST = "Quartermaine";
    static final String DOB = "1971-03-14";
    static final String NUMBER = "X9K4TQ7205";
    static final String[] PERSON = {FIRST, LAST, DOB, NUMBER};

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        jumio.register(registry);
        registry.add("gateway.reconciliation.poll-delay-ms", () -> "100");
        registry.add("gateway.reconciliation.schedule-seconds", () -> "1,2,4");
        registry.add("gateway.reconciliation.grace", () -> "PT0S");
        registry.add("gateway.reconciliation.max-requests-per-second", () -> "20");
    }

    @AfterAll
    static void stopJumio() {
        jumio.stop();
    }

    @BeforeEach
    void resetJumio() {
        jumio.server.resetAll();
    }

    /** A Netverify DENIED_FRAUD callback of the person (fraud: an alert is queued too). */
    static String personCallback(String scanReference, String customerId) {
        return fixture("netverify/denied-fraud.txt").replace(SEED_REF, scanReference)
                + "&idFirstName=" + FIRST + "&idLastName=" + LAST + "&idDob=" + DOB + "&idNumber=" + NUMBER
                + "&customerId=" + customerId;
    }

    private HttpResponse<String> apiDelete(String path) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30))
                .header("Authorization", basic("tester", "test-password")).DELETE().build());
    }

    private List<String> personFound() {
        return DatabaseSearch.find(jdbc, PERSON);
    }

    @Test
    void erasureRemovesThePersonEverywhereAndALaterDuplicateCallbackDoesNotBringThemBack() {
        String ref = "e1a5e000-0000-4000-8000-000000000001";
        // pending first (the registry holds the customer's references), then the callback, and a FAILED callback
        // of the same scan (malformed, kept for replay: only its body names the scan)
        HttpResponse<String> registered = send(apiPostJson(url("/api/transactions/pending"), "{\"scanReference\":\""
                + ref + "\",\"kind\":\"NETVERIFY\",\"dataCenter\":\"US\",\"initiatedAt\":\"" + Instant.now()
                + "\",\"tokenLifetimeMinutes\":30,\"customerInternalReference\":\"order-e1\",\"userReference\":\"cust-e1\"}"));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        assertThat(postFromJumio("/callbacks/netverify", personCallback(ref, "cust-e1"), FORM).statusCode()).isEqualTo(200);
        assertThat(postFromJumio("/callbacks/netverify", "jumioIdScanReference=" + ref + "&idFirstName=" + FIRST
                + "&idNumber=" + NUMBER + "&idLastName=" + LAST + "%zz", FORM).statusCode()).isEqualTo(200);
        awaitResult(ref);
        awaitInboxDrained();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox WHERE status = 'FAILED'", Long.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM alert_outbox WHERE scan_reference = ?", Long.class, ref)).isEqualTo(1);
        // the search finds the person before the erasure: it can fail
        assertThat(personFound()).anyMatch(hit -> hit.startsWith("verification_result.result_json"))
                .anyMatch(hit -> hit.startsWith("callback_inbox.body"));

        HttpResponse<String> erased = apiDelete("/api/verifications/" + ref);

        assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
        JsonNode answer = readJson(erased.body());
        assertThat(answer.path("erased").asInt()).isEqualTo(1);
        assertThat(answer.path("tombstones").get(0).path("decision").asText()).isEqualTo("FRAUD");
        assertThat(personFound()).isEmpty();
        assertThat(DatabaseSearch.find(jdbc, "cust-e1", "order-e1")).as("the customer's references").isEmpty();
        Map<String, Object> tombstone = jdbc.queryForMap("SELECT * FROM erasure_tombstone WHERE scan_reference = ?", ref);
        assertThat(tombstone.get("decision")).isEqualTo("FRAUD");
        assertThat(tombstone.get("status")).isEqualTo("DENIED_FRAUD");
        assertThat(tombstone.get("erased_by")).isEqualTo("tester");
        assertThat(tombstone.get("erased_at")).isNotNull();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM pending_transaction", Long.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox WHERE body_purged_at IS NULL", Long.class))
                .as("raw callbacks, FAILED one included").isZero();
        // what stays is served: decision, status, reject reason, timings
        JsonNode served = readJson(apiGet("/api/verifications/" + ref).body());
        assertThat(served.path("decision").asText()).isEqualTo("FRAUD");
        assertThat(served.path("rejectReason").path("code").asText()).isEqualTo("100");
        assertThat(served.has("details")).isFalse();
        assertThat(served.has("customerId")).isFalse();
        assertThat(served.path("personalData").path("state").asText()).isEqualTo("ERASED");

        // Jumio delivers the same callback again later: stored without the person, counted
        double laterBefore = metric("gateway.erasure.later.results");
        assertThat(postFromJumio("/callbacks/netverify", personCallback(ref, "cust-e1"), FORM).statusCode()).isEqualTo(200);
        awaitInboxDrained();
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM callback_inbox WHERE body_purged_at IS NULL", Long.class) == 0);
        assertThat(personFound()).isEmpty();
        assertThat(metric("gateway.erasure.later.results")).isEqualTo(laterBefore + 1);
        assertThat(jdbc.queryForObject("SELECT later_results FROM erasure_tombstone WHERE scan_reference = ?",
                Integer.class, ref)).isEqualTo(1);
        JsonNode again = readJson(apiGet("/api/verifications/" + ref).body());
        assertThat(again.path("delivery").path("duplicates").asInt()).as("the same result, without the person").isEqualTo(1);
        assertThat(again.has("details")).isFalse();

        // the audit: the erasure, by whom, from where
        JsonNode events = readJson(apiGet("/api/audit?reference=" + ref).body());
        assertThat(events).anySatisfy(event -> {
            assertThat(event.path("action").asText()).isEqualTo("ERASE");
            assertThat(event.path("caller").asText()).isEqualTo("tester");
            assertThat(event.path("clientAddress").asText()).isEqualTo("127.0.0.1");
        });
    }

    @Test
    void aRetrievalResultForAnErasedReferenceIsStoredWithoutThePerson() {
        // erased before its result came (the person asked early); Jumio's Retrieval API later answers with the person
        String ref = "e1a5e000-0000-4000-8000-000000000002";
        assertThat(apiDelete("/api/verifications/" + ref).statusCode()).isEqualTo(200);
        jumio.scanStatus(ref, "DONE");
        jumio.server.stubFor(get(urlPathEqualTo("/api/netverify/v2/scans/" + ref + "/data"))
                .willReturn(json(200, retrievalData(ref))));
        Instant initiatedAt = Instant.now().minus(Duration.ofMinutes(45)).minusSeconds(5);
        HttpResponse<String> registered = send(apiPostJson(url("/api/transactions/pending"), "{\"scanReference\":\""
                + ref + "\",\"kind\":\"NETVERIFY\",\"dataCenter\":\"US\",\"initiatedAt\":\"" + initiatedAt
                + "\",\"tokenLifetimeMinutes\":30}"));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);

        JsonNode retrieved = awaitResult(ref);

        assertThat(jumio.requests("/api/netverify/v2/scans/" + ref + "/data")).as("the retrieval happened").hasSize(1);
        assertThat(retrieved.path("source").asText()).isEqualTo("RETRIEVAL");
        assertThat(retrieved.path("decision").asText()).isEqualTo("FRAUD");
        assertThat(retrieved.has("details")).isFalse();
        assertThat(personFound()).isEmpty();
        assertThat(jdbc.queryForObject("SELECT later_results FROM erasure_tombstone WHERE scan_reference = ?",
                Integer.class, ref)).isEqualTo(1);
    }

    @Test
    void erasureByCustomerIdTakesEveryScanOfThatCustomerAndLeavesOthers() {
        String first = "e1a5e000-0000-4000-8000-000000000003";
        String second = "e1a5e000-0000-4000-8000-000000000004";
        String other = "e1a5e000-0000-4000-8000-000000000005";
        postFromJumio("/callbacks/netverify", personCallback(first, "cust-e3"), FORM);
        postFromJumio("/callbacks/netverify", personCallback(second, "cust-e3"), FORM);
        postFromJumio("/callbacks/netverify", fixture("netverify/approved-verified.txt").replace(SEED_REF, other)
                + "&idFirstName=Someone&customerId=cust-other", FORM);
        awaitResult(first);
        awaitResult(second);
        awaitResult(other);
        awaitInboxDrained();

        HttpResponse<String> erased = apiDelete("/api/verifications?customerId=cust-e3");

        assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
        assertThat(readJson(erased.body()).path("erased").asInt()).isEqualTo(2);
        assertThat(personFound()).isEmpty();
        assertThat(DatabaseSearch.find(jdbc, "cust-e3")).isEmpty();
        assertThat(jdbc.queryForList("SELECT scan_reference FROM erasure_tombstone ORDER BY scan_reference", String.class))
                .containsExactly(first, second);
        assertThat(DatabaseSearch.find(jdbc, "Someone")).as("another customer's data stays").isNotEmpty();
        assertThat(readJson(apiGet("/api/audit?reference=" + second).body())).anySatisfy(e -> {
            assertThat(e.path("action").asText()).isEqualTo("ERASE");
            assertThat(e.path("detail").asText()).isEqualTo("by customer_id");
        });
    }

    @Test
    void deleteAtJumioCallsJumiosDeleteApiAndRecordsItsAnswer() {
        String ref = "e1a5e000-0000-4000-8000-000000000006";
        postFromJumio("/callbacks/netverify", personCallback(ref, "cust-e6"), FORM);
        awaitResult(ref);
        jumio.server.stubFor(delete(urlPathEqualTo("/api/netverify/v2/scans/" + ref)).willReturn(aResponse().withStatus(200)));

        HttpResponse<String> erased = apiDelete("/api/verifications/" + ref + "?deleteAtJumio=true");

        assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
        assertThat(readJson(erased.body()).path("tombstones").get(0).path("jumioDeletion").asText()).isEqualTo("DELETED");
        var calls = jumio.requests("/api/netverify/v2/scans/" + ref);
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).getRequest().getMethod().getName()).isEqualTo("DELETE");
        assertThat(calls.get(0).getRequest().getHeader("Authorization")).isEqualTo(JumioFake.basicAuthorization());
        assertThat(calls.get(0).getRequest().getHeader("User-Agent")).isEqualTo(JumioFake.USER_AGENT);
        assertThat(jdbc.queryForObject("SELECT jumio_deletion FROM erasure_tombstone WHERE scan_reference = ?",
                String.class, ref)).isEqualTo("DELETED");
        JsonNode events = readJson(apiGet("/api/audit?reference=" + ref).body());
        assertThat(events).anySatisfy(e -> {
            assertThat(e.path("action").asText()).isEqualTo("ERASE");
            assertThat(e.path("detail").asText()).isEqualTo("by scan_reference");
        }).anySatisfy(e -> {
            assertThat(e.path("action").asText()).isEqualTo("JUMIO_DELETE");
            assertThat(e.path("detail").asText()).isEqualTo("DELETED");
        });
        assertThat(personFound()).isEmpty();

        // Jumio no longer knows it: recorded as such, the local erasure stands
        jumio.server.stubFor(delete(urlPathEqualTo("/api/netverify/v2/scans/" + ref)).willReturn(aResponse().withStatus(404)));
        HttpResponse<String> again = apiDelete("/api/verifications/" + ref + "?deleteAtJumio=true");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(readJson(apiGet("/api/audit?reference=" + ref).body())).anySatisfy(e -> {
            assertThat(e.path("action").asText()).isEqualTo("JUMIO_DELETE");
            assertThat(e.path("detail").asText()).isEqualTo("NOT_FOUND");
        });
        assertThat(apiDelete("/api/verifications/" + ref + "?deleteAtJumio=maybe").statusCode()).isEqualTo(400);
    }

    @Test
    void erasureNeedsTheApiCredentials() {
        String ref = "e1a5e000-0000-4000-8000-000000000007";
        postFromJumio("/callbacks/netverify", personCallback(ref, "cust-e7"), FORM);
        awaitResult(ref);
        HttpResponse<String> anonymous = send(HttpRequest.newBuilder(URI.create(url("/api/verifications/" + ref)))
                .DELETE().build());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(personFound()).isNotEmpty();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM erasure_tombstone", Long.class)).isZero();
    }

    private static String retrievalData(String scanReference) {
        try (InputStream in = ErasureTest.class.getResourceAsStream("/fixtures/retrieval/netverify-denied-fraud-data.json")) {
            String data = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace(SEED_REF, scanReference);
            return data.replace("\"type\": \"PASSPORT\",", "\"type\": \"PASSPORT\", \"firstName\": \"" + FIRST
                    + "\", \"lastName\": \"" + LAST + "\", \"dob\": \"" + DOB + "\", \"number\": \"" + NUMBER + "\",");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
