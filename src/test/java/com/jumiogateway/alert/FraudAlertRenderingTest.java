package com.jumiogateway.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.jumiogateway.result.CallbackKind;
import com.jumiogateway.result.Decision;
import com.jumiogateway.result.RejectReason;
import com.jumiogateway.result.ResultSource;
import com.jumiogateway.result.VerificationResult;
import com.jumiogateway.security.ApiProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AlertRenderer with the real templates in config/templates, and the outbox's backoff arithmetic. */
class FraudAlertRenderingTest {

    private final AlertProperties properties = properties();
    private final AlertRenderer renderer = new AlertRenderer(properties, api());

    @Test
    void valuesAreHtmlEscapedInTheHtmlPartAndKeptOnOneLine() {
        VerificationResult result = result("<script>alert(1)</script>", "C\r\nBcc: x@evil.test");
        Map<String, Object> data = renderer.fraudAlertData(result, "netverify-denied-fraud");

        AlertMessage message = renderer.render(new ClaimedAlert(7, "netverify-denied-fraud:ref-1", "netverify-denied-fraud",
                "FRAUD", "ref-1", 1, Instant.parse("2024-03-01T10:06:00Z"), data));

        assertThat(message.html()).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>");
        assertThat(message.text()).contains("<script>alert(1)</script>");
        assertThat(message.text()).contains("C Bcc: x@evil.test").doesNotContain("C\r\nBcc");
        assertThat(message.subject()).isEqualTo("Jumio alert netverify-denied-fraud: DENIED_FRAUD for scan ref-1");
        assertThat(message.to()).isEqualTo("compliance@bank.test");
        assertThat(message.cc()).isNull();
        assertThat(message.bcc()).isNull();
        assertThat(message.html()).contains("https://gateway.bank.test/console/verifications/ref-1");
        assertThat(message.text()).contains("https://gateway.bank.test/console/verifications/ref-1");
    }

    @Test
    void subjectNeverCarriesALineBreak() {
        String subject = AlertRenderer.subject("Alert {rule}: {status} {scanReference}",
                Map.of("rule", "r", "status", "DENIED_FRAUD\r\nBcc: x@evil.test", "scanReference", "a\nb\u2028c"));

        assertThat(subject).isEqualTo("Alert r: DENIED_FRAUD Bcc: x@evil.test a b c").doesNotContain("\r", "\n");
    }

    @Test
    void configuredAddressesAreParsedStrictly() {
        assertThat(AlertRenderer.addresses(" a@bank.test , Team B <b@bank.test>", "to"))
                .isEqualTo("a@bank.test, Team B <b@bank.test>");
        assertThat(AlertRenderer.addresses("  ", "cc")).isNull();
        assertThatThrownBy(() -> AlertRenderer.addresses("a@bank.test\r\nBcc: x@evil.test", "to"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void backoffGrowsExponentiallyUpToTheMaximum() {
        AlertProperties backoff = new AlertProperties();
        backoff.setBackoffInitial(Duration.ofSeconds(30));
        backoff.setBackoffMultiplier(2);
        backoff.setBackoffMax(Duration.ofMinutes(5));

        assertThat(backoff.backoff(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.backoff(2)).isEqualTo(Duration.ofSeconds(60));
        assertThat(backoff.backoff(4)).isEqualTo(Duration.ofSeconds(240));
        assertThat(backoff.backoff(5)).isEqualTo(Duration.ofMinutes(5));
        assertThat(backoff.backoff(500)).isEqualTo(Duration.ofMinutes(5));
    }

    private static VerificationResult result(String merchantReference, String customerId) {
        return new VerificationResult("ref-1", CallbackKind.NETVERIFY, ResultSource.CALLBACK, "DENIED_FRAUD",
                Decision.FRAUD, merchantReference, customerId, "PASSPORT", "AUT", "Austria",
                new RejectReason("105", "FRAUDSTER", "FRAUD", true, List.of()),
                Instant.parse("2024-03-01T10:00:00Z"), Instant.parse("2024-03-01T10:05:00Z"), 300L, null);
    }

    private static AlertProperties properties() {
        AlertProperties properties = new AlertProperties();
        AlertProperties.Category fraud = new AlertProperties.Category();
        fraud.setTo("compliance@bank.test");
        fraud.setTemplate("fraud-alert");
        properties.getCategories().put("fraud", fraud);
        properties.setTemplatesDir("config/templates");
        return properties;
    }

    private static ApiProperties api() {
        ApiProperties api = new ApiProperties();
        api.setPublicBaseUrl("https://gateway.bank.test");
        return api;
    }
}
