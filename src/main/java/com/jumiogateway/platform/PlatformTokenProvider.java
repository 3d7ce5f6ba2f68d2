package com.jumiogateway.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OAuth2 client-credentials access tokens for the Jumio Platform, from the region's auth endpoint. One token is
 * cached and shared by every caller until less than the refresh margin of its lifetime remains; when it must be
 * renewed, exactly one caller asks Jumio while the others wait for that answer (single flight). Neither the token
 * nor the client secret is ever logged.
 */
public class PlatformTokenProvider {

    private static final Logger log = LoggerFactory.getLogger(PlatformTokenProvider.class);

    private record CachedToken(String value, Instant refreshAt) {
    }

    private final PlatformProperties properties;
    private final HttpClient http;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final String userAgent;
    private final ReentrantLock refreshLock = new ReentrantLock();
    private volatile CachedToken cached;

    public PlatformTokenProvider(PlatformProperties properties, HttpClient http, ObjectMapper mapper, Clock clock,
                                 String userAgent) {
        this.properties = properties;
        this.http = http;
        this.mapper = mapper;
        this.clock = clock;
        this.userAgent = userAgent;
    }

    /** A valid access token: the cached one, or a new one (one request to Jumio however many callers wait). */
    public String token() throws IOException, InterruptedException {
        CachedToken current = cached;
        if (current != null && clock.instant().isBefore(current.refreshAt())) {
            return current.value();
        }
        refreshLock.lockInterruptibly();
        try {
            current = cached;
            if (current != null && clock.instant().isBefore(current.refreshAt())) {
                return current.value();
            }
            CachedToken fresh = fetch();
            cached = fresh;
            return fresh.value();
        } finally {
            refreshLock.unlock();
        }
    }

    /**
     * A Platform API refused {@code rejected} (401): forget it, unless another caller has replaced it already (then the
     * next {@link #token()} returns that newer one without asking Jumio again).
     */
    public void invalidate(String rejected) {
        refreshLock.lock();
        try {
            CachedToken current = cached;
            if (current != null && current.value().equals(rejected)) {
                cached = null;
                log.info("Jumio Platform refused the cached access token: it is renewed before the next request");
            }
        } finally {
            refreshLock.unlock();
        }
    }

    private CachedToken fetch() throws IOException, InterruptedException {
        if (!properties.credentialsConfigured()) {
            throw new PlatformApiException(0, "Jumio Platform credentials are not configured"
                    + " (GATEWAY_PLATFORM_CLIENT_ID, GATEWAY_PLATFORM_CLIENT_SECRET)");
        }
        String basic = Base64.getEncoder().encodeToString((properties.getClientId() + ":" + properties.getClientSecret())
                .getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(properties.authBase() + "/oauth2/token"))
                .timeout(Duration.ofMillis(properties.getReadTimeoutMs()))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("User-Agent", userAgent)
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();
        Instant askedAt = clock.instant();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            log.warn("Jumio Platform token request answered HTTP {}", response.statusCode());
            throw new PlatformApiException(response.statusCode(), "Jumio Platform token request answered HTTP "
                    + response.statusCode());
        }
        JsonNode answer;
        try {
            answer = mapper.readTree(response.body());
        } catch (IOException e) {
            throw new PlatformApiException(502, "Jumio Platform token answer is not JSON");
        }
        String token = answer == null ? null : answer.path("access_token").asText(null);
        if (token == null || token.isBlank()) {
            throw new PlatformApiException(502, "Jumio Platform token answer has no access_token");
        }
        long expiresIn = answer.path("expires_in").asLong(3600);
        // lifetime counted from when we asked: the answer may have taken a while
        Instant refreshAt = askedAt.plusSeconds(expiresIn).minus(properties.getTokenRefreshMargin());
        log.info("Obtained a Jumio Platform access token valid for {} s (renewed {} before it expires)", expiresIn,
                properties.getTokenRefreshMargin());
        return new CachedToken(token, refreshAt);
    }
}
