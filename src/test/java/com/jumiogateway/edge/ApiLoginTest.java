package com.jumiogateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.OwnContext;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * API credentials cannot be guessed at full speed: failed logins are throttled per client address (429 with
 * Retry-After, before any credential is checked), and a correct password is not re-hashed with bcrypt on every
 * request. Client addresses come through the trusted loopback proxy's X-Forwarded-For.
 */
@TestPropertySource(properties = {"gateway.api.max-failed-logins=5", "gateway.api.failed-login-window=1m"})
@OwnContext
class ApiLoginTest extends GatewayTestSupport {

    private HttpResponse<String> get(String path, String authorization, String clientAddress) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).GET()
                .header("Authorization", authorization).header("X-Forwarded-For", clientAddress).build());
    }

    @Test
    void failedLoginsFromOneAddressAreThrottledWith429() {
        String guesser = "198.51.100.10";
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> wrong = get("/api/alerts", basic("tester", "guess-" + i), guesser);
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(readJson(wrong.body()).path("error").asText()).isEqualTo("unauthorized");
        }

        HttpResponse<String> throttled = get("/api/alerts", basic("tester", "guess-5"), guesser);
        HttpResponse<String> rightPasswordSameAddress = get("/api/alerts", basic("tester", "test-password"), guesser);
        HttpResponse<String> otherAddress = get("/api/alerts", basic("tester", "test-password"), "198.51.100.11");

        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(readJson(throttled.body()).path("error").asText()).isEqualTo("too-many-requests");
        assertThat(throttled.headers().firstValue("Retry-After")).hasValueSatisfying(
                seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 60L));
        assertThat(rightPasswordSameAddress.statusCode()).as("not even checked while throttled").isEqualTo(429);
        assertThat(otherAddress.statusCode()).isEqualTo(200);
    }

    @Test
    void wrongBearerTokensCountToo() {
        String guesser = "198.51.100.20";
        for (int i = 0; i < 5; i++) {
            assertThat(get("/api/alerts", "Bearer guess-" + i, guesser).statusCode()).isEqualTo(401);
        }
        assertThat(get("/api/alerts", "Bearer test-token", guesser).statusCode()).isEqualTo(429);
        assertThat(get("/api/alerts", "Bearer test-token", "198.51.100.21").statusCode()).isEqualTo(200);
    }

    @Test
    void aCorrectPasswordIsHashedOnceThenRecognisedByItsDigest() {
        double hashedBefore = metric("gateway_api_logins_total", "outcome=\"hashed\"");
        double cachedBefore = metric("gateway_api_logins_total", "outcome=\"cached\"");

        for (int i = 0; i < 20; i++) {
            assertThat(get("/api/alerts", basic("tester", "test-password"), "198.51.100.30").statusCode()).isEqualTo(200);
        }

        double hashed = metric("gateway_api_logins_total", "outcome=\"hashed\"") - hashedBefore;
        assertThat(hashed).as("bcrypt checks for 20 logins: the first one at most").isLessThanOrEqualTo(1.0);
        assertThat(metric("gateway_api_logins_total", "outcome=\"cached\"") - cachedBefore).isEqualTo(20.0 - hashed);

        HttpResponse<String> wrong = get("/api/alerts", basic("tester", "test-passwordX"), "198.51.100.31");

        assertThat(wrong.statusCode()).as("a different password is not taken for the remembered one").isEqualTo(401);
        assertThat(metric("gateway_api_logins_total", "outcome=\"hashed\"") - hashedBefore - hashed).as("a wrong password is checked with bcrypt")
                .isEqualTo(1.0);
    }

    /** gateway.api.logins with the given tag, read with the bearer token (which never touches Basic checks). */
}
