package com.jumiogateway.documentverification;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jumiogateway.routing.ExchangeNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static com.jumiogateway.documentverification.DocumentVerificationFixtures.ACCOUNT_NUMBER;
import static com.jumiogateway.documentverification.DocumentVerificationFixtures.PAN;
import static com.jumiogateway.documentverification.DocumentVerificationFixtures.SSN;
import static com.jumiogateway.documentverification.DocumentVerificationFixtures.bankStatementDocument;
import static com.jumiogateway.documentverification.DocumentVerificationFixtures.callback;
import static com.jumiogateway.documentverification.DocumentVerificationFixtures.creditCardDocument;
import static com.jumiogateway.documentverification.DocumentVerificationFixtures.doneTransaction;
import static com.jumiogateway.documentverification.DocumentVerificationFixtures.encode;
import static com.jumiogateway.documentverification.DocumentVerificationFixtures.form;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SensitiveNumberMaskerTest {

    private static final String REF = "5b3e3c1e-0000-4000-8000-00000000a001";
    private static final String TIMESTAMP = "2024-03-01T10:05:00.000Z";

    private final ObjectMapper mapper = DocumentVerificationFixtures.objectMapper();
    private final SensitiveNumberMasker masker = new SensitiveNumberMasker(mapper);
    private final CallbackBodyRedactor redactor = new CallbackBodyRedactor(masker, new SimpleMeterRegistry());

    // --- the mask itself --------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "4556737586899855       | ****9855",
            "4556 7375 8689 9855    | ****9855",
            "4556-7375-8689-9855    | ****9855",
            "123-45-6789            | ****6789",
            "123456789              | ****6789",
            "DE89370400440532013000 | ****3000",
            "12345                  | ****2345",
            "****9855               | ****9855",
            "1234                   | 1234",
            "xxxxxxxxx              | xxxxxxxxx",
            "XXX-XX-1234            | XXX-XX-1234",
            "N/A                    | N/A",
    })
    void maskKeepsTheLastFourDigitsOnlyAndLeavesValuesWithNothingToHide(String value, String masked) {
        assertThat(SensitiveNumberMasker.mask(value)).isEqualTo(masked);
        assertThat(SensitiveNumberMasker.mask(SensitiveNumberMasker.mask(value))).as("idempotent").isEqualTo(masked);
        assertThat(SensitiveNumberMasker.isSafe(masked)).isTrue();
    }

    @Test
    void nullStaysNull() {
        assertThat(SensitiveNumberMasker.mask(null)).isNull();
        assertThat(SensitiveNumberMasker.isSafe(null)).isTrue();
    }

    @Test
    void protectedFieldsAreMatchedWithoutRegardToCase() {
        assertThat(masker.isProtected("pan")).isTrue();
        assertThat(masker.isProtected("PAN")).isTrue();
        assertThat(masker.isProtected("accountNumber")).isTrue();
        assertThat(masker.isProtected("ssn")).isTrue();
        assertThat(masker.isProtected("cardNumberLastFourDigits")).isTrue();
        assertThat(masker.isProtected("name")).isFalse();
        assertThat(masker.isProtected("company")).isFalse();
        assertThat(masker.isProtected(null)).isFalse();
    }

    // --- raw bodies: byte for byte except the protected values ------------------------------------------------

    @Test
    void seedCallbacksHaveNothingToMaskAndStayByteForByte() {
        for (String seed : List.of(DocumentVerificationFixtures.uploaded(), DocumentVerificationFixtures.extractedSsc(),
                DocumentVerificationFixtures.discarded())) {
            CallbackBodyRedactor.Redaction redaction = redactor.redact(seed);
            assertThat(redaction.body()).isEqualTo(seed);
            assertThat(redaction.maskedValues()).isZero();
        }
    }

    @Test
    void cardNumberIsReducedToItsLastFourDigitsAndEveryOtherByteIsKept() {
        String body = callback(REF, TIMESTAMP, doneTransaction(), creditCardDocument(PAN));

        CallbackBodyRedactor.Redaction redaction = redactor.redact(body);

        assertThat(redaction.body()).isEqualTo(body.replace(PAN, "****9855"));
        assertThat(redaction.maskedValues()).isEqualTo(1);
        assertThat(decoded(redaction.body())).doesNotContain(PAN).contains("\"pan\": \"****9855\"");
    }

    @Test
    void accountNumberAndSsnAreReducedToTheirLastFourDigits() {
        String bank = callback(REF, TIMESTAMP, doneTransaction(), bankStatementDocument(ACCOUNT_NUMBER));
        String ssc = callback(REF, TIMESTAMP, doneTransaction(), "{\"type\": \"SSC\", \"country\": \"USA\", "
                + "\"extractedData\": {\"firstName\": \"JANE\", \"ssn\": \"" + SSN + "\"}, \"status\": \"EXTRACTED\"}");

        assertThat(redactor.redactFormBody(bank)).isEqualTo(bank.replace(ACCOUNT_NUMBER, "****3000"));
        assertThat(redactor.redactFormBody(ssc)).isEqualTo(ssc.replace(encode(SSN), "****6789"));
    }

    @Test
    void spacesEncodedAsPlusAndNonAsciiTextAroundTheValueAreKept() {
        String body = "scanReference=" + REF + "&document=%7B%22extractedData%22%3A%7B%22name%22%3A%22J%C3%BCrgen+M%C3%BCller"
                + "%22%2C%22pan%22%3A%224556+7375+8689+9855%22%7D%7D&transaction=%7B%7D";

        assertThat(redactor.redactFormBody(body)).isEqualTo(body.replace("4556+7375+8689+9855", "****9855"));
    }

    @Test
    void extractedDataSentAsAJsonStringIsMaskedInPlace() {
        String document = "{\"type\": \"CC\", \"status\": \"EXTRACTED\", \"extractedData\": "
                + "\"{\\\"name\\\": \\\"JANE\\\", \\\"pan\\\": \\\"" + PAN + "\\\"}\"}";
        String body = callback(REF, TIMESTAMP, doneTransaction(), document);

        String redacted = redactor.redactFormBody(body);

        assertThat(redacted).isEqualTo(body.replace(PAN, "****9855"));
    }

    @Test
    void documentSentAsAJsonStringHoldingExtractedDataAsAJsonStringIsMaskedInPlace() {
        String inner = "{\"pan\": \"" + PAN + "\", \"name\": \"JANE\"}";
        String document = "{\"type\": \"CC\", \"extractedData\": " + quoted(inner) + "}";
        String body = callback(REF, TIMESTAMP, doneTransaction(), quoted(document));
        assertThat(decoded(body)).contains("\\\\\\\"pan\\\\\\\": ");

        assertThat(redactor.redactFormBody(body)).isEqualTo(body.replace(PAN, "****9855"));
    }

    @Test
    void aNumberInsteadOfAStringBecomesAMaskedString() {
        String body = callback(REF, TIMESTAMP, doneTransaction(),
                "{\"type\":\"CC\",\"extractedData\":{\"pan\": " + PAN + ",\"expiryDate\":\"2027-08-31\"}}");

        String redacted = redactor.redactFormBody(body);

        assertThat(decoded(redacted)).contains("\"pan\": \"****9855\",\"expiryDate\"").doesNotContain(PAN);
        assertThat(redacted).startsWith(body.substring(0, body.indexOf(PAN)))
                .endsWith(body.substring(body.indexOf(PAN) + PAN.length()));
    }

    @Test
    void aFourDigitCardNumberEndingIsKeptButALongerOneIsMasked() {
        String statement = "{\"type\": \"CCS\", \"extractedData\": {\"cardNumberLastFourDigits\": \"9855\"}}";
        String wrong = "{\"type\":\"CCS\",\"extractedData\":{\"cardNumberLastFourDigits\":\"" + PAN + "\"}}";

        String body = callback(REF, TIMESTAMP, doneTransaction(), statement);
        assertThat(redactor.redactFormBody(body)).isEqualTo(body);
        assertThat(decoded(redactor.redactFormBody(callback(REF, TIMESTAMP, doneTransaction(), wrong))))
                .contains("\"cardNumberLastFourDigits\":\"****9855\"").doesNotContain(PAN);
    }

    @Test
    void protectedTopLevelParametersAreMaskedToo() {
        String body = form("scanReference", REF, "pan", PAN, "SSN", SSN, "note", "keep 12345678");

        assertThat(redactor.redactFormBody(body))
                .isEqualTo(form("scanReference", REF, "pan", "****9855", "SSN", "****6789", "note", "keep 12345678"));
    }

    @Test
    void keyNamesInOtherCaseAreMasked() {
        String body = callback(REF, TIMESTAMP, doneTransaction(), "{\"extractedData\": {\"PAN\": \"" + PAN + "\"}}");

        assertThat(redactor.redactFormBody(body)).isEqualTo(body.replace(PAN, "****9855"));
    }

    @Test
    void unicodeEscapedKeyNamesFallBackToRewritingThatParameterFromParsedJson() throws Exception {
        String document = "{\"type\":\"CC\",\"extractedData\":{\"p\\u0061n\":\"" + PAN + "\"}}";
        String body = form("scanReference", REF, "document", document, "transaction", doneTransaction());

        String redacted = redactor.redactFormBody(body);

        assertThat(redacted).doesNotContain(PAN);
        assertThat(redacted).startsWith(form("scanReference", REF) + "&document=")
                .endsWith("&" + form("transaction", doneTransaction()));
        JsonNode stored = mapper.readTree(URLDecoder.decode(
                redacted.split("&")[1].substring("document=".length()), StandardCharsets.UTF_8));
        assertThat(stored.path("extractedData").path("pan").asText()).isEqualTo("****9855");
        assertThat(stored.path("type").asText()).isEqualTo("CC");
    }

    @Test
    void anEscapedQuoteInsideTheValueCannotHideDigits() {
        String document = "{\"extractedData\":{\"pan\":\"4556\\\"737586899855\"}}";
        String body = form("scanReference", REF, "document", document);

        String redacted = decoded(redactor.redactFormBody(body));

        assertThat(redacted).doesNotContain("737586899855").contains("****9855");
    }

    @Test
    void brokenJsonThatNamesAProtectedFieldHasEveryLongDigitRunMasked() {
        String document = "{\"extractedData\":{\"name\":\"JANE\",\"pan\":\"" + PAN + ", \"ssn\":" + SSN;
        String body = form("scanReference", REF, "document", document);

        String redacted = decoded(redactor.redactFormBody(body));

        assertThat(redacted).doesNotContain(PAN).doesNotContain(SSN).contains("JANE").contains("scanReference=" + REF);
    }

    @Test
    void aJsonBodyPostedAsAFormIsMaskedToo() {
        String body = "{\"scanReference\": \"" + REF + "\", \"document\": {\"extractedData\": {\"pan\": \"" + PAN + "\"}}}";

        assertThat(redactor.redactFormBody(body)).isEqualTo(body.replace(PAN, "****9855"));
    }

    @Test
    void brokenPercentEscapesDoNotStopMasking() {
        String body = "scanReference=" + REF + "&broken=%E0%A4%A&document="
                + encode("{\"extractedData\": {\"pan\": \"" + PAN + "\"}}") + "%";

        assertThat(redactor.redactFormBody(body)).isEqualTo(body.replace(PAN, "****9855"));
    }

    @Test
    void hostileBodiesAreMaskedInLinearTime() {
        String backslashes = "document=" + "%5C".repeat(80_000) + "%22pan%22%3A%22" + PAN + "%22";
        String quotes = "document=" + "%22pan".repeat(40_000) + "%22%3A%22" + PAN;

        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5), () -> {
            assertThat(redactor.redactFormBody(backslashes)).doesNotContain(PAN).endsWith("****9855%22");
            assertThat(redactor.redactFormBody(quotes)).doesNotContain(PAN);
        });
    }

    @Test
    void emptyAndNullBodiesAreReturnedAsTheyAre() {
        assertThat(redactor.redactFormBody("")).isEmpty();
        assertThat(redactor.redactFormBody(null)).isNull();
        assertThat(redactor.redactFormBody("a=1&&b")).isEqualTo("a=1&&b");
    }

    // --- parsed JSON ------------------------------------------------------------------------------------------

    @Test
    void maskTreeMasksProtectedFieldsAtAnyDepthAndInJsonStrings() throws Exception {
        JsonNode tree = mapper.readTree("{\"a\":{\"b\":[{\"accountNumber\":\"" + ACCOUNT_NUMBER + "\"}]},"
                + "\"c\":\"{\\\"ssn\\\":\\\"" + SSN + "\\\"}\",\"pan\":[\"" + PAN + "\"],\"name\":\"4556737586899855\"}");

        JsonNode masked = masker.maskTree(tree);

        assertThat(masked.path("a").path("b").get(0).path("accountNumber").asText()).isEqualTo("****3000");
        assertThat(mapper.readTree(masked.path("c").asText()).path("ssn").asText()).isEqualTo("****6789");
        assertThat(masked.path("pan").get(0).asText()).isEqualTo("****9855");
        assertThat(masked.path("name").asText()).as("only protected fields are masked").isEqualTo(PAN);
    }

    @Test
    void maskTreeReachesProtectedFieldsDeepInsideObjects() throws Exception {
        String deep = "{\"a\":".repeat(40) + "{\"pan\":\"" + PAN + "\"}" + "}".repeat(40);

        JsonNode masked = masker.maskTree(mapper.readTree(deep));

        assertThat(masked.toString()).doesNotContain(PAN).contains("****9855");
    }

    // --- settings ---------------------------------------------------------------------------------------------

    @Test
    void extraFieldsCanBeProtected() {
        DocumentVerificationProperties properties = new DocumentVerificationProperties();
        properties.setExtraMaskedFields(List.of("routingNumber", " "));
        CallbackBodyRedactor custom = new CallbackBodyRedactor(new SensitiveNumberMasker(mapper, properties),
                new SimpleMeterRegistry());
        String body = form("document", "{\"extractedData\":{\"routingNumber\":\"021000021\",\"pan\":\"" + PAN + "\"}}");

        assertThat(decoded(custom.redactFormBody(body))).contains("\"routingNumber\":\"****0021\"", "\"pan\":\"****9855\"");
    }

    @Test
    void ssnAndAccountNumberCanBeKeptInFullButTheCardNumberCannot() {
        DocumentVerificationProperties properties = new DocumentVerificationProperties();
        properties.setUnmaskedFields(List.of("SSN", "accountNumber"));
        CallbackBodyRedactor keeping = new CallbackBodyRedactor(new SensitiveNumberMasker(mapper, properties),
                new SimpleMeterRegistry());
        String body = form("document", "{\"extractedData\":{\"ssn\":\"" + SSN + "\",\"accountNumber\":\""
                + ACCOUNT_NUMBER + "\",\"pan\":\"" + PAN + "\"}}");

        assertThat(decoded(keeping.redactFormBody(body))).contains(SSN, ACCOUNT_NUMBER, "\"pan\":\"****9855\"");

        DocumentVerificationProperties pan = new DocumentVerificationProperties();
        pan.setUnmaskedFields(List.of("pan"));
        assertThatThrownBy(() -> new SensitiveNumberMasker(mapper, pan))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("pan");
    }

    // --- as the intake route calls it -------------------------------------------------------------------------

    @Test
    void routeStepReplacesTheBodyHeaderAndBodyAndCountsMaskedValues() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CallbackBodyRedactor routed = new CallbackBodyRedactor(masker, meters);
        String body = callback(REF, TIMESTAMP, doneTransaction(), creditCardDocument(PAN));
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setHeader(ExchangeNames.CALLBACK_BODY, body);
        exchange.getIn().setBody(body.getBytes(StandardCharsets.UTF_8));

        routed.redactCallbackBody(exchange);

        assertThat(exchange.getIn().getHeader(ExchangeNames.CALLBACK_BODY, String.class))
                .isEqualTo(body.replace(PAN, "****9855"));
        assertThat(exchange.getIn().getBody(String.class)).isEqualTo(body.replace(PAN, "****9855"));
        assertThat(meters.counter("gateway.intake.masked.values").count()).isEqualTo(1.0);
    }

    private static String decoded(String body) {
        return URLDecoder.decode(body, StandardCharsets.UTF_8);
    }

    private String quoted(String text) {
        try {
            return mapper.writeValueAsString(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
