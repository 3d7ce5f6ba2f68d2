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
import com.jumiogateway.support.ProcStat;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * posting the same payload. Target: deliveries/s >= 0.5 of the ceiling. Both are measured compiled: after a warm-up
 * of 150,000 deliveries, and in each round after 5,000 more, as the ceiling loop's measured 10 s follow 2 s of posting.
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
    static final int WARM_UP = Integer.getInteger("bench.warmup", 150_000);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
    /** Deliveries sent in each round before its measured 10,000, as the ceiling loop posts 2 s before its measured 10 s. */
    static final int ROUND_WARM_UP = Integer.getInteger("bench.round-warmup", 5_000);
    static int payloadLength;
    static final HttpServer receiver;
    static final AtomicLong received = new AtomicLong();
    /** CPU of this JVM per no-op POST, measured by the ceiling loop. */
    static double cpuPerPost;
    /** The same, per group of threads (ms per POST). */
    static final Map<String, Double> loopCpuByGroup = new TreeMap<>();
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
        String database = jdbc.execute((java.sql.Connection c) -> c.getMetaData().getDatabaseProductName());
        onPostgres = database.contains("PostgreSQL");
        // warm-up: the delivery path is compiled and its pools filled before anything is measured, as the ceiling
        // loop warms up before its measured part
        queue(WARM_UP, "warm-up");
        assertThat(apiPost("/api/destinations/bench/resume").statusCode()).isEqualTo(200);
        // the receiver's count first: a COUNT(*) of the outbox every 20 ms would take the warm-up's CPU
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(20)).until(() -> received.get() >= WARM_UP);
        awaitDelivered(WARM_UP);

        // rounds of: 15,000 results queued while paused; the receiver's ceiling (no-op loop); the 15,000 delivered, the
        // last 10,000 measured.
        // Ceiling and deliveries alternate so that both see the same machine; the median round is the result.
        List<Round> rounds = new ArrayList<>();
        for (int r = 0; r < ROUNDS; r++) {
            rounds.add(round(r, WARM_UP + r * (ROUND_WARM_UP + RESULTS)));
        }
        Round median = rounds.stream().sorted(java.util.Comparator.comparingDouble(Round::ratio)).toList().get(ROUNDS / 2);

        StringBuilder report = new StringBuilder(String.format("""
                Webhook delivery benchmark (%s, %d sender threads, %d cores, payload %d bytes, warm-up %d deliveries,
                then per round %d deliveries before the measured %d, as the ceiling loop posts 2 s before its measured 10 s)
                round | queued %,d in | receiver ceiling (no-op POST loop) | deliveries/s | ratio | CPU ms per no-op POST / per delivery | CPU ratio
                """, database, THREADS, Runtime.getRuntime().availableProcessors(), payloadLength, WARM_UP, ROUND_WARM_UP,
                RESULTS, ROUND_WARM_UP + RESULTS));
        for (Round r : rounds) {
            report.append(String.format("  %d   |  %5.1f s (%5.0f/s) | %8.0f POST/s (%d unanswered)   | %8.0f     | %.2f  | %.3f / %.3f                       | %.2f%n",
                    r.number() + 1, r.queueing().toMillis() / 1000.0, (ROUND_WARM_UP + RESULTS) / (r.queueing().toMillis() / 1000.0),
                    r.ceiling(), r.loopErrors(), r.rate(), r.ratio(), r.cpuPerPost(), r.cpuPerDelivery(),
                    r.cpuPerPost() / r.cpuPerDelivery()));
        }
        report.append(String.format("""
                median round %d: ratio %.2f (target >= 0.50); %d deliveries in %.2f s, signed, logged, marked DELIVERED
                CPU per delivery by thread in that round (and per no-op POST of its ceiling loop):
                """, median.number() + 1, median.ratio(), median.measured(), median.measured() / median.rate()));
        median.perDelivery().forEach((group, ms) -> report.append(String.format("    %-30s %.3f ms   (no-op POST: %.3f ms)%n",
                group, ms, median.perPost().getOrDefault(group, 0.0))));
        if (median.perDelivery().containsKey(POSTGRES)) {
            double server = median.perDelivery().get(POSTGRES);
            double serverPerPost = median.perPost().getOrDefault(POSTGRES, 0.0);
            report.append(String.format("CPU per delivery with PostgreSQL's: %.3f ms, per no-op POST %.3f ms: CPU ratio %.2f%n",
                    median.cpuPerDelivery() + server, median.cpuPerPost() + serverPerPost,
                    (median.cpuPerPost() + serverPerPost) / (median.cpuPerDelivery() + server)));
        }
        report.append(String.format("load average at the end: %.1f%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        System.out.println(report);
        Files.writeString(Path.of("target/webhook-benchmark.txt"), report);
        assertThat(rounds).allSatisfy(r -> assertThat(r.rate()).isPositive());
    }

    private record Round(int number, Duration queueing, double ceiling, long loopErrors, long measured, double rate, double cpuPerPost,
                         double cpuPerDelivery, Map<String, Double> perPost, Map<String, Double> perDelivery) {
        double ratio() {
            return rate / ceiling;
        }
    }

    private Round round(int number, int deliveredBefore) throws Exception {
        Instant queueStart = Instant.now();
        queue(ROUND_WARM_UP + RESULTS, "bench-" + number);
        Duration queueing = Duration.between(queueStart, Instant.now());
        String payload = jdbc.queryForObject("SELECT payload FROM delivery_outbox WHERE status = 'PENDING'"
                + " FETCH FIRST 1 ROWS ONLY", String.class);
        payloadLength = payload.length();

        // the receiver's ceiling: a no-op POST loop, THREADS clients, the same payload, warm-up then 10 s
        loopErrors.set(0);
        double ceiling = postLoop(payload, Duration.ofSeconds(2), Duration.ofSeconds(10));
        Map<String, Double> perPost = new TreeMap<>(loopCpuByGroup);

        received.set(0);
        assertThat(apiPost("/api/destinations/bench/resume").statusCode()).isEqualTo(200);
        // the round's own warm-up, as the ceiling loop's: the code the other phases of the round (queueing, the
        // ceiling loop) made the JIT compile differently is compiled back for sending before anything is measured;
        // the measured part starts with 10,000 results still queued
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(1)).until(() -> received.get() >= ROUND_WARM_UP);
        long from = received.get();
        Map<String, Long> threadsBefore = cpuByThreadGroup();
        long cpuBefore = processCpuNanos();
        Instant start = Instant.now();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(5))
                .until(() -> received.get() >= ROUND_WARM_UP + RESULTS);
        Duration sending = Duration.between(start, Instant.now());
        long measured = received.get() - from;
        double cpuPerDelivery = (processCpuNanos() - cpuBefore) / 1e6 / measured;
        Map<String, Double> perDelivery = new TreeMap<>();
        cpuByThreadGroup().forEach((group, nanos) -> perDelivery.put(group,
                (cumulative(group) ? nanos - threadsBefore.getOrDefault(group, 0L) : nanos) / 1e6 / measured));
        awaitDelivered(deliveredBefore + ROUND_WARM_UP + RESULTS);
        return new Round(number, queueing, ceiling, loopErrors.get(), measured, measured / (sending.toMillis() / 1000.0),
                cpuPerPost, cpuPerDelivery, perPost, perDelivery);
    }

    /** Queues results while the destination is paused, each as the store writes it (inside a transaction). */
    private void queue(int count, String prefix) {
        assertThat(apiPost("/api/destinations/bench/pause").statusCode()).isEqualTo(200);
        for (int i = 0; i < count; i++) {
            VerificationResult result = result(prefix + "-" + i);
            transactions.executeWithoutResult(tx -> destinations.applied(result));
        }
    }

    private void awaitDelivered(long count) {
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM delivery_outbox WHERE status = 'DELIVERED'", Long.class) == count);
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
        Map<String, Long> threadsFrom = cpuByThreadGroup();
        long cpuFrom = processCpuNanos();
        for (Future<?> loop : loops) {
            loop.get();
        }
        cpuPerPost = (processCpuNanos() - cpuFrom) / 1e6 / done.get();
        Map<String, Long> threadsTo = cpuByThreadGroup();
        loopCpuByGroup.clear();
        threadsTo.forEach((group, nanos) -> loopCpuByGroup.put(group,
                (cumulative(group) ? nanos - threadsFrom.getOrDefault(group, 0L) : nanos) / 1e6 / done.get()));
        clients.shutdown();
        return done.get() / (measure.toMillis() / 1000.0);
    }

    /**
     * CPU time per group of threads: the JVM's own (garbage collector, JIT compilers: from /proc, they have no Java
     * thread) and the Java threads by what they do.
     */
    private static Map<String, Long> cpuByThreadGroup() throws IOException {
        Map<String, Long> groups = new TreeMap<>();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (cpu > 0) {
                // a thread that ends during the measurement takes its CPU with it: counted from its first sight
                long before = threadCpuSeen.getOrDefault(info.getThreadId(), 0L);
                threadCpuSeen.put(info.getThreadId(), cpu);
                groups.merge(group(info.getThreadName()), cpu - before, Long::sum);
            }
        }
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String comm = Files.readString(task.resolve("comm")).trim();
                    String group = comm.matches("C[12] CompilerThre.*") ? "JVM: JIT compilers"
                            : comm.matches("GC Thread.*|G1 .*|VM Thread") ? "JVM: garbage collector" : null;
                    if (group != null) {
                        groups.merge(group, ProcStat.cpuNanos(task), Long::sum);
                    }
                } catch (java.nio.file.NoSuchFileException ended) {
                    // a thread that ended meanwhile (a JIT compiler thread comes and goes)
                }
            }
        }
        // PostgreSQL on this machine (as in .ci/run): its processes' CPU, which is not this JVM's but shares its cores
        if (!onPostgres) {
            return groups;
        }
        try (var processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    if (Files.readString(process.resolve("comm")).trim().equals("postgres")) {
                        groups.merge(POSTGRES, ProcStat.cpuNanos(process), Long::sum);
                    }
                } catch (IOException gone) {
                    // a process that ended meanwhile, or another user's
                }
            }
        }
        return groups;
    }

    /** The outbox is in PostgreSQL (GATEWAY_DB_URL): its server's CPU is counted too. */
    static boolean onPostgres;
    static final String POSTGRES = "PostgreSQL server processes (not in the JVM's figures)";

    /** Groups read as totals from /proc (their difference is the CPU spent); the Java threads' are differences already. */
    private static boolean cumulative(String group) {
        return group.startsWith("JVM:") || group.equals(POSTGRES);
    }

    private static final Map<Long, Long> threadCpuSeen = new java.util.HashMap<>();

    private static String group(String thread) {
        if (thread.contains("send-delivery")) {
            return "senders (seda consumers)";
        }
        if (thread.contains("webhook-delivery")) {
            return "claim loop";
        }
        if (thread.startsWith("HttpClient")) {
            return "JDK HTTP client";
        }
        if (thread.startsWith("pool-") || thread.startsWith("HTTP-Dispatcher")) {
            return "receiver (and no-op clients)";
        }
        if (thread.startsWith("claim-heartbeat")) {
            return "claim heartbeat";
        }
        return "other";
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
