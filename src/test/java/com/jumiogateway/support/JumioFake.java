package com.jumiogateway.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A real HTTP server (WireMock) playing Jumio: V4 initiation, Netverify scans retrieval and Document Verification
 * documents retrieval, with the documented response shapes. One per test class, on a dynamic port.
 */
public final class JumioFake {

    public static final String TOKEN = "test-api-token";
    /** Characters that must survive the trip through endpoint URIs. */
    public static final String SECRET = "s3cr&t+pw=%x";
    public static final String USER_AGENT = "TestCompany GatewayTests/1.0.0";

    public final WireMockServer server;

    public JumioFake() {
        server = new WireMockServer(options().dynamicPort().containerThreads(40)
                .globalTemplating(false));
        server.start();
    }

    public String baseUrl() {
        return "http://localhost:" + server.port();
    }

    /** Points every data center at this server (EU under /eu, SGP under /sgp, so tests can tell them apart). */
    public void register(DynamicPropertyRegistry registry) {
        registry.add("gateway.jumio.api-token", () -> TOKEN);
        registry.add("gateway.jumio.api-secret", () -> SECRET);
        registry.add("gateway.jumio.user-agent", () -> USER_AGENT);
        registry.add("gateway.jumio.data-centers.US.netverify-url", this::baseUrl);
        registry.add("gateway.jumio.data-centers.US.document-retrieval-url", this::baseUrl);
        registry.add("gateway.jumio.data-centers.EU.netverify-url", () -> baseUrl() + "/eu");
        registry.add("gateway.jumio.data-centers.EU.document-retrieval-url", () -> baseUrl() + "/eu");
        registry.add("gateway.jumio.data-centers.SGP.netverify-url", () -> baseUrl() + "/sgp");
        registry.add("gateway.jumio.data-centers.SGP.document-retrieval-url", () -> baseUrl() + "/sgp");
    }

    /**
     * The gateway's settings for a {@link GatewayInstance}: these credentials, and this server for every data center
     * (one base URL; {@link #register} serves EU and SGP under their own paths).
     */
    public Map<String, Object> settings() {
        Map<String, Object> settings = new java.util.LinkedHashMap<>();
        settings.put("gateway.jumio.api-token", TOKEN);
        settings.put("gateway.jumio.api-secret", SECRET);
        settings.put("gateway.jumio.user-agent", USER_AGENT);
        for (String dataCenter : List.of("US", "EU", "SGP")) {
            settings.put("gateway.jumio.data-centers." + dataCenter + ".netverify-url", baseUrl());
            settings.put("gateway.jumio.data-centers." + dataCenter + ".document-retrieval-url", baseUrl());
        }
        return settings;
    }

    public static String basicAuthorization() {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((TOKEN + ":" + SECRET).getBytes(StandardCharsets.UTF_8));
    }

    public static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    public void scanStatus(String scanReference, String status) {
        server.stubFor(get(urlPathEqualTo("/api/netverify/v2/scans/" + scanReference))
                .willReturn(json(200, statusBody(scanReference, status))));
    }

    public static String statusBody(String scanReference, String status) {
        return "{\"timestamp\":\"" + Instant.now() + "\",\"scanReference\":\"" + scanReference + "\",\"status\":\"" + status + "\"}";
    }

    /** Requests to a path, oldest first. */
    public List<ServeEvent> requests(String path) {
        return server.getAllServeEvents().stream()
                .filter(e -> URI.create(e.getRequest().getUrl()).getPath().equals(path))
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                .toList();
    }

    public static Instant at(ServeEvent event) {
        return event.getRequest().getLoggedDate().toInstant();
    }

    public void stop() {
        server.stop();
    }

    /** JSON POST with the tests' API credentials. */
    public static HttpRequest apiPostJson(String url, String json) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder()
                        .encodeToString("tester:test-password".getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
    }
}
