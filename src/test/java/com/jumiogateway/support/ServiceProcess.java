package com.jumiogateway.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jumiogateway.GatewayApplication;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The service as shipped, in a JVM of its own (default configuration from config/, routes from routes/), so a test
 * can send it real signals: SIGKILL (nothing runs) or SIGTERM (the shutdown a orchestrator asks for). The test
 * classes are not on its classpath: nothing of the tests (test DNS, hooks) is scanned into it.
 */
public final class ServiceProcess implements AutoCloseable {

    public static final String API_USER = "child";
    public static final String API_PASSWORD = "child-test-password";
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final int port;

    private ServiceProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts it in workDir (where the default H2 file database ./data lives unless settings name another), logging to
     * workDir/log; settings are passed as command-line arguments.
     */
    public static ServiceProcess start(Path workDir, String log, Map<String, String> settings) throws IOException {
        Path project = Path.of("").toAbsolutePath();
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // the test runtime classpath (the jar is packaged after the tests) without the test classes
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !Path.of(entry).endsWith("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(classpath).contains("classes");
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-cp", classpath,
                GatewayApplication.class.getName(),
                "--spring.config.additional-location=file:" + project.resolve("config") + "/",
                "--camel.main.routes-include-pattern=file:" + project.resolve("routes") + "/*.camel.yaml",
                "--gateway.alerts.templates-dir=" + project.resolve("config/templates"),
                "--server.port=" + port,
                "--gateway.allowlist.trusted-proxies=127.0.0.1",
                "--gateway.api.username=" + API_USER,
                "--gateway.api.password=" + API_PASSWORD));
        settings.forEach((name, value) -> command.add("--" + name + "=" + value));
        Process process = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(workDir.resolve(log).toFile()).start();
        return new ServiceProcess(process, port);
    }

    public int port() {
        return port;
    }

    public Process process() {
        return process;
    }

    /** Ready once the routes answer (the edge says 503 until they are started). */
    public ServiceProcess awaitReady() {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250)).until(() -> {
            assertThat(process.isAlive()).as("service process running").isTrue();
            return apiStatus("/api/verifications/not-there") == 404;
        });
        return this;
    }

    /** An authenticated GET's status; -1 when nothing answers. */
    public int apiStatus(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (API_USER + ":" + API_PASSWORD).getBytes(StandardCharsets.UTF_8)))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** A Netverify callback from a Jumio address (through the trusted loopback proxy); its status, or an exception. */
    public int postCallback(String form) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/callbacks/netverify"))
                .header("Content-Type", GatewayTestSupport.FORM).header("X-Forwarded-For", GatewayTestSupport.JUMIO_US)
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** {@link #postCallback}, or -1 when nothing answers (a closed port). */
    public int postCallbackOrMinusOne(String form) {
        try {
            return postCallback(form);
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** SIGTERM, as an orchestrator stops a pod. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL: no shutdown hook, no graceful stop, no flush. */
    public void kill() {
        process.destroyForcibly();
    }

    /** Waits for the process to end; its exit code. */
    public int awaitExit(Duration atMost) throws InterruptedException {
        assertThat(process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)).as("service process ended").isTrue();
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
