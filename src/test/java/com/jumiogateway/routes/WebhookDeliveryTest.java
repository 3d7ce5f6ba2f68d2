package com.jumiogateway.routes;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;

import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.OwnContext;
import com.jumiogateway.routing.ExchangeNames;
import com.jumiogateway.storage.SqlValues;
import com.jumiogateway.webhook.ClaimedDelivery;
import com.jumiogateway.webhook.DeliveryAnswer;
import com.jumiogateway.webhook.DeliveryOutbox;
import com.jumiogateway.webhook.WebhookDestinations;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.util.ReflectionTestUtils;

/**
 * Signed webhooks to a real local HTTP server (WireMock): the signature checked by an implementation written here from
 * the Standard Webhooks specification, retries with their observed delays, permanent failures, personal fields,
 * ordering per scan under retries, replay, pause and resume, the delivery log and redelivery.
 */
@OwnContext
class WebhookDeliveryTest extends GatewayTestSupport {

    @Autowired
    private WebhookDestinations webhookDestinations;
    @Autowired
    private DeliveryOutbox deliveryOutbox;

    static final WireMockServer receiver = new WireMockServer(options().dynamicPort().containerThreads(20));
    /** Two secrets during a rotation: every request carries a signature for each. */
    static final String OLD_SECRET = "whsec_" + Base64.getEncoder().encodeToString("old-secret-key-0123456789abcdef".getBytes());
    static final String NEW_SECRET = "whsec_" + Base64.getEncoder().encodeToString("new-secret-key-fedcba9876543210".getBytes());
    static final String LEDGER_SECRET = "whsec_" + Base64.getEncoder().encodeToString("ledger-key-0123456789".getBytes());
    /** Personal values of the callbacks: none may reach a destination that did not list them. */
    static final String FIRST = "Mariaxyz", LAST = "Musterxyz", DOB = "1985-02-03", ID_NUMBER = "X98765432";

    static {
        receiver.start();
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        String base = "http://127.0.0.1:" + receiver.port();
        registry.add("gateway.webhooks.destinations.crm.url", () -> base + "/crm");
        registry.add("gateway.webhooks.destinations.crm.secret", () -> OLD_SECRET + "," + NEW_SECRET);
        registry.add("gateway.webhooks.destinations.ledger.url", () -> base + "/ledger");
        registry.add("gateway.webhooks.destinations.ledger.secret", () -> LEDGER_SECRET);
        registry.add("gateway.webhooks.destinations.ledger.decisions", () -> "FRAUD");
        registry.add("gateway.webhooks.destinations.ledger.personal-fields", () -> "idFirstName,idLastName");
        registry.add("gateway.webhooks.read-timeout", () -> "500ms");
        registry.add("gateway.webhooks.backoff-initial", () -> "200ms");
        registry.add("gateway.webhooks.backoff-multiplier", () -> "2");
        registry.add("gateway.webhooks.backoff-max", () -> "2s");
        registry.add("gateway.webhooks.backoff-jitter", () -> "0.2");
        registry.add("gateway.webhooks.max-attempts", () -> "10");
        registry.add("gateway.webhooks.pause-after", () -> "2s");
        // one at a time: the order in which a resumed destination's backlog arrives is observable
        registry.add("gateway.webhooks.threads", () -> "1");
    }

    @AfterAll
    static void stopReceiver() {
        receiver.stop();
    }

    @BeforeEach
    void receiverAccepts() {
        receiver.resetAll();
        receiver.stubFor(WireMock.post(urlPathEqualTo("/crm")).atPriority(10).willReturn(aResponse().withStatus(204)));
        receiver.stubFor(WireMock.post(urlPathEqualTo("/ledger")).atPriority(10).willReturn(aResponse().withStatus(200)));
    }

    // --- signature ------------------------------------------------------------------------------------------------

    @Test
    void everyWebhookIsSignedWithBothSecretsAsStandardWebhooksSpecifies() throws Exception {
        String ref = ref("sig");
        assertThat(postFromJumio("/callbacks/netverify", callback(ref, "APPROVED_VERIFIED", 0), FORM).statusCode()).isEqualTo(200);
        ServeEvent request = awaitRequests("/crm", ref, 1).get(0);

        String id = request.getRequest().getHeader("webhook-id");
        String timestamp = request.getRequest().getHeader("webhook-timestamp");
        String signatures = request.getRequest().getHeader("webhook-signature");
        String body = request.getRequest().getBodyAsString();
        assertThat(id).isNotBlank();
        assertThat(Math.abs(Long.parseLong(timestamp) - Instant.now().getEpochSecond())).isLessThan(60);
        // written from https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md:
        // signed content = id.timestamp.body, key = base64-decoded part after whsec_, header = space-separated v1,<sig>
        List<String> presented = List.of(signatures.split(" "));
        assertThat(presented).hasSize(2).containsExactlyInAnyOrder(
                "v1," + independentSignature(OLD_SECRET, id, timestamp, body),
                "v1," + independentSignature(NEW_SECRET, id, timestamp, body));
        assertThat(presented).doesNotContain("v1," + independentSignature(LEDGER_SECRET, id, timestamp, body));
        // a tampered body does not verify
        assertThat(presented).doesNotContain("v1," + independentSignature(NEW_SECRET, id, timestamp, body + " "));
        assertThat(request.getRequest().getHeader("Content-Type")).startsWith("application/json");
        JsonNode payload = readJson(body);
        assertThat(payload.path("type").asText()).isEqualTo("verification.result");
        assertThat(payload.path("data").path("scanReference").asText()).isEqualTo(ref);
        assertThat(payload.path("data").path("status").asText()).isEqualTo("APPROVED_VERIFIED");
        assertThat(payload.path("data").path("decision").asText()).isEqualTo("APPROVED");
    }

    private static String independentSignature(String secret, String id, String timestamp, String body) throws Exception {
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        byte[] digest = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(digest);
    }

    // --- retries --------------------------------------------------------------------------------------------------

    @Test
    void serverErrorsAreRetriedWithExponentialBackoffAndTheSameWebhookId() {
        String ref = ref("retry500");
        failFirst(ref, 2, aResponse().withStatus(500));
        long retriesBefore = (long) metric("gateway.webhooks.retries", "destination=\"crm\"");
        postFromJumio("/callbacks/netverify", callback(ref, "APPROVED_VERIFIED", 0), FORM);

        List<ServeEvent> requests = awaitDelivered(ref, 3);
        List<Long> gaps = gaps(requests);
        // backoff 200 ms then 400 ms, each shortened by at most 20 % jitter (and lengthened by polling only)
        assertThat(gaps.get(0)).as("first wait").isBetween(150L, 1500L);
        assertThat(gaps.get(1)).as("second wait").isBetween(300L, 2000L);
        assertThat(gaps.get(1)).as("doubles").isGreaterThan(gaps.get(0));
        assertThat(requests.stream().map(e -> e.getRequest().getHeader("webhook-id")).distinct()).hasSize(1);
        // the delivery log has the three attempts with their status codes
        assertThat(jdbc.queryForList("SELECT a.status_code FROM delivery_attempt a JOIN delivery_outbox d"
                + " ON d.id = a.delivery_id WHERE d.scan_reference = ? AND d.destination = 'crm' ORDER BY a.attempt",
                Integer.class, ref)).containsExactly(500, 500, 204);
        assertThat(metric("gateway.webhooks.retries", "destination=\"crm\"") - retriesBefore).isEqualTo(2.0);
    }

    @Test
    void tooManyRequestsHonoursRetryAfter() {
        String ref = ref("retry429");
        failFirst(ref, 1, aResponse().withStatus(429).withHeader("Retry-After", "1"));
        postFromJumio("/callbacks/netverify", callback(ref, "APPROVED_VERIFIED", 0), FORM);

        List<ServeEvent> requests = awaitDelivered(ref, 2);
        // the backoff would have been 200 ms: the receiver asked for 1 s
        assertThat(gaps(requests).get(0)).isBetween(950L, 3000L);
    }

    @Test
    void aTimeoutIsRetried() {
        String ref = ref("timeout");
        // the first answer comes after 1.5 s, the read timeout is 500 ms
        failFirst(ref, 1, aResponse().withStatus(200).withFixedDelay(1500));
        postFromJumio("/callbacks/netverify", callback(ref, "APPROVED_VERIFIED", 0), FORM);

        List<ServeEvent> requests = awaitDelivered(ref, 2);
        // the read timeout (500 ms) then the backoff (160-200 ms)
        assertThat(gaps(requests).get(0)).isBetween(600L, 3000L);
        List<Map<String, Object>> attempts = jdbc.queryForList("SELECT a.status_code, a.error FROM delivery_attempt a"
                + " JOIN delivery_outbox d ON d.id = a.delivery_id WHERE d.scan_reference = ? AND d.destination = 'crm'"
                + " ORDER BY a.attempt", ref);
        assertThat(attempts.get(0).get("status_code")).isNull();
        assertThat(String.valueOf(attempts.get(0).get("error"))).containsIgnoringCase("timeout");
    }

    @Test
    void aRefusedConnectionIsRetriedAndAClientErrorIsPermanentThenRedeliveredWithTheSameId() throws Exception {
        String ref = ref("perm400");
        receiver.stubFor(WireMock.post(urlPathEqualTo("/crm")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.data.scanReference", WireMock.equalTo(ref)))
                .willReturn(aResponse().withStatus(400)));
        long failedBefore = (long) metric("gateway.webhooks.failed", "destination=\"crm\"");
        postFromJumio("/callbacks/netverify", callback(ref, "APPROVED_VERIFIED", 0), FORM);

        await().atMost(Duration.ofSeconds(20)).until(() -> "FAILED".equals(status(ref, "crm")));
        // nothing more is tried: one request, even after several backoff periods
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> requests("/crm", ref).size() == 1);
        assertThat(metric("gateway.webhooks.failed", "destination=\"crm\"") - failedBefore).isEqualTo(1.0);

        // the delivery log shows it with its last status code, without bodies
        JsonNode log = readJson(apiGet("/api/deliveries?destination=crm&status=FAILED").body());
        assertThat(log).hasSize(1);
        assertThat(log.get(0).path("scanReference").asText()).isEqualTo(ref);
        assertThat(log.get(0).path("attempts").asInt()).isEqualTo(1);
        assertThat(log.get(0).path("lastStatusCode").asInt()).isEqualTo(400);
        assertThat(log.get(0).has("payload")).isFalse();
        assertThat(apiGet("/api/deliveries?status=LOST").statusCode()).isEqualTo(400);

        // fixed at the receiver: redelivered with the same webhook-id
        receiver.resetAll();
        receiverAccepts();
        long id = log.get(0).path("id").asLong();
        assertThat(apiPost("/api/deliveries/" + id + "/redeliver").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> "DELIVERED".equals(status(ref, "crm")));
        assertThat(requests("/crm", ref).get(0).getRequest().getHeader("webhook-id"))
                .isEqualTo(log.get(0).path("messageId").asText());
        assertThat(apiPost("/api/deliveries/999999/redeliver").statusCode()).isEqualTo(404);
    }

    // --- payload --------------------------------------------------------------------------------------------------

    @Test
    void noPersonalFieldReachesADestinationThatDidNotListIt() {
        String ref = ref("personal");
        postFromJumio("/callbacks/netverify", callback(ref, "DENIED_FRAUD", 0), FORM);

        String crm = awaitRequests("/crm", ref, 1).get(0).getRequest().getBodyAsString();
        String ledger = awaitRequests("/ledger", ref, 1).get(0).getRequest().getBodyAsString();
        // the default payload: references, status, decision, reject reason, timings; nothing personal
        assertThat(crm).contains(ref, "DENIED_FRAUD", "FRAUD", "merchant-ref-1")
                .doesNotContain(FIRST, LAST, DOB, ID_NUMBER, "idFirstName", "idNumber", "127.0.0.9");
        // the ledger listed first and last name: those, and nothing else personal
        JsonNode data = readJson(ledger).path("data");
        assertThat(data.path("idFirstName").asText()).isEqualTo(FIRST);
        assertThat(data.path("idLastName").asText()).isEqualTo(LAST);
        assertThat(ledger).doesNotContain(DOB, ID_NUMBER, "127.0.0.9");
        // the ledger wants FRAUD only: an approved result is not sent there
        String approved = ref("approved");
        postFromJumio("/callbacks/netverify", callback(approved, "APPROVED_VERIFIED", 0), FORM);
        awaitRequests("/crm", approved, 1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM delivery_outbox WHERE scan_reference = ? AND destination = 'ledger'",
                Long.class, approved)).isZero();
    }

    // --- ordering ---------------------------------------------------------------------------------------------------

    @Test
    void anOlderResultNeverOvertakesANewerOneOfTheSameScanWhileItIsRetried() {
        String ref = ref("order");
        // the older version fails twice (retried for ~600 ms), the newer one would be accepted at once
        receiver.stubFor(WireMock.post(urlPathEqualTo("/crm")).atPriority(1).inScenario("older")
                .whenScenarioStateIs(STARTED)
                .withRequestBody(matchingJsonPath("$.data.status", WireMock.equalTo("ERROR_NOT_READABLE_ID")))
                .willReturn(aResponse().withStatus(503)).willSetStateTo("failed-once"));
        receiver.stubFor(WireMock.post(urlPathEqualTo("/crm")).atPriority(1).inScenario("older")
                .whenScenarioStateIs("failed-once")
                .withRequestBody(matchingJsonPath("$.data.status", WireMock.equalTo("ERROR_NOT_READABLE_ID")))
                .willReturn(aResponse().withStatus(503)).willSetStateTo("failed-twice"));
        postFromJumio("/callbacks/netverify", callback(ref, "ERROR_NOT_READABLE_ID", 0), FORM);
        awaitRequests("/crm", ref, 1);
        // the newer version arrives while the older one waits for its retry
        postFromJumio("/callbacks/netverify", callback(ref, "APPROVED_VERIFIED", 60), FORM);

        List<ServeEvent> requests = awaitRequests("/crm", ref, 4);
        List<String> statuses = requests.stream().map(e -> readJson(e.getRequest().getBodyAsString())
                .path("data").path("status").asText()).toList();
        assertThat(statuses).containsExactly("ERROR_NOT_READABLE_ID", "ERROR_NOT_READABLE_ID", "ERROR_NOT_READABLE_ID",
                "APPROVED_VERIFIED");
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM delivery_outbox WHERE scan_reference = ? AND status = 'DELIVERED' AND destination = 'crm'",
                Long.class, ref) == 2);
    }

    /**
     * The claim walks a destination's waiting rows a page at a time (4 per row of a batch: 200 here): a due row
     * behind more than a page of rows in backoff is still found, and a row whose scan has an older one in backoff on
     * an earlier page still waits.
     */
    @Test
    void aDueDeliveryBehindMoreThanAPageOfRetriesIsSentAndScanOrderHoldsAcrossPages() {
        String prefix = ref("backoff");
        Instant now = Instant.now();
        List<Object[]> waiting = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            waiting.add(new Object[] {"msg_" + prefix + i, prefix + "-" + i, java.sql.Timestamp.from(now.plusSeconds(3600)),
                    java.sql.Timestamp.from(now)});
        }
        // the newer result of the first waiting scan: due, but behind its scan's older row (page 1)
        waiting.add(new Object[] {"msg_" + prefix + "newer", prefix + "-0", java.sql.Timestamp.from(now), java.sql.Timestamp.from(now)});
        String insert = "INSERT INTO delivery_outbox (message_id, destination, channel, scan_reference, status, attempts,"
                + " next_attempt_at, payload, created_at) VALUES (?, 'crm', 'WEBHOOK', ?, 'PENDING', 1, ?, '{}', ?)";
        try {
            jdbc.batchUpdate(insert, waiting);
            String ref = ref("after-retries");
            postFromJumio("/callbacks/netverify", callback(ref, "APPROVED_VERIFIED", 0), FORM);
            awaitDelivered(ref, 1);
            assertThat(jdbc.queryForObject("SELECT status FROM delivery_outbox WHERE message_id = ?", String.class,
                    "msg_" + prefix + "newer")).isEqualTo("PENDING");
            assertThat(receiver.getAllServeEvents()).noneMatch(e -> e.getRequest().getBodyAsString().contains(prefix));
        } finally {
            jdbc.update("DELETE FROM delivery_outbox WHERE message_id LIKE ?", "msg_" + prefix + "%");
        }
    }

    /**
     * A claim's walk starts past the rows that were finished at the last walk; a delivery sent again through another
     * instance (PENDING again under its old id, and this instance not woken) is still found, by the full walk that
     * runs every {@code DeliveryOutbox.FULL_WALK_EVERY} (10 s).
     */
    @Test
    void aDeliveryQueuedAgainByAnotherInstanceIsFoundBelowWhereTheWalkStarts() {
        String older = ref("again");
        postFromJumio("/callbacks/netverify", callback(older, "APPROVED_VERIFIED", 0), FORM);
        awaitDelivered(older, 1);
        String newer = ref("since");
        postFromJumio("/callbacks/netverify", callback(newer, "APPROVED_VERIFIED", 0), FORM);
        awaitDelivered(newer, 1);
        // what POST /api/deliveries/{id}/redeliver does, as another instance would do it
        assertThat(jdbc.update("UPDATE delivery_outbox SET status = 'PENDING', attempts = 0, next_attempt_at = ?,"
                + " claimed_until = NULL, claimed_by = NULL, delivered_at = NULL WHERE scan_reference = ? AND destination = 'crm'",
                java.sql.Timestamp.from(Instant.now()), older)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(25)).pollInterval(Duration.ofMillis(100))
                .until(() -> requests("/crm", older).size() == 2 && "DELIVERED".equals(status(older, "crm")));
    }

    /**
     * PostgreSQL: a claim writes the row's new version on its own page with no index entry (a HOT update), because
     * V20 leaves room on the pages of new rows. Rows queued together fill their pages: without that room about one
     * claim in sixteen is HOT. (The DELIVERED mark never is: it changes the status the partial indexes select on.)
     */
    @Test
    void onPostgreSqlAClaimAddsNoIndexEntry() {
        assumeTrue(SqlValues.isPostgres(jdbc), "PostgreSQL only");
        String prefix = ref("hot");
        Instant now = Instant.now();
        String payload = "{\"pad\":\"" + "x".repeat(480) + "\"}";
        List<Object[]> queued = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            queued.add(new Object[] {"msg_" + prefix + i, prefix + "-" + i, java.sql.Timestamp.from(now), payload,
                    java.sql.Timestamp.from(now)});
        }
        long before = hotUpdates();
        try {
            // one batch, as a burst of results is queued: the rows fill their pages one after another
            jdbc.batchUpdate("INSERT INTO delivery_outbox (message_id, destination, channel, scan_reference, status,"
                    + " next_attempt_at, payload, created_at) VALUES (?, 'crm', 'WEBHOOK', ?, 'PENDING', ?, ?, ?)", queued);
            await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM delivery_outbox"
                    + " WHERE message_id LIKE ? AND status = 'DELIVERED'", Integer.class, "msg_" + prefix + "%") == 300);
            // the statistics reach pg_stat_user_tables within seconds of the sender's transactions
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> hotUpdates() - before >= 300);
        } finally {
            jdbc.update("DELETE FROM delivery_outbox WHERE message_id LIKE ?", "msg_" + prefix + "%");
        }
    }

    private long hotUpdates() {
        return jdbc.queryForObject("SELECT n_tup_hot_upd FROM pg_stat_user_tables WHERE relid = 'delivery_outbox'::regclass",
                Long.class);
    }

    // --- a forced stop between the POST and its record -----------------------------------------------------------

    @Test
    void aPostAcceptedAsAForcedStopCutsTheRouteIsStillRecordedDelivered() throws Exception {
        // the sender loop is stopped: this test claims the delivery and plays the sender's steps itself
        camelContext.getRouteController().stopRoute("webhook-delivery");
        List<ClaimedDelivery> claimed = new ArrayList<>();
        try {
            String ref = ref("cut");
            postFromJumio("/callbacks/netverify", callback(ref, "APPROVED_VERIFIED", 0), FORM);
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                claimed.addAll(deliveryOutbox.claim());
                return claimed.stream().anyMatch(d -> ref.equals(d.scanReference()));
            });
            ClaimedDelivery delivery = claimed.stream().filter(d -> ref.equals(d.scanReference())).findFirst().orElseThrow();
            Exchange exchange = new DefaultExchange(camelContext);
            exchange.setProperty(ExchangeNames.DELIVERY, delivery);
            assertThat(deliveryOutbox.claimLost(delivery, exchange)).as("claim-taken-over").isFalse();
            // post-delivery: the receiver accepted it; then the forced end of a shutdown refuses mark-delivered
            exchange.getMessage().setBody(new DeliveryAnswer(204, null, null, 3));
            exchange.getMessage().setHeader(ExchangeNames.DELIVERY_OUTCOME, "DELIVERED");
            endCutByForcedStop(exchange);
            // the heartbeat writes the DELIVERED marks that wait in memory
            deliveryOutbox.renewHeld();

            assertThat(jdbc.queryForObject("SELECT status FROM delivery_outbox WHERE id = ?", String.class, delivery.id()))
                    .as("recorded: a hand-over does not give it to a peer to post again").isEqualTo("DELIVERED");
            assertThat(deliveryOutbox.claimTable().holds(delivery.id())).isFalse();
        } finally {
            // anything else this test claimed goes back to the sender loop
            claimed.forEach(d -> deliveryOutbox.claimTable().forget(d.id()));
            deliveryOutbox.claimTable().releaseOwnClaims();
            camelContext.getRouteController().startRoute("webhook-delivery");
        }
    }

    // --- replay -----------------------------------------------------------------------------------------------------

    @Test
    void replaySinceATimeSendsExactlyTheResultsStoredSinceThen() {
        List<String> before = List.of(ref("before-1"), ref("before-2"));
        List<String> after = List.of(ref("after-1"), ref("after-2"), ref("after-3"), ref("after-4"), ref("after-5"));
        for (String ref : before) {
            postFromJumio("/callbacks/netverify", callback(ref, "APPROVED_VERIFIED", 0), FORM);
        }
        for (String ref : before) {
            awaitRequests("/crm", ref, 1);
        }
        Instant since = Instant.now();
        for (String ref : after) {
            postFromJumio("/callbacks/netverify", callback(ref, "APPROVED_VERIFIED", 0), FORM);
        }
        for (String ref : after) {
            awaitRequests("/crm", ref, 1);
        }

        // pages of two: the replay reads the history a page at a time and must neither skip nor repeat at the seams
        Object pageSize = ReflectionTestUtils.getField(webhookDestinations, "replayPageSize");
        ReflectionTestUtils.setField(webhookDestinations, "replayPageSize", 2);
        HttpResponse<String> replay;
        try {
            replay = apiPost("/api/destinations/crm/replay?since=" + since);
        } finally {
            ReflectionTestUtils.setField(webhookDestinations, "replayPageSize", pageSize);
        }
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(readJson(replay.body()).path("queued").asInt()).isEqualTo(after.size());
        for (String ref : after) {
            List<ServeEvent> twice = awaitRequests("/crm", ref, 2);
            // a new delivery: a new webhook-id, so the recovering receiver does not drop it as a repeat
            assertThat(twice.stream().map(e -> e.getRequest().getHeader("webhook-id")).distinct()).hasSize(2);
        }
        // once more each: the replay queued every result exactly once
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM delivery_outbox WHERE status <> 'DELIVERED'", Long.class) == 0);
        for (String ref : after) {
            assertThat(requests("/crm", ref)).as(ref).hasSize(2);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM delivery_outbox WHERE status <> 'DELIVERED'", Long.class) == 0);
        for (String ref : before) {
            assertThat(requests("/crm", ref)).as(ref).hasSize(1);
        }
        assertThat(apiPost("/api/destinations/nowhere/replay?since=" + since).statusCode()).isEqualTo(404);
        assertThat(apiPost("/api/destinations/crm/replay?since=yesterday").statusCode()).isEqualTo(400);
    }

    // --- pause and resume -------------------------------------------------------------------------------------------

    @Test
    void aDestinationFailingForThePauseTimeIsPausedWithAnAlertAndResumesFromTheOldestUndelivered() {
        receiver.stubFor(WireMock.post(urlPathEqualTo("/crm")).atPriority(1).willReturn(aResponse().withStatus(502)));
        String first = ref("pause-1");
        postFromJumio("/callbacks/netverify", callback(first, "APPROVED_VERIFIED", 0), FORM);

        // failing for 2 s (pause-after) without a success: paused, and an operations alert is queued
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> destination("crm").path("paused").asBoolean());
        assertThat(jdbc.queryForList("SELECT rule FROM alert_outbox WHERE category = 'OPERATIONS'", String.class))
                .containsExactly("delivery-destination-paused");
        assertThat(status(first, "crm")).isEqualTo("PENDING");

        // while paused, more results queue up and nothing is sent
        List<String> later = List.of(ref("pause-2"), ref("pause-3"));
        for (String ref : later) {
            postFromJumio("/callbacks/netverify", callback(ref, "APPROVED_VERIFIED", 0), FORM);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM delivery_outbox WHERE destination = 'crm' AND status = 'PENDING'", Long.class) == 3);
        int sentWhilePaused = receiver.getAllServeEvents().size();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> receiver.getAllServeEvents().size() == sentWhilePaused);
        assertThat(destination("crm").path("pending").asInt()).isEqualTo(3);

        // the receiver is fixed; resumed, the whole backlog goes out from the oldest undelivered, nothing lost or
        // doubled (claimed oldest first; results of different scans are sent in parallel, so they may arrive in any
        // order: only one scan's results keep theirs)
        receiver.resetAll();
        receiverAccepts();
        assertThat(apiPost("/api/destinations/crm/resume").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.getAllServeEvents().size() >= 3);
        List<String> delivered = receiver.getAllServeEvents().stream()
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                .map(e -> readJson(e.getRequest().getBodyAsString()).path("data").path("scanReference").asText()).toList();
        assertThat(delivered).containsExactlyInAnyOrder(first, later.get(0), later.get(1));
        assertThat(destination("crm").path("paused").asBoolean()).isFalse();
    }

    // --- helpers ----------------------------------------------------------------------------------------------------

    private JsonNode destination(String name) {
        for (JsonNode d : readJson(apiGet("/api/destinations").body())) {
            if (name.equals(d.path("name").asText())) {
                return d;
            }
        }
        throw new AssertionError("no destination " + name);
    }

    private String status(String ref, String destination) {
        List<String> statuses = jdbc.queryForList("SELECT status FROM delivery_outbox WHERE scan_reference = ?"
                + " AND destination = ?", String.class, ref, destination);
        return statuses.isEmpty() ? null : statuses.get(0);
    }

    /** The first {@code failures} requests for this scan get {@code answer}, the rest the default 204. */
    private static void failFirst(String ref, int failures, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer) {
        String state = STARTED;
        for (int i = 1; i <= failures; i++) {
            String next = "failed-" + i;
            receiver.stubFor(WireMock.post(urlPathEqualTo("/crm")).atPriority(1).inScenario(ref).whenScenarioStateIs(state)
                    .withRequestBody(matchingJsonPath("$.data.scanReference", WireMock.equalTo(ref)))
                    .willReturn(answer).willSetStateTo(next));
            state = next;
        }
    }

    private List<ServeEvent> awaitDelivered(String ref, int requests) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> "DELIVERED".equals(status(ref, "crm")));
        List<ServeEvent> events = requests("/crm", ref);
        assertThat(events).hasSize(requests);
        return events;
    }

    private static List<ServeEvent> awaitRequests(String path, String ref, int count) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> requests(path, ref).size() >= count);
        return requests(path, ref);
    }

    /** Requests the receiver got at the path for the scan, oldest first. */
    static List<ServeEvent> requests(String path, String ref) {
        return receiver.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().equals(path))
                .filter(e -> e.getRequest().getBodyAsString().contains("\"" + ref + "\""))
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                .toList();
    }

    private static List<Long> gaps(List<ServeEvent> events) {
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < events.size(); i++) {
            gaps.add(events.get(i).getRequest().getLoggedDate().getTime() - events.get(i - 1).getRequest().getLoggedDate().getTime());
        }
        return gaps;
    }

    private static String ref(String name) {
        return "wh-" + name + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    /** A Netverify callback with personal fields; {@code minutes} moves its callbackDate (a later version). */
    static String callback(String ref, String status, int minutes) {
        String date = Instant.parse("2024-05-01T08:00:00Z").plusSeconds(minutes * 60L).toString().replace(":", "%3A");
        return "jumioIdScanReference=" + ref + "&verificationStatus=" + status + "&idScanStatus="
                + ("APPROVED_VERIFIED".equals(status) ? "SUCCESS" : "ERROR") + "&idType=PASSPORT&idCountry=AUT"
                + "&idFirstName=" + FIRST + "&idLastName=" + LAST + "&idDob=" + DOB + "&idNumber=" + ID_NUMBER
                + "&clientIp=127.0.0.9&merchantIdScanReference=merchant-ref-1"
                + "&transactionDate=2024-05-01T07%3A55%3A00.000Z&callbackDate=" + date;
    }

    static String sha(String s) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(s.getBytes()));
    }
}
