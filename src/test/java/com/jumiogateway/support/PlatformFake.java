package com.jumiogateway.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A real HTTP server (WireMock) playing the Jumio Platform: the OAuth2 token endpoint (auth), the account API and
 * the Retrieval API, each under its own path prefix, with the documented shapes.
 */
public final class PlatformFake {

    public static final String CLIENT_ID = "platform-client";
    public static final String CLIENT_SECRET = "pl@tf0rm-s3cr&t";
    public static final String TOKEN_PATH = "/auth/oauth2/token";

    public final WireMockServer server;
    private final AtomicInteger tokens = new AtomicInteger();

    public PlatformFake() {
        server = new WireMockServer(options().dynamicPort().containerThreads(60).globalTemplating(false));
        server.start();
    }

    public String baseUrl() {
        return "http://localhost:" + server.port();
    }

    public void register(DynamicPropertyRegistry registry) {
        registry.add("gateway.platform.client-id", () -> CLIENT_ID);
        registry.add("gateway.platform.client-secret", () -> CLIENT_SECRET);
        registry.add("gateway.platform.auth-url", () -> baseUrl() + "/auth");
        registry.add("gateway.platform.account-url", () -> baseUrl() + "/account");
        registry.add("gateway.platform.retrieval-url", () -> baseUrl() + "/retrieval");
    }

    public static String basicAuthorization() {
        return "Basic " + Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
    }

    /** The token endpoint hands out a new token (token-1, token-2, ...) valid for {@code expiresIn} seconds. */
    public void tokenEndpoint(long expiresIn) {
        tokenEndpoint(expiresIn, 0);
    }

    public void tokenEndpoint(long expiresIn, int delayMs) {
        // a fixed body per stub: the counter is advanced by re-stubbing after each served token (see nextToken)
        server.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withFixedDelay(delayMs)
                .withBody(tokenBody("token-" + tokens.incrementAndGet(), expiresIn))));
    }

    public static String tokenBody(String token, long expiresIn) {
        return "{\"access_token\":\"" + token + "\",\"expires_in\":" + expiresIn + ",\"token_type\":\"Bearer\"}";
    }

    public static String executionPath(String accountId, String executionId) {
        return "/retrieval/api/v1/accounts/" + accountId + "/workflow-executions/" + executionId;
    }

    public void details(String accountId, String executionId, String fixture) {
        server.stubFor(get(urlPathEqualTo(executionPath(accountId, executionId))).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(detailsBody(fixture, accountId, executionId))));
    }

    public static String detailsBody(String fixture, String accountId, String executionId) {
        return GatewayTestSupport.fixture("platform/" + fixture).replace("ACCOUNT_ID", accountId)
                .replace("EXECUTION_ID", executionId);
    }

    public void status(String accountId, String executionId, String status) {
        server.stubFor(get(urlPathEqualTo(executionPath(accountId, executionId) + "/status")).willReturn(aResponse()
                .withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"account\":{\"id\":\"" + accountId + "\"},\"workflowExecution\":{\"id\":\"" + executionId
                        + "\",\"definitionKey\":\"10013\",\"status\":\"" + status + "\"}}")));
    }

    /** Requests to a path, oldest first. */
    public List<ServeEvent> requests(String path) {
        return server.getAllServeEvents().stream()
                .filter(e -> URI.create(e.getRequest().getUrl()).getPath().equals(path))
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                .toList();
    }

    public List<ServeEvent> requestsStartingWith(String prefix) {
        return server.getAllServeEvents().stream()
                .filter(e -> URI.create(e.getRequest().getUrl()).getPath().startsWith(prefix))
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                .toList();
    }

    /** Forgets stubs, requests and the token counter (the next token is token-1). */
    public void reset() {
        server.resetAll();
        tokens.set(0);
    }

    public int tokenRequests() {
        return requests(TOKEN_PATH).size();
    }

    public void stop() {
        server.stop();
    }
}
