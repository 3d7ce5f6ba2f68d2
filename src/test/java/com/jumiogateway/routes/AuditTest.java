package com.jumiogateway.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.jumiogateway.support.GatewayTestSupport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Who read what (routes/audit-api.camel.yaml and the audit steps of routes/verifications-api.camel.yaml): every API
 * read of a result with personal data is recorded with the caller, the time, the reference and the client address;
 * GET /api/audit?reference=... lists them for authenticated callers; the table is append-only.
 */
class AuditTest extends GatewayTestSupport {

    static final String SEED_REF = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

    private JsonNode events(String reference) {
        HttpResponse<String> answer = apiGet("/api/audit?reference=" + reference);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return readJson(answer.body());
    }

    private HttpResponse<String> get(String path, String authorization, String forwardedFor) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization).GET();
        if (forwardedFor != null) {
            request.header("X-Forwarded-For", forwardedFor);
        }
        return send(request.build());
    }

    @Test
    void everyReadOfAResultIsRecordedWithCallerTimeReferenceAndAddress() {
        String ref = "a0d17000-0000-4000-8000-000000000001";
        postFromJumio("/callbacks/netverify", fixture("netverify/approved-verified.txt").replace(SEED_REF, ref), FORM);
        awaitResult(ref);
        jdbc.update("TRUNCATE TABLE audit_event");
        Instant before = Instant.now().minusSeconds(1);

        assertThat(get("/api/verifications/" + ref, basic("tester", "test-password"), "203.0.113.9").statusCode()).isEqualTo(200);
        assertThat(get("/api/verifications/" + ref, "Bearer test-token", null).statusCode()).isEqualTo(200);
        // nothing answered, nothing read
        assertThat(apiGet("/api/verifications/a0d17000-0000-4000-8000-00000000dead").statusCode()).isEqualTo(404);

        JsonNode events = events(ref);
        assertThat(events).hasSize(2);
        JsonNode byToken = events.get(0);
        JsonNode byUser = events.get(1);
        assertThat(byUser.path("action").asText()).isEqualTo("READ_RESULT");
        assertThat(byUser.path("caller").asText()).isEqualTo("tester");
        assertThat(byUser.path("clientAddress").asText()).as("from the trusted proxy's X-Forwarded-For").isEqualTo("203.0.113.9");
        assertThat(Instant.parse(byUser.path("at").asText())).isAfter(before).isBefore(Instant.now().plusSeconds(1));
        assertThat(byToken.path("caller").asText()).as("a token is named by its fingerprint, never itself")
                .startsWith("token:").doesNotContain("test-token");
        assertThat(byToken.path("clientAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM audit_event", Long.class)).isEqualTo(2);
    }

    @Test
    void documentVerificationAndPlatformLookupsAreRecordedToo() {
        postFromJumio("/callbacks/document-verification", fixture("document-verification/uploaded.txt"), FORM);
        awaitServed("/api/document-verifications/" + SEED_REF);
        // a stored Platform result of an end user
        String execution = "a0d17000-0000-4000-8000-0000000000p1";
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.update("INSERT INTO verification_result (scan_reference, kind, source, status, decision, customer_id,"
                + " event_time, payload_hash, result_json, created_at, updated_at) VALUES (?, 'PLATFORM', 'CALLBACK',"
                + " 'PASSED', 'APPROVED', 'user-a1', ?, 'h', ?, ?, ?)", execution, now,
                "{\"scanReference\":\"" + execution + "\",\"kind\":\"PLATFORM\"}", now, now);
        jdbc.update("INSERT INTO platform_execution (workflow_execution_id, account_id, user_reference, created_at)"
                + " VALUES (?, 'acc-a1', 'user-a1', ?)", execution, now);
        jdbc.update("TRUNCATE TABLE audit_event");

        assertThat(apiGet("/api/document-verifications/" + SEED_REF).statusCode()).isEqualTo(200);
        assertThat(apiGet("/api/platform/verifications?userReference=user-a1").statusCode()).isEqualTo(200);

        assertThat(events(SEED_REF)).singleElement()
                .satisfies(e -> assertThat(e.path("action").asText()).isEqualTo("READ_DOCUMENT_VERIFICATION"));
        assertThat(events(execution)).singleElement()
                .satisfies(e -> assertThat(e.path("action").asText()).isEqualTo("READ_PLATFORM_RESULT"));
    }

    @Test
    void theAuditIsForAuthenticatedCallersAndNeedsAReference() {
        assertThat(send(HttpRequest.newBuilder(URI.create(url("/api/audit?reference=x"))).GET().build()).statusCode())
                .isEqualTo(401);
        HttpResponse<String> noReference = apiGet("/api/audit");
        assertThat(noReference.statusCode()).isEqualTo(400);
        assertThat(readJson(noReference.body()).path("error").asText()).isEqualTo("bad-request");
    }

    @Test
    void onPostgresqlTheAuditRefusesUpdateAndDelete() {
        String ref = "a0d17000-0000-4000-8000-000000000003";
        postFromJumio("/callbacks/netverify", fixture("netverify/approved-verified.txt").replace(SEED_REF, ref), FORM);
        awaitResult(ref);
        apiGet("/api/verifications/" + ref);
        boolean postgres = com.jumiogateway.storage.SqlValues.isPostgres(jdbc);
        if (!postgres) {
            // H2 has no SQL triggers: append-only there means the service has no UPDATE or DELETE path (AuditLog)
            return;
        }
        int recorded = events(ref).size();
        assertThat(recorded).isPositive();
        assertThatThrownBy(() -> jdbc.update("UPDATE audit_event SET caller = 'someone-else'"))
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.update("DELETE FROM audit_event WHERE reference = ?", ref))
                .hasMessageContaining("append-only");
        assertThat(events(ref)).hasSize(recorded).allSatisfy(e -> assertThat(e.path("caller").asText()).isEqualTo("tester"));
    }
}
