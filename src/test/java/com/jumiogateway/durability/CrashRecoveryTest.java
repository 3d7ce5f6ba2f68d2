package com.jumiogateway.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jumiogateway.GatewayApplication;
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
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * "A 200 means the callback is safe", tried the hard way: the service runs as a child JVM of its own, exactly as
 * shipped (default configuration from config/, routes from routes/, the default embedded H2 file database
 * {@code ./data/gateway} under a fresh working directory in target/; PostgreSQL when GATEWAY_DB_URL is set, the
 * child inheriting the environment). Callbacks are posted concurrently with the worker paused, the JVM is killed
 * with SIGKILL the moment the last answer arrives, and the service is started again on the same files: every
 * callback that was answered 200 must be there (and gets processed).
 */
class CrashRecoveryTest {

    private static final int CALLBACKS = 200;
    private static final int SENDERS = 16;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String API_USER = "crash";
    private static final String API_PASSWORD = "crash-test-password";

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopServices() throws InterruptedException {
        for (Process process : started) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyCallbackAnswered200SurvivesAKillMinus9() throws Exception {
        Path project = Path.of("").toAbsolutePath();
        Path workDir = Files.createDirectories(project.resolve("target/crash-recovery/run-" + System.nanoTime()));
        String run = UUID.randomUUID().toString().substring(0, 8);

        int port = freePort();
        Process first = start(project, workDir, port, false, "service-1.log");
        awaitReady(first, port);

        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        CountDownLatch answered = new CountDownLatch(CALLBACKS);
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        try {
            for (int i = 0; i < CALLBACKS; i++) {
                String reference = "crash-" + run + "-" + i;
                senders.execute(() -> {
                    try {
                        if (postCallback(port, reference) == 200) {
                            acknowledged.add(reference);
                        }
                    } catch (Exception e) {
                        // not acknowledged: Jumio would send it again
                    } finally {
                        answered.countDown();
                    }
                });
            }
            assertThat(answered.await(120, TimeUnit.SECONDS)).as("every callback answered").isTrue();
            // the moment the last answer is in: SIGKILL, no shutdown hook, no graceful stop, no flush
            first.destroyForcibly();
        } finally {
            senders.shutdownNow();
        }
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(first.exitValue()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);
        // normally all of them; on a very busy machine a few may get 503 (store timeout), which Jumio would resend
        assertThat(acknowledged).as("callbacks answered 200 before the kill").hasSizeGreaterThan(CALLBACKS * 9 / 10);

        int secondPort = freePort();
        Process second = start(project, workDir, secondPort, true, "service-2.log");
        awaitReady(second, secondPort);

        Set<String> missing = ConcurrentHashMap.newKeySet();
        missing.addAll(acknowledged);
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
                missing.removeIf(reference -> apiStatus(secondPort, "/api/verifications/" + reference) == 200);
                return missing.isEmpty();
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // fall through to the assertion, which says how many were kept
        }
        assertThat(missing).as("acknowledged callbacks lost by the crash: kept %d of %d",
                acknowledged.size() - missing.size(), acknowledged.size()).isEmpty();
    }

    /** The service as shipped, in its own JVM; the working directory holds the default H2 file (./data). */
    private Process start(Path project, Path workDir, int port, boolean worker, String log) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // the test runtime classpath (the jar is packaged after the tests) without the test classes: nothing of
        // the tests (test DNS, hooks) is scanned into the service
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !Path.of(entry).endsWith("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(classpath).contains("classes");
        List<String> command = List.of(java, "-Xmx384m", "-cp", classpath,
                GatewayApplication.class.getName(),
                "--spring.config.additional-location=file:" + project.resolve("config") + "/",
                "--camel.main.routes-include-pattern=file:" + project.resolve("routes") + "/*.camel.yaml",
                "--gateway.alerts.templates-dir=" + project.resolve("config/templates"),
                "--server.port=" + port,
                "--gateway.worker.enabled=" + worker,
                "--gateway.allowlist.trusted-proxies=127.0.0.1",
                "--gateway.api.username=" + API_USER,
                "--gateway.api.password=" + API_PASSWORD);
        Process process = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(workDir.resolve(log).toFile()).start();
        started.add(process);
        return process;
    }

    /** Ready once the routes answer (the edge says 503 until they are started). */
    private static void awaitReady(Process process, int port) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250)).until(() -> {
            assertThat(process.isAlive()).as("service process running").isTrue();
            return apiStatus(port, "/api/verifications/not-there") == 404;
        });
    }

    private static int postCallback(int port, String reference) throws Exception {
        String body = "jumioIdScanReference=" + reference + "&verificationStatus=APPROVED_VERIFIED&idCountry=FRA"
                + "&callbackDate=2024-05-01T08%3A00%3A00Z";
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/callbacks/netverify"))
                .header("Content-Type", GatewayTestSupport.FORM).header("X-Forwarded-For", GatewayTestSupport.JUMIO_US)
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int apiStatus(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Authorization", basic()).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String basic() {
        return "Basic " + java.util.Base64.getEncoder().encodeToString(
                (API_USER + ":" + API_PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
