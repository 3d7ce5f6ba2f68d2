package com.jumiogateway.documentverification;

import com.jumiogateway.routing.ExchangeNames;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jumiogateway.enrich.CountryNames;
import com.jumiogateway.result.CallbackKind;
import com.jumiogateway.result.Decision;
import com.jumiogateway.result.ResultSource;
import com.jumiogateway.result.VerificationResult;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;

import static com.jumiogateway.documentverification.DocumentVerificationFixtures.PAN;
import static com.jumiogateway.documentverification.DocumentVerificationFixtures.SEED_SCAN_REFERENCE;
import static com.jumiogateway.documentverification.DocumentVerificationFixtures.callback;
import static com.jumiogateway.documentverification.DocumentVerificationFixtures.creditCardDocument;
import static com.jumiogateway.documentverification.DocumentVerificationFixtures.doneTransaction;
import static com.jumiogateway.documentverification.DocumentVerificationFixtures.form;
import static org.assertj.core.api.Assertions.assertThat;

class DocumentVerificationEnricherTest {

    private static final Instant RECEIVED_AT = Instant.parse("2024-03-01T10:15:30Z");
    private static final String REF = "5b3e3c1e-0000-4000-8000-00000000c001";

    private final ObjectMapper mapper = DocumentVerificationFixtures.objectMapper();
    private final DocumentVerificationCallbackParser parser = DocumentVerificationFixtures.parser();
    private final DocumentVerificationEnricher enricher = new DocumentVerificationEnricher(new CountryNames());

    @Test
    void seedExtractedSocialSecurityCard() {
        VerificationResult result = enricher.enrich(parser.parse(DocumentVerificationFixtures.extractedSsc()),
                ResultSource.CALLBACK, RECEIVED_AT);

        assertThat(result.scanReference()).isEqualTo(SEED_SCAN_REFERENCE);
        assertThat(result.kind()).isEqualTo(CallbackKind.DOCUMENT_VERIFICATION);
        assertThat(result.source()).isEqualTo(ResultSource.CALLBACK);
        assertThat(result.status()).isEqualTo("EXTRACTED");
        assertThat(result.decision()).isEqualTo(Decision.EXTRACTED);
        assertThat(result.merchantReference()).isEqualTo("YOURSCANREFERENCE");
        assertThat(result.customerId()).isEqualTo("CUSTOMERID");
        assertThat(result.documentType()).isEqualTo("SSC");
        assertThat(result.country()).isEqualTo("USA");
        assertThat(result.countryName()).isEqualTo("United States");
        assertThat(result.rejectReason()).isNull();
        assertThat(result.transactionDate()).isEqualTo(Instant.parse("2014-10-17T06:37:51.969Z"));
        assertThat(result.eventTime()).as("Jumio's timestamp").isEqualTo(Instant.parse("2017-06-06T12:06:49.016Z"));
        assertThat(result.secondsToResult()).isEqualTo(83_222_937L);
        DocumentVerificationDetails details = (DocumentVerificationDetails) result.details();
        assertThat(details.documentTypeName()).isEqualTo("Social security card");
        assertThat(details.dataExtracted()).isTrue();
        assertThat(details.callback().document().extractedData().firstName()).isEqualTo("FIRSTNAME");
    }

    @Test
    void seedUploadedAndDiscarded() {
        VerificationResult uploaded = enricher.enrich(parser.parse(DocumentVerificationFixtures.uploaded()),
                ResultSource.CALLBACK, RECEIVED_AT);
        VerificationResult discarded = enricher.enrich(parser.parse(DocumentVerificationFixtures.discarded()),
                ResultSource.RETRIEVAL, RECEIVED_AT);

        assertThat(uploaded.status()).isEqualTo("UPLOADED");
        assertThat(uploaded.decision()).isEqualTo(Decision.UPLOADED_ONLY);
        assertThat(uploaded.countryName()).isEqualTo("Austria");
        assertThat(((DocumentVerificationDetails) uploaded.details()).dataExtracted()).isFalse();
        assertThat(discarded.status()).isEqualTo("DISCARDED");
        assertThat(discarded.decision()).isEqualTo(Decision.DISCARDED);
        assertThat(discarded.source()).isEqualTo(ResultSource.RETRIEVAL);
        assertThat(((DocumentVerificationDetails) discarded.details()).dataExtracted()).isFalse();
    }

    @Test
    void failedTransactionIsAFailedDecisionWhateverTheDocumentSays() {
        VerificationResult withoutDocument = enricher.enrich(parser.parse(form("scanReference", REF,
                "transaction", "{\"status\":\"FAILED\",\"merchantScanReference\":\"M-1\"}")), ResultSource.CALLBACK,
                RECEIVED_AT);
        VerificationResult withDocument = enricher.enrich(parser.parse(form("scanReference", REF,
                "transaction", "{\"status\":\"FAILED\"}", "document", "{\"status\":\"UPLOADED\"}")),
                ResultSource.CALLBACK, RECEIVED_AT);

        assertThat(withoutDocument.status()).isEqualTo("FAILED");
        assertThat(withoutDocument.decision()).isEqualTo(Decision.FAILED);
        assertThat(withoutDocument.merchantReference()).isEqualTo("M-1");
        assertThat(withoutDocument.documentType()).isNull();
        assertThat(withoutDocument.eventTime()).as("no timestamp: received time").isEqualTo(RECEIVED_AT);
        assertThat(withoutDocument.secondsToResult()).isNull();
        assertThat(withDocument.decision()).isEqualTo(Decision.FAILED);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "-", value = {
            "EXTRACTED, DONE,   EXTRACTED, EXTRACTED",
            "UPLOADED,  DONE,   UPLOADED,  UPLOADED_ONLY",
            "DISCARDED, DONE,   DISCARDED, DISCARDED",
            "-,         DONE,   UPLOADED,  UPLOADED_ONLY",
            "REVIEWING, DONE,   REVIEWING, UNKNOWN",
            "EXTRACTED, FAILED, FAILED,    FAILED",
            "EXTRACTED, -,      EXTRACTED, EXTRACTED",
    })
    void statusAndDecision(String documentStatus, String transactionStatus, String status, Decision decision) {
        String document = documentStatus == null ? "{}" : "{\"status\":\"" + documentStatus + "\"}";
        String transaction = transactionStatus == null ? "{}" : "{\"status\":\"" + transactionStatus + "\"}";

        VerificationResult result = enricher.enrich(parser.parse(form("scanReference", REF, "document", document,
                "transaction", transaction)), ResultSource.CALLBACK, RECEIVED_AT);

        assertThat(result.status()).isEqualTo(status);
        assertThat(result.decision()).isEqualTo(decision);
    }

    @Test
    void aDoneTransactionWithoutDocumentIsUnknown() {
        VerificationResult result = enricher.enrich(parser.parse(form("scanReference", REF,
                "transaction", "{\"status\":\"DONE\"}")), ResultSource.CALLBACK, RECEIVED_AT);

        assertThat(result.status()).isEqualTo("DONE");
        assertThat(result.decision()).isEqualTo(Decision.UNKNOWN);
    }

    @Test
    void unknownDocumentTypeAndCountryAreKeptWithoutNames() {
        VerificationResult result = enricher.enrich(parser.parse(form("scanReference", REF, "document",
                "{\"type\":\"FUTURE_DOC\",\"country\":\"ZZZ\",\"status\":\"UPLOADED\"}")), ResultSource.CALLBACK,
                RECEIVED_AT);

        assertThat(result.documentType()).isEqualTo("FUTURE_DOC");
        assertThat(result.country()).isEqualTo("ZZZ");
        assertThat(result.countryName()).isNull();
        assertThat(((DocumentVerificationDetails) result.details()).documentTypeName()).isNull();
    }

    @Test
    void kosovoHasAName() {
        VerificationResult result = enricher.enrich(parser.parse(form("scanReference", REF, "document",
                "{\"country\":\"XKX\"}")), ResultSource.CALLBACK, RECEIVED_AT);

        assertThat(result.countryName()).isEqualTo("Kosovo");
    }

    @Test
    void detailsAreServedAsEnrichmentFollowedByTheCallbackFieldsWithTheCardNumberMasked() throws Exception {
        VerificationResult result = enricher.enrich(parser.parse(callback(REF, "2024-03-01T10:05:00.5Z",
                doneTransaction(), creditCardDocument(PAN))), ResultSource.CALLBACK, RECEIVED_AT);

        String json = mapper.writeValueAsString(result);
        JsonNode details = mapper.readTree(json).path("details");

        assertThat(json).doesNotContain(PAN);
        assertThat(details.path("documentTypeName").asText()).isEqualTo("Credit card");
        assertThat(details.path("dataExtracted").asBoolean()).isTrue();
        assertThat(details.path("scanReference").asText()).isEqualTo(REF);
        assertThat(details.path("timestamp").asText()).isEqualTo("2024-03-01T10:05:00.500Z");
        assertThat(details.has("callback")).as("callback fields unwrapped").isFalse();
        assertThat(details.path("document").path("extractedData").path("pan").asText()).isEqualTo("****9855");
        assertThat(details.path("transaction").path("source").asText()).isEqualTo("DOC_API");
    }

    @Test
    void asRoutesCallThemByNameWithStringOrBytesBodiesAndHeadersOfAnyType() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("documentVerificationCallbackParser", parser);
            camel.getRegistry().bind("documentVerificationEnricher", enricher);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:named")
                            .to("bean:documentVerificationCallbackParser?method=parse")
                            .to("bean:documentVerificationEnricher?method=enrichFromExchange");
                }
            });
            camel.start();
            ProducerTemplate producer = camel.createProducerTemplate();

            VerificationResult fromText = producer.requestBodyAndHeaders("direct:named",
                    DocumentVerificationFixtures.discarded(), Map.of(
                            ExchangeNames.CALLBACK_RECEIVED_AT, RECEIVED_AT,
                            ExchangeNames.RESULT_SOURCE, ResultSource.CALLBACK),
                    VerificationResult.class);
            VerificationResult fromBytes = producer.requestBodyAndHeaders("direct:named",
                    form("scanReference", REF).getBytes(StandardCharsets.UTF_8), Map.of(
                            ExchangeNames.CALLBACK_RECEIVED_AT, Timestamp.from(RECEIVED_AT),
                            ExchangeNames.RESULT_SOURCE, "RETRIEVAL"),
                    VerificationResult.class);

            assertThat(fromText.decision()).isEqualTo(Decision.DISCARDED);
            assertThat(fromBytes.scanReference()).isEqualTo(REF);
            assertThat(fromBytes.source()).isEqualTo(ResultSource.RETRIEVAL);
            assertThat(fromBytes.eventTime()).isEqualTo(RECEIVED_AT);
        }
    }
}
