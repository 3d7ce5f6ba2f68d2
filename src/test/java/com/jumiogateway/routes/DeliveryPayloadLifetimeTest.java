package com.jumiogateway.routes;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.jumiogateway.support.DatabaseSearch;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.OwnContext;
import com.jumiogateway.support.Signals;
import com.jumiogateway.support.TestClock;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The lifetime of what the delivery outbox holds: a destination that lists personal fields gets them (WireMock
 * receiver), so delivery_outbox.payload holds them too. Erasure replaces every payload of the scan by a marker in the
 * same transaction (a delivery still waiting is FAILED, not sent), after which a byte search of every table finds none
 * of the person; a purged delivery cannot be redelivered (409). Retention, with a clock the test moves, purges
 * payloads of finished deliveries after gateway.retention.personal-data, in batches, counted and shown in the health.
 */
@OwnContext
class DeliveryPayloadLifetimeTest extends GatewayTestSupport {

    static final WireMockServer receiver = new WireMockServer(options().dynamicPort());
    // ticking: an attempt that fails on a loaded machine comes due again (on a frozen clock its retry never would)
    static final TestClock clock = TestClock.ticking();
    static final String FIRST = "Ottilie", LAST = "Brackenridge", DOB = "1979-08-21", NUMBER = "P7Q3R9X41";
    static final String[] PERSON = {FIRST, LAST, DOB, NUMBER};

    static {
        receiver.start();
    }

    @TestConfiguration
    static class MovableClock {
        @Bean
        @Primary
        Clock testClock() {
            return clock;
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        String base = "http://127.0.0.1:" + receiver.port();
        registry.add("gateway.webhooks.destinations.crm.url", () -> base + "/crm");
        registry.add("gateway.webhooks.destinations.crm.secret", () -> "whsec_Y3JtLWtleS0wMTIzNDU2Nzg5");
        registry.add("gateway.webhooks.destinations.crm.personal-fields", () -> "idFirstName,idLastName,idDob,idNumber");
        registry.add("gateway.webhooks.destinations.backlog.url", () -> base + "/backlog");
        registry.add("gateway.webhooks.destinations.backlog.secret", () -> "whsec_YmFja2xvZy1rZXktMDEyMzQ1");
        registry.add("gateway.webhooks.destinations.backlog.personal-fields", () -> "idFirstName,idLastName");
        registry.add("gateway.retention.interval", () -> "100");
        registry.add("gateway.retention.batch-size", () -> "2");
        registry.add("gateway.retention.personal-data", () -> "365d");
        registry.add("gateway.webhooks.backoff-initial", () -> "200ms");
    }

    @AfterAll
    static void stopReceiver() {
        receiver.stop();
    }

    @BeforeEach
    void receiverAccepts() {
        receiver.resetAll();
        receiver.stubFor(WireMock.post(urlPathEqualTo("/crm")).willReturn(aResponse().withStatus(204)));
        receiver.stubFor(WireMock.post(urlPathEqualTo("/backlog")).willReturn(aResponse().withStatus(204)));
    }

    @Test
    void erasurePurgesEveryPayloadOfTheScanAndAWaitingDeliveryIsNotSent() {
        String ref = "de1e0000-0000-4000-8000-000000000001";
        // the backlog destination is paused: its delivery of this result waits as PENDING
        assertThat(apiPost("/api/destinations/backlog/pause").statusCode()).isEqualTo(200);
        try {
            assertThat(postFromJumio("/callbacks/netverify", callback(ref), FORM).statusCode()).isEqualTo(200);
            awaitDelivered(ref, "crm");
            String sent = receivedBody("/crm", ref);
            assertThat(sent).as("the destination listed the personal fields").contains(FIRST, LAST, DOB, NUMBER);
            assertThat(status(ref, "backlog")).isEqualTo("PENDING");
            // the search finds the person in the outbox before the erasure: it can fail
            assertThat(DatabaseSearch.find(jdbc, PERSON)).anyMatch(hit -> hit.startsWith("delivery_outbox.payload"));

            HttpResponse<String> erased = apiDelete("/api/verifications/" + ref);

            assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
            assertThat(DatabaseSearch.find(jdbc, PERSON)).isEmpty();
            List<Map<String, Object>> rows = jdbc.queryForList("SELECT destination, status, payload, payload_purged_at,"
                    + " last_error FROM delivery_outbox WHERE scan_reference = ? ORDER BY destination", ref);
            assertThat(rows).hasSize(2).allSatisfy(row -> {
                assertThat(row.get("payload")).isEqualTo("{\"contentPurged\":true}");
                assertThat(row.get("payload_purged_at")).isNotNull();
            });
            assertThat(rows.get(0).get("destination")).isEqualTo("backlog");
            assertThat(rows.get(0).get("status")).as("not sent after the erasure").isEqualTo("FAILED");
            assertThat(rows.get(0).get("last_error")).isEqualTo("personal data erased before delivery");
            assertThat(rows.get(1).get("status")).isEqualTo("DELIVERED");

            // a purged delivery is not sent again: its marker is no result
            for (String destination : List.of("crm", "backlog")) {
                HttpResponse<String> redeliver = apiPost("/api/deliveries/" + id(ref, destination) + "/redeliver");
                assertThat(redeliver.statusCode()).as(redeliver.body()).isEqualTo(409);
                JsonNode problem = readJson(redeliver.body());
                assertThat(problem.path("error").asText()).isEqualTo("conflict");
                assertThat(problem.path("message").asText()).contains("purged");
            }
            assertThat(status(ref, "crm")).isEqualTo("DELIVERED");
            assertThat(status(ref, "backlog")).isEqualTo("FAILED");
        } finally {
            apiPost("/api/destinations/backlog/resume");
        }
        // resumed: the erased delivery stays FAILED; the next result of another scan goes out, and with it nothing
        // of the erased scan was sent to the backlog destination
        String later = "de1e0000-0000-4000-8000-000000000002";
        postFromJumio("/callbacks/netverify", callback(later), FORM);
        awaitDelivered(later, "backlog");
        assertThat(status(ref, "backlog")).isEqualTo("FAILED");
        receiver.verify(0, postRequestedFor(urlPathEqualTo("/backlog")).withRequestBody(WireMock.containing(ref)));
    }

    @Test
    void retentionPurgesPayloadsOfFinishedDeliveriesAfterThePersonalDataPeriod() throws Exception {
        List<String> refs = List.of("de1e0000-0000-4000-8000-000000000011", "de1e0000-0000-4000-8000-000000000012",
                "de1e0000-0000-4000-8000-000000000013");
        for (String ref : refs) {
            assertThat(postFromJumio("/callbacks/netverify", callback(ref), FORM).statusCode()).isEqualTo(200);
        }
        refs.forEach(ref -> awaitDelivered(ref, "crm"));
        refs.forEach(ref -> awaitDelivered(ref, "backlog"));
        double before = metric("gateway.retention.purged", "what=\"delivery-payloads\"");

        // 364 days: not due yet
        advanceAndPurge(Duration.ofDays(364));
        assertThat(unpurged(refs)).isEqualTo(6);
        assertThat(DatabaseSearch.find(jdbc, PERSON)).anyMatch(hit -> hit.startsWith("delivery_outbox.payload"));

        // 366 days, retention paused for a moment: the health shows the payloads due
        camelContext.getRouteController().stopRoute("retention");
        try {
            clock.advance(Duration.ofDays(2));
            JsonNode due = retentionHealth().path("delivery-payloads");
            assertThat(due.path("due").asLong()).isGreaterThanOrEqualTo(6);
            assertThat(due.path("retention").asText()).isEqualTo("PT8760H");
            assertThat(due.path("oldestDueAgeSeconds").asLong()).isGreaterThan(Duration.ofDays(365).toSeconds());
        } finally {
            camelContext.getRouteController().startRoute("retention");
        }
        advanceAndPurge(Duration.ZERO);

        assertThat(unpurged(refs)).isZero();
        assertThat(jdbc.queryForList("SELECT payload FROM delivery_outbox WHERE scan_reference IN (?, ?, ?)", String.class,
                refs.toArray())).hasSize(6).containsOnly("{\"contentPurged\":true}");
        assertThat(metric("gateway.retention.purged", "what=\"delivery-payloads\"")).isGreaterThanOrEqualTo(before + 6);
        assertThat(retentionHealth().path("delivery-payloads").path("due").asLong()).isZero();
        // with the results' own personal fields (same period) the person is gone from every table
        assertThat(DatabaseSearch.find(jdbc, PERSON)).isEmpty();
        // delivered, then purged: not redelivered as if it were a result
        assertThat(apiPost("/api/deliveries/" + id(refs.get(0), "crm") + "/redeliver").statusCode()).isEqualTo(409);
        assertThat(status(refs.get(0), "crm")).isEqualTo("DELIVERED");
    }

    /** An APPROVED_VERIFIED Netverify callback of the person. */
    static String callback(String ref) {
        return "jumioIdScanReference=" + ref + "&verificationStatus=APPROVED_VERIFIED&idScanStatus=SUCCESS&idType=PASSPORT"
                + "&idCountry=AUT&idFirstName=" + FIRST + "&idLastName=" + LAST + "&idDob=" + DOB + "&idNumber=" + NUMBER
                + "&merchantIdScanReference=merchant-dp&transactionDate=2024-05-01T07%3A55%3A00.000Z"
                + "&callbackDate=2024-05-01T08%3A00%3A00.000Z";
    }

    private void advanceAndPurge(Duration by) {
        clock.advance(by);
        // two runs after the move: the first may have started before it
        Signals.awaitRounds(camelContext, "retention", 2);
    }

    private JsonNode retentionHealth() {
        return readJson(apiGet("/actuator/health").body()).path("components").path("retention").path("details");
    }

    private long unpurged(List<String> refs) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM delivery_outbox WHERE scan_reference IN (?, ?, ?)"
                + " AND payload_purged_at IS NULL", Long.class, refs.toArray());
    }

    private void awaitDelivered(String ref, String destination) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> "DELIVERED".equals(status(ref, destination)));
    }

    private String status(String ref, String destination) {
        List<String> statuses = jdbc.queryForList("SELECT status FROM delivery_outbox WHERE scan_reference = ?"
                + " AND destination = ?", String.class, ref, destination);
        return statuses.isEmpty() ? null : statuses.get(0);
    }

    private long id(String ref, String destination) {
        return jdbc.queryForObject("SELECT id FROM delivery_outbox WHERE scan_reference = ? AND destination = ?",
                Long.class, ref, destination);
    }

    private static String receivedBody(String path, String ref) {
        return receiver.findAll(postRequestedFor(urlPathEqualTo(path))).stream()
                .map(request -> request.getBodyAsString()).filter(body -> body.contains(ref)).findFirst().orElseThrow();
    }

    private HttpResponse<String> apiDelete(String path) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30))
                .header("Authorization", basic("tester", "test-password")).DELETE().build());
    }
}
