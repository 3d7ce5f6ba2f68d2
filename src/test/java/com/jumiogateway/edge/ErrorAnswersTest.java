package com.jumiogateway.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.RawHttp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every answer of the service is JSON, with a 4xx for bad input: Tomcat's own errors, Spring's error page, the
 * security layer and the routes alike. Nothing is read before authentication decides on /api/**. Health tells
 * anonymous callers the status only.
 */
class ErrorAnswersTest extends GatewayTestSupport {

    private static final String AUTH = basic("tester", "test-password");

    @Test
    void everyErrorPathAnswersJsonNeverHtml() throws Exception {
        String longPath = "/api/verifications/" + "a".repeat(20 * 1024);
        Map<String, RawHttp.Response> answers = new LinkedHashMap<>();
        answers.put("encoded slash", get("/api/verifications/a%2Fb", AUTH));
        answers.put("encoded slash, anonymous", get("/api/verifications/a%2Fb", null));
        answers.put("20 kB URL", get(longPath, AUTH));
        answers.put("20 kB header", RawHttp.raw(port, "GET /api/alerts HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20 * 1024)
                + "\r\n\r\n"));
        answers.put("invalid character in the request line", RawHttp.raw(port, "GET /api/a{b} HTTP/1.1\r\nHost: x\r\n\r\n"));
        answers.put("bad request line", RawHttp.raw(port, "NOT-HTTP\r\n\r\n"));
        answers.put("unknown path, anonymous", get("/nowhere", null));
        answers.put("unknown path", get("/nowhere", AUTH));
        answers.put("unknown API path", get("/api/nowhere", AUTH));
        answers.put("wrong method on an API route", RawHttp.send("127.0.0.1", port, "DELETE", "/api/alerts", null, new byte[0],
                Map.of("Authorization", AUTH)));
        answers.put("wrong method on a callback route", RawHttp.send("127.0.0.1", port, "GET", "/callbacks/netverify", null,
                new byte[0], Map.of("X-Forwarded-For", JUMIO_US)));
        answers.put("replay of a non-numeric id", RawHttp.send("127.0.0.1", port, "POST", "/api/callbacks/abc/replay", null,
                new byte[0], Map.of("Authorization", AUTH)));
        answers.put("resend of a non-numeric id", RawHttp.send("127.0.0.1", port, "POST", "/api/alerts/abc/resend", null,
                new byte[0], Map.of("Authorization", AUTH)));
        answers.put("wrong credentials", get("/api/alerts", basic("tester", "wrong")));
        answers.put("HTML asked for", RawHttp.send("127.0.0.1", port, "GET", "/api/nowhere", null, new byte[0],
                Map.of("Authorization", AUTH, "Accept", "text/html")));
        // a path with GET only (DELETE /api/verifications/{scanReference} is the erasure)
        for (String method : List.of("PUT", "PATCH", "DELETE")) {
            for (String auth : new String[] {null, AUTH}) {
                Map<String, String> headers = auth == null ? Map.of() : Map.of("Authorization", auth);
                answers.put(method + " malformed form" + (auth == null ? ", anonymous" : ""), RawHttp.send("127.0.0.1", port,
                        method, "/api/document-verifications/x", FORM, "a=%zz&%%%&b".getBytes(StandardCharsets.UTF_8), headers));
            }
        }

        answers.forEach((what, response) -> {
            assertThat(response.status()).as(what + ": a 4xx\n" + response.text()).isBetween(400, 499);
            assertThat(response.headers().get("content-type")).as(what + "\n" + response.text()).startsWith("application/json");
            assertThat(response.body()).as(what).doesNotContainIgnoringCase("<html").doesNotContain("Tomcat");
            assertThat(readJson(response.body()).path("error").asText()).as(what).isNotBlank();
        });
        assertThat(answers.get("encoded slash").status()).isEqualTo(400);
        assertThat(answers.get("20 kB URL").status()).isEqualTo(400);
        assertThat(answers.get("unknown path, anonymous").status()).isEqualTo(401);
        assertThat(answers.get("unknown API path").status()).isEqualTo(404);
        assertThat(answers.get("wrong method on an API route").status()).isEqualTo(405);
        assertThat(answers.get("wrong method on a callback route").status()).isEqualTo(405);
        assertThat(answers.get("replay of a non-numeric id").status()).isEqualTo(400);
        assertThat(answers.get("resend of a non-numeric id").status()).as("no such alert").isEqualTo(404);
        assertThat(answers.get("wrong credentials").status()).isEqualTo(401);
        assertThat(answers.get("PUT malformed form, anonymous").status()).isEqualTo(401);
        assertThat(answers.get("PUT malformed form").status()).isEqualTo(405);
    }

    @Test
    void nothingIsReadBeforeAuthenticationOnTheApi() throws Exception {
        for (String method : List.of("PUT", "POST", "PATCH", "DELETE")) {
            RawHttp.Upload upload = RawHttp.upload("127.0.0.1", port, method, "/api/verifications/x", FORM, Map.of(),
                    100L * 1024 * 1024, 2048, Duration.ofMillis(25), Duration.ofSeconds(20));

            assertThat(upload.response()).as(method + " answered").isNotNull();
            assertThat(upload.response().status()).as(method).isEqualTo(401);
            assertThat(upload.response().headers().get("content-type")).startsWith("application/json");
            assertThat(upload.bodyBytesSent()).as(method + ": body bytes sent before the 401").isLessThan(64 * 1024);
            assertThat(upload.closedByServer()).as(method + ": the rest is never read").isTrue();
        }
    }

    @Test
    void anonymousHealthIsTheStatusOnlyAuthenticatedHealthHasDetails() {
        HttpResponse<String> anonymous = send(HttpRequest.newBuilder(URI.create(url("/actuator/health"))).GET().build());
        HttpResponse<String> authenticated = apiGet("/actuator/health");

        assertThat(anonymous.statusCode()).isEqualTo(200);
        JsonNode status = readJson(anonymous.body());
        assertThat(status.path("status").asText()).isEqualTo("UP");
        // the status, and the names of the probe groups (liveness, readiness): nothing about the components
        assertThat(status.size()).as(anonymous.body()).isLessThanOrEqualTo(2);
        assertThat(status.path("groups").toString()).isIn("[\"liveness\",\"readiness\"]", "");
        assertThat(anonymous.body()).doesNotContain("H2", "PostgreSQL", "diskSpace", "path", "camel", "pending");
        JsonNode components = readJson(authenticated.body()).path("components");
        assertThat(components.path("db").path("status").asText()).isEqualTo("UP");
        assertThat(components.path("inbox").path("details").has("pending")).isTrue();
    }

    @Test
    void storedCallbacksAreListedWithCamelCaseKeysOnEveryDatabase() {
        post("/callbacks/netverify", "verificationStatus=APPROVED_VERIFIED", FORM, JUMIO_US);
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM callback_inbox WHERE status = 'FAILED'", Long.class) == 1);

        JsonNode listed = readJson(apiGet("/api/callbacks?status=FAILED").body());

        assertThat(listed).hasSize(1);
        List<String> keys = new java.util.ArrayList<>();
        listed.get(0).fieldNames().forEachRemaining(keys::add);
        assertThat(keys).contains("id", "kind", "sourceAddress", "contentType", "receivedAt", "status", "attempts",
                "processedAt", "failureReason").allSatisfy(key -> assertThat(key).matches("[a-z][A-Za-z]*"));
        assertThat(listed.get(0).path("kind").asText()).isEqualTo("NETVERIFY");
        assertThat(listed.get(0).path("sourceAddress").asText()).isEqualTo(JUMIO_US);
        assertThat(listed.get(0).path("receivedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    }

    private RawHttp.Response get(String path, String authorization) throws java.io.IOException {
        return RawHttp.send("127.0.0.1", port, "GET", path, null, new byte[0],
                authorization == null ? Map.of() : Map.of("Authorization", authorization));
    }
}
