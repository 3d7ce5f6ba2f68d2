package com.jumiogateway.routes;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.jumiogateway.GatewayApplication;
import com.jumiogateway.support.GatewayInstance;
import com.jumiogateway.support.GatewayTestSupport;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Webhook delivery by several instances on one database (PostgreSQL when GATEWAY_DB_URL is set, else H2): each outbox
 * row reaches the receiver once; and a sending instance killed with SIGKILL in the middle of deliveries leads to at
 * most one repeat per webhook-id (the deliveries that were in flight), sent by the instance that takes over.
 */
class WebhookTwoInstancesTest {

    static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("two-instances-secret-key".getBytes());
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final WireMockServer receiver = new WireMockServer(options().dynamicPort().containerThreads(40));
    private final List<Process> started = new ArrayList<>();
    private final List<GatewayInstance> instances = new ArrayList<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        for (GatewayInstance instance : instances) {
            instance.close();
        }
        for (Process process : started) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        receiver.stop();
    }

    @Test
    void twoInstancesDeliverEachOutboxRowOnce() {
        receiver.start();
        receiver.stubFor(WireMock.post(urlPathEqualTo("/crm")).willReturn(aResponse().withStatus(200).withFixedDelay(20)));
        String database = GatewayInstance.sharedDatabaseUrl("shared-webhooks");
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("gateway.webhooks.destinations.crm.url", "http://127.0.0.1:" + receiver.port() + "/crm");
        settings.put("gateway.webhooks.destinations.crm.secret", SECRET);
        settings.put("gateway.webhooks.batch-size", "10");
        settings.put("gateway.webhooks.poll-delay-ms", "20");
        settings.put("camel.main.name", "gateway-one");
        GatewayInstance first = GatewayInstance.start(database, settings);
        instances.add(first);
        first.emptyTables();
        settings.put("camel.main.name", "gateway-two");
        GatewayInstance second = GatewayInstance.start(database, settings);
        instances.add(second);

        int results = 200;
        String run = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < results; i++) {
            GatewayInstance to = i % 2 == 0 ? first : second;
            assertThat(to.postCallback("/callbacks/netverify",
                    WebhookDeliveryTest.callback("two-" + run + "-" + i, "APPROVED_VERIFIED", 0)).statusCode()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() ->
                first.jdbc().queryForObject("SELECT COUNT(*) FROM delivery_outbox WHERE status = 'DELIVERED'", Long.class) == results);

        Map<String, Long> perId = countsPerWebhookId(receiver.getAllServeEvents());
        assertThat(perId).hasSize(results);
        assertThat(perId.values()).as("each outbox row delivered once").allMatch(count -> count == 1);
        assertThat(first.jdbc().queryForObject("SELECT COUNT(*) FROM delivery_outbox", Long.class)).isEqualTo(results);
        assertThat(first.jdbc().queryForList("SELECT DISTINCT attempts FROM delivery_outbox", Integer.class))
                .as("each row claimed once").containsExactly(1);
    }

    @Test
    void aSenderKilledMidDeliveryRepeatsAtMostTheDeliveriesInFlightOnceWithTheSameWebhookId() throws Exception {
        receiver.start();
        // slow answers: at any moment several deliveries are in flight
        receiver.stubFor(WireMock.post(urlPathEqualTo("/crm")).willReturn(aResponse().withStatus(200).withFixedDelay(1500)));
        Path project = Path.of("").toAbsolutePath();
        Path workDir = Files.createDirectories(project.resolve("target/webhook-kill/run-" + System.nanoTime()));
        String run = UUID.randomUUID().toString().substring(0, 8);
        int results = 40;

        int port = freePort();
        Process sender = start(project, workDir, port, "webhook-a", "sender.log");
        awaitReady(sender, port);
        List<String> refs = new ArrayList<>();
        for (int i = 0; i < results; i++) {
            String ref = "kill-" + run + "-" + i;
            refs.add(ref);
            assertThat(postCallback(port, WebhookDeliveryTest.callback(ref, "APPROVED_VERIFIED", 0))).isEqualTo(200);
        }
        // mid-delivery: some answered, more in flight, the rest claimed and waiting
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                .until(() -> ours(run).size() >= 12);
        sender.destroyForcibly();
        assertThat(sender.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(sender.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        int beforeKill = ours(run).size();
        assertThat(beforeKill).isLessThan(results);

        // another instance on the same database takes the killed one's claims over once their lease ran out
        int secondPort = freePort();
        Process survivor = start(project, workDir, secondPort, "webhook-b", "survivor.log");
        awaitReady(survivor, secondPort);
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .until(() -> countsPerWebhookId(ours(run)).size() == results && delivered(secondPort, run) == results);

        Map<String, Long> perId = countsPerWebhookId(ours(run));
        assertThat(perId).hasSize(results);
        assertThat(perId.values()).as("at most one repeat per webhook-id").allMatch(count -> count <= 2);
        long repeated = perId.values().stream().filter(count -> count == 2).count();
        System.out.printf("kill -9 with %d of %d requests received: %d webhook-ids delivered twice%n", beforeKill, results,
                repeated);
        // only deliveries in flight at the kill, or accepted and not yet marked DELIVERED (at most one per sender thread each)
        assertThat(repeated).as("repeated deliveries").isLessThanOrEqualTo(16);
        // every scan's result reached the receiver, each under one webhook-id
        Set<String> scans = ours(run).stream().map(WebhookTwoInstancesTest::scanOf).collect(Collectors.toSet());
        assertThat(scans).containsExactlyInAnyOrderElementsOf(refs);
    }

    private static String scanOf(ServeEvent event) {
        String body = event.getRequest().getBodyAsString();
        int at = body.indexOf("\"scanReference\":\"") + "\"scanReference\":\"".length();
        return body.substring(at, body.indexOf('"', at));
    }

    private List<ServeEvent> ours(String run) {
        return receiver.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getBodyAsString().contains("kill-" + run + "-")).toList();
    }

    private static Map<String, Long> countsPerWebhookId(List<ServeEvent> events) {
        return events.stream().collect(Collectors.groupingBy(e -> e.getRequest().getHeader("webhook-id"), Collectors.counting()));
    }

    private static long delivered(int port, String run) {
        HttpResponse<String> answer = api(port, "/api/deliveries?destination=crm&status=DELIVERED");
        if (answer == null || answer.statusCode() != 200) {
            return -1;
        }
        return Arrays.stream(answer.body().split("\"scanReference\":\"")).filter(s -> s.startsWith("kill-" + run + "-")).count();
    }

    /** The service as shipped in its own JVM (like CrashRecoveryTest): killing it is a real SIGKILL. */
    private Process start(Path project, Path workDir, int port, String instanceId, String log) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !Path.of(entry).endsWith("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = List.of(java, "-Xmx384m", "-cp", classpath,
                GatewayApplication.class.getName(),
                "--spring.config.additional-location=file:" + project.resolve("config") + "/",
                "--camel.main.routes-include-pattern=file:" + project.resolve("routes") + "/*.camel.yaml",
                "--gateway.alerts.templates-dir=" + project.resolve("config/templates"),
                "--server.port=" + port,
                "--gateway.instance-id=" + instanceId,
                "--gateway.allowlist.trusted-proxies=127.0.0.1",
                "--gateway.api.username=webhook",
                "--gateway.api.password=webhook-test-password",
                "--gateway.webhooks.destinations.crm.url=http://127.0.0.1:" + receiver.port() + "/crm",
                "--gateway.webhooks.destinations.crm.secret=" + SECRET,
                "--gateway.webhooks.allow-insecure=true",
                "--gateway.webhooks.poll-delay-ms=50",
                "--gateway.webhooks.claim-lease=3s");
        Process process = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(workDir.resolve(log).toFile()).start();
        started.add(process);
        return process;
    }

    private static void awaitReady(Process process, int port) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250)).until(() -> {
            assertThat(process.isAlive()).as("service process running").isTrue();
            HttpResponse<String> answer = api(port, "/api/verifications/not-there");
            return answer != null && answer.statusCode() == 404;
        });
    }

    private static int postCallback(int port, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/callbacks/netverify"))
                .header("Content-Type", GatewayTestSupport.FORM).header("X-Forwarded-For", GatewayTestSupport.JUMIO_US)
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static HttpResponse<String> api(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("webhook:webhook-test-password".getBytes()))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
