package com.jumiogateway.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.jumiogateway.support.DatabaseSearch;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.OwnContext;
import com.jumiogateway.support.Signals;
import com.jumiogateway.support.TestClock;
import com.jumiogateway.support.TestSmtp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * routes/retention.camel.yaml with a clock the test moves: raw bodies of processed callbacks go after
 * gateway.retention.raw-callbacks while their results stay; FAILED bodies stay until their own, longer limit;
 * personal fields of results and the content of sent alerts go after gateway.retention.personal-data; audit events
 * after gateway.retention.audit. Batches of 2 rows, so every purge takes several. Health shows what is due.
 */
// the clock only moves forward within the class: the test that moves it furthest (two years) runs last
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
@OwnContext
class RetentionTest extends GatewayTestSupport {

    static final TestSmtp smtp = new TestSmtp().start();
    // ticking: a send that fails once is retried seconds later, as in production (a frozen clock never gets there)
    static final TestClock clock = TestClock.ticking();
    static final String SEED_REF = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    static final String[] PERSON = {"Wilhelmina", "Thistlewood", "1983-11-02", "RT5530981"};

    @TestConfiguration
    static class MovableClock {
        @Bean
        @Primary
        Clock testClock() {
            return clock;
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        smtp.register(registry);
        registry.add("gateway.alerts.categories.fraud.to", () -> "compliance@bank.test");
        registry.add("gateway.retention.interval", () -> "100");
        registry.add("gateway.retention.batch-size", () -> "2");
        registry.add("gateway.retention.raw-callbacks", () -> "30d");
        registry.add("gateway.retention.failed-raw-callbacks", () -> "90d");
        registry.add("gateway.retention.personal-data", () -> "365d");
        registry.add("gateway.retention.audit", () -> "730d");
    }

    @AfterAll
    static void stopSmtp() {
        smtp.stop();
    }

    static String callback(String scanReference) {
        return fixture("netverify/denied-fraud.txt").replace(SEED_REF, scanReference) + "&idFirstName=" + PERSON[0]
                + "&idLastName=" + PERSON[1] + "&idDob=" + PERSON[2] + "&idNumber=" + PERSON[3] + "&customerId=cust-r";
    }

    private void advanceAndPurge(Duration by) {
        clock.advance(by);
        // two runs after the move: the first may have started before it
        Signals.awaitRounds(camelContext, "retention", 2);
    }

    private long count(String sql) {
        return jdbc.queryForObject(sql, Long.class);
    }

    private JsonNode retentionHealth() {
        return readJson(apiGet("/actuator/health").body()).path("components").path("retention").path("details");
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void eachKindOfPersonalDataGoesAfterItsOwnPeriodAndWhatIsForStatisticsStays() throws Exception {
        List<String> refs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            refs.add("7e7e0000-0000-4000-8000-00000000000" + i);
            assertThat(postFromJumio("/callbacks/netverify", callback(refs.get(i)), FORM).statusCode()).isEqualTo(200);
        }
        // a malformed callback of the person: FAILED, kept for a fix and a replay
        assertThat(postFromJumio("/callbacks/netverify", "jumioIdScanReference=" + refs.get(0) + "&idFirstName="
                + PERSON[0] + "%zz", FORM).statusCode()).isEqualTo(200);
        refs.forEach(this::awaitResult);
        awaitAlertsSettled();
        assertThat(count("SELECT COUNT(*) FROM alert_outbox WHERE status = 'SENT'")).isEqualTo(5);
        double rawBefore = metric("gateway.retention.purged", "what=\"raw-callbacks\"");

        // 29 days: nothing is due yet
        advanceAndPurge(Duration.ofDays(29));
        assertThat(count("SELECT COUNT(*) FROM callback_inbox WHERE body_purged_at IS NULL")).isEqualTo(6);
        assertThat(retentionHealth().path("raw-callbacks").path("due").asLong()).isZero();

        // 31 days, retention paused for a moment: health shows what is due and how old the oldest is
        camelContext.getRouteController().stopRoute("retention");
        clock.advance(Duration.ofDays(2));
        JsonNode due = retentionHealth().path("raw-callbacks");
        assertThat(due.path("due").asLong()).isEqualTo(5);
        assertThat(due.path("oldestDueAgeSeconds").asLong()).isGreaterThanOrEqualTo(Duration.ofDays(31).toSeconds());
        camelContext.getRouteController().startRoute("retention");
        advanceAndPurge(Duration.ZERO);

        // processed raw bodies are gone (the rows stay, marked); the FAILED one stays; results are untouched
        assertThat(count("SELECT COUNT(*) FROM callback_inbox")).isEqualTo(6);
        assertThat(count("SELECT COUNT(*) FROM callback_inbox WHERE status = 'PROCESSED' AND body_purged_at IS NOT NULL")).isEqualTo(5);
        assertThat(jdbc.queryForList("SELECT body FROM callback_inbox WHERE status = 'PROCESSED'", byte[].class))
                .allSatisfy(body -> assertThat(body).isEmpty());
        assertThat(count("SELECT COUNT(*) FROM callback_inbox WHERE status = 'FAILED' AND body_purged_at IS NULL")).isEqualTo(1);
        assertThat(metric("gateway.retention.purged", "what=\"raw-callbacks\"")).isEqualTo(rawBefore + 5);
        assertThat(retentionHealth().path("raw-callbacks").path("due").asLong()).isZero();
        JsonNode kept = awaitResult(refs.get(1));
        assertThat(kept.path("details").path("idLastName").asText()).isEqualTo(PERSON[1]);

        // 91 days: the FAILED body has reached its own limit
        advanceAndPurge(Duration.ofDays(60));
        assertThat(count("SELECT COUNT(*) FROM callback_inbox WHERE body_purged_at IS NULL")).isZero();
        assertThat(DatabaseSearch.find(jdbc, PERSON)).allMatch(hit -> hit.startsWith("verification_result.result_json"));

        // 366 days: personal fields of results and the content of sent alerts are gone; statistics stay
        advanceAndPurge(Duration.ofDays(275));
        assertThat(DatabaseSearch.find(jdbc, PERSON)).isEmpty();
        assertThat(count("SELECT COUNT(*) FROM verification_result WHERE personal_data_purged_at IS NOT NULL")).isEqualTo(5);
        assertThat(count("SELECT COUNT(*) FROM alert_outbox WHERE content_purged_at IS NOT NULL")).isEqualTo(5);
        JsonNode purged = readJson(apiGet("/api/verifications/" + refs.get(1)).body());
        assertThat(purged.has("details")).isFalse();
        assertThat(purged.path("personalData").path("state").asText()).isEqualTo("PURGED");
        assertThat(purged.path("status").asText()).isEqualTo("DENIED_FRAUD");
        assertThat(purged.path("decision").asText()).isEqualTo("FRAUD");
        assertThat(purged.path("rejectReason").path("code").asText()).isEqualTo("100");
        assertThat(purged.path("customerId").asText()).as("references stay").isEqualTo("cust-r");
        assertThat(purged.path("eventTime").isMissingNode()).isFalse();
        assertThat(retentionHealth().path("personal-data").path("due").asLong()).isZero();
        assertThat(retentionHealth().path("alert-content").path("due").asLong()).isZero();
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void auditEventsGoAfterTheirOwnPeriod() {
        String ref = "7e7e0000-0000-4000-8000-000000000100";
        postFromJumio("/callbacks/netverify", callback(ref), FORM);
        awaitResult(ref);
        for (int i = 0; i < 4; i++) {
            apiGet("/api/verifications/" + ref);
        }
        long events = count("SELECT COUNT(*) FROM audit_event WHERE reference = '" + ref + "'");
        assertThat(events).isGreaterThanOrEqualTo(5);

        advanceAndPurge(Duration.ofDays(729));
        assertThat(count("SELECT COUNT(*) FROM audit_event WHERE reference = '" + ref + "'")).isEqualTo(events);

        advanceAndPurge(Duration.ofDays(2));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                count("SELECT COUNT(*) FROM audit_event WHERE reference = '" + ref + "'") == 0);
        assertThat(retentionHealth().path("audit").path("due").asLong()).isZero();
    }
}
