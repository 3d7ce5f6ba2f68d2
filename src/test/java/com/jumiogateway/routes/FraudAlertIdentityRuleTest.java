package com.jumiogateway.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.OwnContext;
import com.jumiogateway.support.TestSmtp;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The optional identity-verification rule, switched on (gateway.alerts.rules.identity-verification.enabled=true):
 * an approved document whose face match failed raises an alert of its own; a good match does not.
 * ({@link FraudAlertTest} shows the same callback raises nothing with the rule off, the default.)
 */
@OwnContext
class FraudAlertIdentityRuleTest extends GatewayTestSupport {

    static final String SEED_REF = FraudAlertTest.SEED_REF;
    static final TestSmtp smtp = new TestSmtp().start();

    @DynamicPropertySource
    static void alertSettings(DynamicPropertyRegistry registry) {
        registry.add("gateway.alerts.rules.identity-verification.enabled", () -> "true");
        smtp.register(registry);
        registry.add("gateway.alerts.categories.fraud.to", () -> "compliance@bank.test");
    }

    @BeforeEach
    void emptyMailboxes() {
        smtp.purge();
    }

    @AfterAll
    static void stopSmtp() {
        smtp.stop();
    }

    @Test
    void faceMismatchOnAnApprovedDocumentSendsOneIdentityVerificationAlert() throws Exception {
        String ref = "idv-00000000-0000-0000-0000-000000000002";

        assertThat(postFromJumio("/callbacks/netverify", FraudAlertTest.identityMismatch(ref), FORM).statusCode())
                .isEqualTo(200);

        smtp.awaitCopies(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> "SENT".equals(
                jdbc.queryForObject("SELECT MAX(status) FROM alert_outbox", String.class)));
        awaitAlertsSettled();
        assertThat(smtp.emails()).hasSize(1);
        assertThat(smtp.deliveries()).containsExactly(Map.entry("compliance@bank.test", 1L));
        MimeMessage email = smtp.received().get(0);
        assertThat(email.getSubject()).isEqualTo("Jumio alert identity-verification: APPROVED_VERIFIED for scan " + ref);
        for (String part : List.of(TestSmtp.part(email, "text/html"), TestSmtp.part(email, "text/plain"))) {
            assertThat(part).contains(ref, "identity-verification", "NO_MATCH", "false", "SELFIE_CROPPED_FROM_ID",
                    "YOURIDSCANREFERENCE");
            assertThat(part).doesNotContain(FraudAlertTest.FORBIDDEN.toArray(String[]::new));
        }
        assertThat(jdbc.queryForList("SELECT rule FROM alert_outbox", String.class)).containsExactly("identity-verification");
    }

    @Test
    void goodFaceMatchRaisesNothingAndFraudStillAlertsUnderItsOwnRule() throws Exception {
        assertThat(postFromJumio("/callbacks/netverify", fixture("netverify/approved-verified.txt"), FORM).statusCode())
                .isEqualTo(200);
        awaitResult(SEED_REF);
        awaitInboxDrained();
        String fraudRef = "idv-00000000-0000-0000-0000-000000000003";
        assertThat(postFromJumio("/callbacks/netverify",
                fixture("netverify/denied-fraud.txt").replace(SEED_REF, fraudRef), FORM).statusCode()).isEqualTo(200);

        smtp.awaitCopies(1);
        awaitAlertsSettled();
        assertThat(jdbc.queryForList("SELECT alert_key FROM alert_outbox", String.class))
                .containsExactly("netverify-denied-fraud:" + fraudRef);
        assertThat(smtp.emails()).hasSize(1);
        assertThat(smtp.received().get(0).getSubject()).contains("netverify-denied-fraud").contains(fraudRef);
    }
}
