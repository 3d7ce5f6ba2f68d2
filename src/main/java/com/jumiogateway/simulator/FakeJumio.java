package com.jumiogateway.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jumio's APIs the gateway calls back, on a local port (JDK HttpServer, loopback only): the Netverify Retrieval API
 * ({@code /api/netverify/v2/scans/{ref}} and {@code /data}), the Document Verification retrieval
 * ({@code /api/netverify/v2/documents/{ref}} and {@code /data}), the Platform OAuth2 token endpoint
 * ({@code /oauth2/token}) and the Platform Retrieval API ({@code /api/v1/accounts/{a}/workflow-executions/{e}} and
 * {@code /status}). Point the gateway's base URLs at {@link #baseUrl()}; any credentials are accepted.
 */
final class FakeJumio implements AutoCloseable {

    private static final Pattern SCAN = Pattern.compile("/api/netverify/v2/(scans|documents)/([^/]+)(/data)?");
    private static final Pattern EXECUTION = Pattern.compile("/api/v1/accounts/([^/]+)/workflow-executions/([^/]+)(/status)?");

    private final HttpServer server;
    private final Map<String, String> data = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> served = new ConcurrentHashMap<>();
    /** Handed out by the fake OAuth2 endpoint; random per simulator, like a real one (nothing here checks it). */
    private final String accessToken = java.util.UUID.randomUUID().toString();

    FakeJumio(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "fake-jumio");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Serves a Netverify or Document Verification scan as DONE with this data answer. */
    void scan(String scanReference, String dataJson) {
        data.put(scanReference, dataJson);
        served.putIfAbsent(scanReference, new CountDownLatch(1));
    }

    /** Serves a Platform workflow execution as PROCESSED with these details. */
    void execution(String executionId, String detailsJson) {
        scan(executionId, detailsJson);
    }

    /** Waits until the data (or details) of the reference were served once; false on timeout. */
    boolean awaitServed(String reference, long seconds) throws InterruptedException {
        CountDownLatch latch = served.get(reference);
        return latch != null && latch.await(seconds, TimeUnit.SECONDS);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if ("POST".equals(exchange.getRequestMethod()) && path.endsWith("/oauth2/token")) {
                exchange.getRequestBody().readAllBytes();
                answer(exchange, 200, "{\"access_token\":\"" + accessToken + "\",\"expires_in\":3600,\"token_type\":\"Bearer\"}");
                return;
            }
            Matcher scan = SCAN.matcher(path);
            if (scan.matches()) {
                String reference = scan.group(2);
                String body = data.get(reference);
                if (body == null) {
                    answer(exchange, 404, "{\"message\":\"scan not found\"}");
                } else if (scan.group(3) == null) {
                    answer(exchange, 200, "{\"timestamp\":\"" + Instant.now() + "\",\"scanReference\":\"" + reference
                            + "\",\"status\":\"DONE\"}");
                } else {
                    answer(exchange, 200, body);
                    served.get(reference).countDown();
                }
                return;
            }
            Matcher execution = EXECUTION.matcher(path);
            if (execution.matches()) {
                String accountId = execution.group(1);
                String executionId = execution.group(2);
                String body = data.computeIfAbsent(executionId, id -> {
                    // a replayed notice nobody registered: a passed workflow execution
                    served.putIfAbsent(id, new CountDownLatch(1));
                    return Payloads.platformDetails(accountId, id, "PASSED", null, null);
                });
                if (execution.group(3) != null) {
                    answer(exchange, 200, "{\"account\":{\"id\":\"" + accountId + "\"},\"workflowExecution\":{\"id\":\""
                            + executionId + "\",\"definitionKey\":\"10013\",\"status\":\"PROCESSED\"}}");
                } else {
                    answer(exchange, 200, body);
                    served.get(executionId).countDown();
                }
                return;
            }
            answer(exchange, 404, "{\"message\":\"not simulated\"}");
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
