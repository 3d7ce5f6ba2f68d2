package com.jumiogateway.durability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.jumiogateway.reconciliation.JumioApiProperties.DataCenter;
import com.jumiogateway.reconciliation.PendingTransactions;
import com.jumiogateway.reconciliation.PendingTransactions.Registration;
import com.jumiogateway.result.CallbackKind;
import com.jumiogateway.support.CuttableDatabase;
import com.jumiogateway.support.GatewayInstance;
import com.jumiogateway.support.JumioFake;
import com.jumiogateway.support.ServiceProcess;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * An instance told to stop (SIGTERM, as an orchestrator does in a rolling update) while it holds work: a child JVM
 * ("leaving") and a peer ("staying") share one database (H2 over TCP, PostgreSQL when GATEWAY_DB_URL is set), a
 * retrieval backlog and a stream of callbacks. Leases are a minute long, so a row taken by the peer within seconds
 * was handed over, not left to expire. Nothing acknowledged is lost and every transaction is polled.
 */
class ShutdownHandOverTest {

    static final String SCANS = "/api/netverify/v2/scans/";
    static final int TRANSACTIONS = 60;
    static final String DOWNSTREAM = "/downstream";

    @Test
    void aStoppingInstanceHandsWhatItHoldsToAPeerAtOnceAndLosesNothing() throws Exception {
        Path workDir = Files.createDirectories(Path.of("target/hand-over/run-" + System.nanoTime()).toAbsolutePath());
        JumioFake jumio = new JumioFake();
        jumio.server.stubFor(get(urlPathMatching(SCANS + "[^/]+")).willReturn(aResponse().withStatus(200)
                .withFixedDelay(400).withHeader("Content-Type", "application/json")
                .withBody("{\"timestamp\":\"{{now}}\",\"scanReference\":\"{{request.pathSegments.[4]}}\",\"status\":\"PENDING\"}")
                .withTransformers("response-template")));
        // a downstream system taking each result as a webhook: a receiver at the leaving instance's hand-over
        jumio.server.stubFor(post(urlPathEqualTo(DOWNSTREAM)).willReturn(aResponse().withStatus(204).withFixedDelay(1000)));
        try (CuttableDatabase database = CuttableDatabase.start("hand-over")) {
            Map<String, String> settings = new HashMap<>();
            jumio.settings().forEach((name, value) -> settings.put(name, value.toString()));
            settings.put("spring.datasource.url", database.url());
            // two pools on a PostgreSQL other tests share
            settings.put("spring.datasource.hikari.maximum-pool-size", "10");
            // a minute: a claim taken over within seconds was handed over, not expired
            settings.put("gateway.claim-lease", "PT60S");
            settings.put("gateway.reconciliation.poll-delay-ms", "100");
            settings.put("gateway.reconciliation.schedule-seconds", "1");
            settings.put("gateway.reconciliation.daily-retry-days", "0");
            settings.put("gateway.reconciliation.grace", "PT0S");
            settings.put("gateway.reconciliation.threads", "1");
            settings.put("gateway.reconciliation.batch-size", "10");
            settings.put("gateway.reconciliation.max-requests-per-second", "20");
            settings.put("gateway.webhooks.allow-insecure", "true");
            settings.put("gateway.webhooks.destinations.downstream.url", jumio.baseUrl() + DOWNSTREAM);
            settings.put("gateway.webhooks.destinations.downstream.secret",
                    "whsec_" + java.util.Base64.getEncoder().encodeToString("hand-over-test-key-0123456789".getBytes()));

            Map<String, String> leavingSettings = new HashMap<>(settings);
            leavingSettings.put("gateway.instance-id", "leaving");
            // it finishes what it can in two seconds and hands over the rest (Jumio answers in 400 ms, one at a time)
            leavingSettings.put("camel.main.shutdown-timeout", "2");
            try (ServiceProcess leaving = ServiceProcess.start(workDir, "leaving.log", leavingSettings)) {
                leaving.awaitReady();
                Map<String, Object> stayingSettings = new HashMap<>(settings);
                stayingSettings.put("gateway.instance-id", "staying");
                // room to take over the leaving instance's work at once
                stayingSettings.put("gateway.reconciliation.threads", "8");
                try (GatewayInstance staying = GatewayInstance.start(stayingSettings)) {
                    JdbcTemplate jdbc = staying.jdbc();
                    List<String> refs = backlog(staying);

                    // Jumio keeps sending callbacks to the leaving instance while it stops
                    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
                    Map<Integer, Integer> answers = new ConcurrentHashMap<>();
                    AtomicBoolean sending = new AtomicBoolean(true);
                    AtomicInteger sent = new AtomicInteger();
                    Thread jumioSender = new Thread(() -> {
                        while (sending.get()) {
                            String reference = String.format("4c000000-0000-4000-8000-%012d", sent.getAndIncrement());
                            // -1: refused connection, the port is closed
                            int status = leaving.postCallbackOrMinusOne(CrashRecoveryTest.callback(reference));
                            answers.merge(status, 1, Integer::sum);
                            if (status == 200) {
                                acknowledged.add(reference);
                            }
                        }
                    }, "jumio-sender");
                    jumioSender.start();

                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
                            heldBy(jdbc, "leaving").size() >= 10 && acknowledged.size() >= 20);
                    List<String> held = heldBy(jdbc, "leaving");
                    leaving.terminate();
                    int exit = leaving.awaitExit(Duration.ofSeconds(60));
                    Instant exited = Instant.now();
                    sending.set(false);
                    jumioSender.join();
                    System.out.printf("leaving held %d transactions at SIGTERM; exit code %d; callbacks answered %s%n",
                            held.size(), exit, answers);
                    assertThat(exit).as("a graceful exit after SIGTERM (128 + 15)").isEqualTo(143);

                    // handed over: nothing still claimed by the leaving instance, its rows taken by the peer at once
                    assertThat(heldBy(jdbc, "leaving")).as("claims left by the stopped instance").isEmpty();
                    // and no lease of it left in any queue: inbox, alert outbox, delivery outbox
                    Timestamp now = Timestamp.from(Instant.now());
                    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox WHERE claimed_by = 'leaving'"
                            + " AND status = 'CLAIMED' AND claimed_until > ?", Long.class, now))
                            .as("callbacks still leased to the stopped instance").isZero();
                    for (String outbox : List.of("alert_outbox", "delivery_outbox")) {
                        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM " + outbox + " WHERE claimed_by = 'leaving'"
                                + " AND status = 'PENDING' AND claimed_until IS NOT NULL", Long.class))
                                .as(outbox + " rows still leased to the stopped instance").isZero();
                    }
                    // callbacks it had claimed and given back are processed by the peer at once
                    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() ->
                            jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox WHERE claimed_by = 'leaving'"
                                    + " AND status = 'CLAIMED'", Long.class) == 0);
                    java.util.regex.Matcher handedOver = java.util.regex.Pattern
                            .compile("Pending transactions: (\\d+) claims handed over at shutdown")
                            .matcher(Files.readString(workDir.resolve("leaving.log")));
                    assertThat(handedOver.find()).as("the leaving instance handed over what it could not finish").isTrue();
                    System.out.printf("of them %s were handed over unfinished%n", handedOver.group(1));
                    assertThat(Integer.parseInt(handedOver.group(1))).isPositive();
                    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() ->
                            jdbc.queryForObject("SELECT COUNT(*) FROM pending_transaction WHERE claimed_by IS NULL"
                                    + " AND state = 'PENDING' AND scan_reference LIKE '4b000000-%'", Long.class) == 0);
                    System.out.printf("every released transaction taken by the peer %d ms after the exit%n",
                            Duration.between(exited, Instant.now()).toMillis());

                    // nothing lost: every transaction polled (at least once, at most once more if in flight),
                    // every callback answered 200 stored
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                            jdbc.queryForObject("SELECT COUNT(*) FROM pending_transaction WHERE state = 'UNRESOLVED'"
                                    + " AND scan_reference LIKE '4b000000-%'", Long.class) == TRANSACTIONS);
                    Map<String, Long> requestsPerScan = jumio.server.getAllServeEvents().stream()
                            .filter(e -> e.getRequest().getUrl().startsWith(SCANS)).map(ShutdownHandOverTest::scan).collect(Collectors.groupingBy(s -> s, Collectors.counting()));
                    assertThat(requestsPerScan.keySet()).containsExactlyInAnyOrderElementsOf(refs);
                    assertThat(requestsPerScan.values()).allSatisfy(count -> assertThat(count).isBetween(1L, 2L));
                    assertThat(answers.keySet()).as("answers to callbacks: 200, 503 while stopping, or a closed port")
                            .isSubsetOf(200, 503, -1).contains(503);
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                            jdbc.queryForObject("SELECT COUNT(*) FROM verification_result WHERE scan_reference LIKE"
                                    + " '4c000000-%'", Long.class) >= acknowledged.size());
                    List<String> stored = jdbc.queryForList(
                            "SELECT scan_reference FROM verification_result WHERE scan_reference LIKE '4c000000-%'",
                            String.class);
                    assertThat(stored).as("callbacks answered 200").containsAll(acknowledged);

                    // every result reached the downstream system, and none twice: deliveries the receiver had
                    // accepted but the leaving instance had not marked yet were marked (or kept), not given to the
                    // peer to send again. Only a POST cut off by the forced end of the graceful stop may be repeated
                    // (recorded as a failed attempt, or logged "not sent" or "cut off" by the leaving instance), with
                    // the same webhook-id.
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                            jdbc.queryForObject("SELECT COUNT(*) FROM delivery_outbox WHERE status <> 'DELIVERED'",
                                    Long.class) == 0);
                    Map<String, Long> postsPerWebhookId = jumio.server.getAllServeEvents().stream()
                            .filter(e -> e.getRequest().getUrl().equals(DOWNSTREAM))
                            .collect(Collectors.groupingBy(e -> e.getRequest().getHeader("webhook-id"),
                                    Collectors.counting()));
                    List<String> messageIds = jdbc.queryForList("SELECT message_id FROM delivery_outbox",
                            String.class);
                    assertThat(postsPerWebhookId.keySet()).containsExactlyInAnyOrderElementsOf(messageIds);
                    Set<String> cutOff = new java.util.HashSet<>();
                    java.util.regex.Matcher notSent = java.util.regex.Pattern
                            .compile("Delivery (\\d+) to downstream (not sent|cut off by the forced end)")
                            .matcher(Files.readString(workDir.resolve("leaving.log")));
                    while (notSent.find()) {
                        cutOff.addAll(jdbc.queryForList("SELECT message_id FROM delivery_outbox WHERE id = ?",
                                String.class, Long.parseLong(notSent.group(1))));
                    }
                    cutOff.addAll(jdbc.queryForList("SELECT o.message_id FROM delivery_outbox o JOIN delivery_attempt a"
                            + " ON a.delivery_id = o.id WHERE a.status_code IS NULL OR a.status_code >= 300", String.class));
                    List<String> repeated = postsPerWebhookId.entrySet().stream().filter(e -> e.getValue() > 1)
                            .map(Map.Entry::getKey).toList();
                    System.out.printf("%d results delivered downstream (by instance: %s); repeated: %d (cut off at the"
                            + " forced stop: %d)%n", messageIds.size(), jdbc.queryForList("SELECT claimed_by, COUNT(*) AS n"
                            + " FROM delivery_outbox GROUP BY claimed_by"), repeated.size(), cutOff.size());
                    assertThat(postsPerWebhookId.values()).allSatisfy(n -> assertThat(n).isBetween(1L, 2L));
                    assertThat(cutOff).as("deliveries received twice").containsAll(repeated);
                }
            }
        } finally {
            jumio.stop();
        }
    }

    private static List<String> backlog(GatewayInstance instance) {
        PendingTransactions registry = instance.bean(PendingTransactions.class);
        Instant initiatedAt = Instant.now().minus(Duration.ofMinutes(46));
        List<String> refs = new ArrayList<>();
        for (int i = 0; i < TRANSACTIONS; i++) {
            String ref = String.format("4b000000-0000-4000-8000-%012d", i);
            refs.add(ref);
            registry.register(new Registration(ref, CallbackKind.NETVERIFY, DataCenter.US, "REGISTERED", "order",
                    "user", initiatedAt, 30));
        }
        return refs;
    }

    private static List<String> heldBy(JdbcTemplate jdbc, String instance) {
        return jdbc.queryForList("SELECT scan_reference FROM pending_transaction WHERE claimed_by = ? AND state = 'PENDING'"
                + " AND scan_reference LIKE '4b000000-%'",
                String.class, instance);
    }

    private static String scan(ServeEvent event) {
        return URI.create(event.getRequest().getUrl()).getPath().substring(SCANS.length());
    }
}
