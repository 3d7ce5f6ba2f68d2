package com.jumiogateway.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jumiogateway.result.CallbackKind;
import com.jumiogateway.result.Decision;
import com.jumiogateway.result.RejectReason;
import com.jumiogateway.result.ResultSource;
import com.jumiogateway.result.VerificationResult;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.OwnContext;
import com.jumiogateway.webhook.WebhookDestinations;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Webhook delivery throughput: 10,000 results queued in the delivery outbox (written as the store writes them), then
 * delivered to a local no-op receiver (the JDK's HTTP server answering 204); compared with the receiver's own ceiling
 * measured in the same run by a no-op POST loop with as many concurrent clients as the sender has threads, each
 * posting the same payload. Target: deliveries/s >= 0.5 of the ceiling.
 *
 * <p>Not part of the normal test run: {@code bench/webhook-benchmark.sh} ({@code -Dbench=true}).
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
@OwnContext
// logged as in production (the test profile logs every delivery at DEBUG)
@TestPropertySource(properties = "logging.level.com.jumiogateway=INFO")
class WebhookBenchmark extends GatewayTestSupport {

    static final int RESULTS = Integer.getInteger("bench.results", 10_000);
    static final int THREADS = Integer.getInteger("bench.threads", 8);
    static final HttpServer receiver;
    static final AtomicLong received = new AtomicLong();
    /** CPU of this JVM per no-op POST, measured by the ceiling loop. */
    static double cpuPerPost;
    /** POSTs of the ceiling loop that got no answer (a connection closed under them). */
    static final AtomicLong loopErrors = new AtomicLong();

    static {
        try {
            receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        receiver.createContext("/hook", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            received.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.setExecutor(Executors.newFixedThreadPool(16));
        receiver.start();
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("gateway.webhooks.destinations.bench.url", () -> "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
        registry.add("gateway.webhooks.destinations.bench.secret",
                () -> "whsec_" + Base64.getEncoder().encodeToString("benchmark-secret-key".getBytes()));
        registry.add("gateway.webhooks.threads", () -> Integer.toString(THREADS));
        registry.add("gateway.webhooks.batch-size", () -> System.getProperty("bench.batch", "50"));
    }

    @Autowired
    WebhookDestinations destinations;
    @Autowired
    TransactionTemplate transactions;

    @AfterAll
    static void stopReceiver() {
        receiver.stop(0);
    }

    @Test
    void deliveriesPerSecondAgainstTheReceiversCeiling() throws Exception {
        // paused while 10,000 results are queued, each as the store writes it (inside a transaction); resumed to start
        assertThat(apiPost("/api/destinations/bench/pause").statusCode()).isEqualTo(200);
        Instant queueStart = Instant.now();
        for (int i = 0; i < RESULTS; i++) {
            VerificationResult result = result("bench-" + i);
            transactions.executeWithoutResult(tx -> destinations.applied(result));
        }
        Duration queueing = Duration.between(queueStart, Instant.now());
        String payload = jdbc.queryForObject("SELECT payload FROM delivery_outbox FETCH FIRST 1 ROWS ONLY", String.class);

        // the receiver's ceiling: a no-op POST loop, THREADS clients, the same payload, warm-up then 10 s
        double ceiling = postLoop(payload, Duration.ofSeconds(3), Duration.ofSeconds(10));

        received.set(0);
        long cpuBefore = processCpuNanos();
        Instant start = Instant.now();
        assertThat(apiPost("/api/destinations/bench/resume").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20)).until(() -> received.get() >= RESULTS);
        Duration sending = Duration.between(start, Instant.now());
        double cpuPerDelivery = (processCpuNanos() - cpuBefore) / 1e6 / RESULTS;
        await().atMost(Duration.ofMinutes(1)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM delivery_outbox WHERE status = 'DELIVERED'", Long.class) == RESULTS);
        double rate = RESULTS / (sending.toMillis() / 1000.0);

        String database = jdbc.execute((java.sql.Connection c) -> c.getMetaData().getDatabaseProductName());
        String report = String.format("""
                Webhook delivery benchmark (%s, %d sender threads, %d cores)
                  queued results                  %d (in %.1f s, %.0f/s, written as the store writes them)
                  receiver ceiling (no-op loop)   %.0f POST/s (%d clients, same payload, %d bytes; %d unanswered, sent again)
                  deliveries                      %d in %.2f s = %.0f deliveries/s (signed, logged, marked DELIVERED)
                  ratio                           %.2f (target >= 0.50)
                  CPU of this JVM per no-op POST  %.3f ms (client and receiver)
                  CPU of this JVM per delivery    %.3f ms (sender, database, receiver)
                  CPU ratio (no-op / delivery)    %.2f (the ratio a saturated machine allows; load average %.1f)
                """, database, THREADS, Runtime.getRuntime().availableProcessors(), RESULTS,
                queueing.toMillis() / 1000.0, RESULTS / (queueing.toMillis() / 1000.0), ceiling, THREADS, payload.length(), loopErrors.get(),
                RESULTS, sending.toMillis() / 1000.0, rate, rate / ceiling, cpuPerPost, cpuPerDelivery,
                cpuPerPost / cpuPerDelivery, java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.println(report);
        Files.writeString(Path.of("target/webhook-benchmark.txt"), report);
        assertThat(received.get()).isGreaterThanOrEqualTo(RESULTS);
    }

    private double postLoop(String payload, Duration warmUp, Duration measure) throws Exception {
        HttpClient client = HttpClient.newBuilder().build();
        URI uri = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
        ExecutorService clients = Executors.newFixedThreadPool(THREADS);
        AtomicLong done = new AtomicLong();
        long measureFrom = System.nanoTime() + warmUp.toNanos();
        long until = measureFrom + measure.toNanos();
        List<Future<?>> loops = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            loops.add(clients.submit(() -> {
                while (System.nanoTime() < until) {
                    HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(payload)).build();
                    try {
                        client.send(request, HttpResponse.BodyHandlers.discarding());
                    } catch (IOException closedWhileIdle) {
                        // the JDK server closed a kept-alive connection: sent again (as the sender does), counted
                        loopErrors.incrementAndGet();
                        continue;
                    }
                    if (System.nanoTime() >= measureFrom) {
                        done.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        // the CPU count starts with the measured part (a benchmark pacing itself, not a test waiting for a signal)
        Thread.sleep(Math.max(0, (measureFrom - System.nanoTime()) / 1_000_000));
        long cpuFrom = processCpuNanos();
        for (Future<?> loop : loops) {
            loop.get();
        }
        cpuPerPost = (processCpuNanos() - cpuFrom) / 1e6 / done.get();
        clients.shutdown();
        return done.get() / (measure.toMillis() / 1000.0);
    }

    /** CPU time of this JVM (sender, database, receiver and the no-op clients are all in it). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static VerificationResult result(String ref) {
        Instant now = Instant.now();
        return new VerificationResult(ref, CallbackKind.NETVERIFY, ResultSource.CALLBACK, "DENIED_UNSUPPORTED_ID_TYPE",
                Decision.UNSUPPORTED_DOCUMENT, "merchant-" + ref, "customer-" + ref, "PASSPORT", "AUT", "Austria",
                new RejectReason("200", "Not readable", "NOT_READABLE", true, List.of()), now.minusSeconds(120), now,
                120L, null);
    }
}
