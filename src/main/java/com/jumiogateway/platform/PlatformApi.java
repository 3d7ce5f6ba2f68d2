package com.jumiogateway.platform;

import com.jumiogateway.routing.ExchangeNames;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls to the Jumio Platform's account and retrieval APIs with the shared bearer token. A 401 clears the cached
 * token once and the request is sent once more with a new one; no other retries (the callers schedule those).
 * Only the headers Jumio asks for travel: Authorization, Accept, Content-Type and the User-Agent.
 */
public class PlatformApi {

    private static final Logger log = LoggerFactory.getLogger(PlatformApi.class);

    /** Jumio's answer: HTTP status and body. */
    public record Answer(int status, String body) {
    }

    private final PlatformProperties properties;
    private final PlatformTokenProvider tokens;
    private final HttpClient http;
    private final String userAgent;

    public PlatformApi(PlatformProperties properties, PlatformTokenProvider tokens, HttpClient http, String userAgent) {
        this.properties = properties;
        this.tokens = tokens;
        this.http = http;
        this.userAgent = userAgent;
    }

    public Answer get(String url) throws IOException, InterruptedException {
        return send("GET", url, null);
    }

    public Answer post(String url, String json) throws IOException, InterruptedException {
        return send("POST", url, json);
    }

    public Answer put(String url, String json) throws IOException, InterruptedException {
        return send("PUT", url, json);
    }

    /** Jumio's Deletion API (an account, or one workflow execution): used by an erasure that asks for it. */
    public Answer delete(String url) throws IOException, InterruptedException {
        return send("DELETE", url, null);
    }

    /**
     * Route step of the poller: GETs exchange property RetrievalUrl and leaves Jumio's answer as the body and
     * CamelHttpResponseCode, like the http component the Netverify retrieval uses.
     */
    public void retrieve(@ExchangeProperty(ExchangeNames.RETRIEVAL_URL) String url, Exchange exchange)
            throws IOException, InterruptedException {
        Answer answer = get(url);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, answer.status());
        exchange.getMessage().setBody(answer.body());
    }

    private Answer send(String method, String url, String json) throws IOException, InterruptedException {
        String token = tokens.token();
        Answer answer = once(method, url, json, token);
        if (answer.status() == 401) {
            tokens.invalidate(token);
            answer = once(method, url, json, tokens.token());
        }
        return answer;
    }

    private Answer once(String method, String url, String json, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofMillis(properties.getReadTimeoutMs()))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .header("User-Agent", userAgent);
        if (json != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        log.debug("{} {}", method, url);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Answer(response.statusCode(), response.body());
    }
}
