package com.jumiogateway.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.jumiogateway.documentverification.DocumentVerificationCallbackParser;
import com.jumiogateway.documentverification.DocumentVerificationEnricher;
import com.jumiogateway.documentverification.SensitiveNumberMasker;
import com.jumiogateway.enrich.CountryNames;
import com.jumiogateway.netverify.RejectReasonCatalog;
import com.jumiogateway.netverify.NetverifyCallback;
import com.jumiogateway.netverify.NetverifyCallbackParser;
import com.jumiogateway.netverify.NetverifyEnricher;
import com.jumiogateway.result.Decision;
import com.jumiogateway.result.InvalidCallbackException;
import com.jumiogateway.result.ResultSource;
import com.jumiogateway.result.VerificationResult;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.springframework.http.converter.json.Jackson2ObjectMapperBuilder;

/** The Retrieval API's payloads mapped onto the callbacks' models (Netverify, Document Verification). */
class ReconciliationMappingTest {

    static final ObjectMapper MAPPER = Jackson2ObjectMapperBuilder.json()
            .featuresToDisable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
    static final Clock CLOCK = Clock.fixed(Instant.parse("2024-03-02T00:00:00Z"), ZoneOffset.UTC);
    static final String REF = "11111111-2222-3333-4444-555555555555";

    final NetverifyRetrievalMapper netverify = new NetverifyRetrievalMapper(MAPPER);
    final NetverifyEnricher enricher = new NetverifyEnricher(new CountryNames(), new RejectReasonCatalog());
    final DocumentVerificationRetrievalMapper documents = new DocumentVerificationRetrievalMapper(MAPPER);

    @Test
    void retrievalFieldNamesMapOntoTheCallbacksModel() {
        NetverifyCallback mapped = netverify.map("""
                {"timestamp":"2014-08-14T08:16:20.845Z","scanReference":"%s",
                 "document":{"type":"DRIVING_LICENSE","idSubtype":"LEARNING_DRIVING_LICENSE","dob":"1990-01-01",
                   "expiry":"2022-12-31","firstName":"FIRSTNAME","issuingCountry":"GBR","lastName":"LASTNAME",
                   "number":"P1234","personalNumber":"N/A","usState":"","status":"ERROR_NOT_READABLE_ID",
                   "address":{"line1":"1 HIGH STREET","city":"LONDON","country":"GBR","formattedAddress":"1 High St"}},
                 "transaction":{"clientIp":"1.2.3.4","customerId":"CUSTOMERID","date":"2014-08-10T10:27:29.494Z",
                   "source":"WEB_UPLOAD","status":"DONE","merchantScanReference":"N/A","merchantReportingCriteria":"r"},
                 "verification":{"mrzCheck":"NOT_AVAILABLE",
                   "rejectReason":{"rejectReasonCode":"200","rejectReasonDescription":"NOT_READABLE_DOCUMENT",
                     "rejectReasonDetails":{"detailsCode":"2001","detailsDescription":"BLURRED"}},
                   "identityVerification":{"similarity":"NO_MATCH","validity":"FALSE","reason":"BAD_QUALITY"},
                   "additionalChecks":{"x":1}}}""".formatted(REF), REF);

        assertThat(mapped.jumioIdScanReference()).isEqualTo(REF);
        assertThat(mapped.verificationStatus()).isEqualTo("ERROR_NOT_READABLE_ID");
        assertThat(mapped.idScanStatus()).isEqualTo("ERROR");
        assertThat(mapped.idScanSource()).isEqualTo("WEB_UPLOAD");
        assertThat(mapped.idType()).isEqualTo("DRIVING_LICENSE");
        assertThat(mapped.idSubtype()).isEqualTo("LEARNING_DRIVING_LICENSE");
        assertThat(mapped.idCountry()).isEqualTo("GBR");
        assertThat(mapped.idNumber()).isEqualTo("P1234");
        assertThat(mapped.idDob()).isEqualTo("1990-01-01");
        assertThat(mapped.idExpiry()).isEqualTo("2022-12-31");
        assertThat(mapped.personalNumber()).as("N/A is not available").isNull();
        assertThat(mapped.idUsState()).isNull();
        assertThat(mapped.idAddress().format()).isEqualTo(NetverifyCallback.AddressFormat.RAW);
        assertThat(mapped.idAddress().additionalFields()).containsEntry("formattedAddress", "1 High St");
        assertThat(mapped.merchantIdScanReference()).as("the merchant's own value, as sent").isEqualTo("N/A");
        assertThat(mapped.customerId()).isEqualTo("CUSTOMERID");
        assertThat(mapped.transactionDate()).isEqualTo(Instant.parse("2014-08-10T10:27:29.494Z"));
        assertThat(mapped.callbackDate()).isNull();
        assertThat(mapped.idCheckMRZcode()).isEqualTo("N/A");
        assertThat(mapped.rejectReason().rejectReasonDetails()).singleElement()
                .satisfies(d -> assertThat(d.detailsCode()).isEqualTo("2001"));
        assertThat(mapped.identityVerification().validity()).isFalse();
        assertThat(mapped.identityVerification().reason()).isEqualTo("BAD_QUALITY");
        assertThat(mapped.additionalParameters()).containsEntry("verification.additionalChecks", "{\"x\":1}")
                .containsEntry("transaction.status", "DONE");

        VerificationResult result = enricher.enrich(mapped, ResultSource.RETRIEVAL, Instant.parse("2014-08-14T08:16:20.845Z"));
        assertThat(result.decision()).isEqualTo(Decision.RETRY_WITH_USER);
        assertThat(result.countryName()).isEqualTo("United Kingdom");
        assertThat(result.rejectReason().code()).isEqualTo("200");
        assertThat(result.rejectReason().category()).isEqualTo(RejectReasonCatalog.NOT_READABLE);
        assertThat(result.eventTime()).isEqualTo(Instant.parse("2014-08-14T08:16:20.845Z"));
    }

    @Test
    void retrievalAndCallbackOfOneTransactionEnrichToTheSameMeaning() {
        String callback = "jumioIdScanReference=" + REF + "&verificationStatus=DENIED_FRAUD&idType=PASSPORT&idCountry=AUT"
                + "&merchantIdScanReference=order-7&idScanSource=WEB&rejectReason=%7B%22rejectReasonCode%22%3A%22107%22%2C"
                + "%22rejectReasonDescription%22%3A%22PHOTO_MISMATCH%22%7D&transactionDate=2024-03-01T10%3A00%3A00Z";
        String retrieval = """
                {"timestamp":"2024-03-01T10:10:00Z","scanReference":"%s",
                 "document":{"type":"PASSPORT","issuingCountry":"AUT","status":"DENIED_FRAUD"},
                 "transaction":{"source":"WEB","status":"DONE","date":"2024-03-01T10:00:00Z","merchantScanReference":"order-7"},
                 "verification":{"rejectReason":{"rejectReasonCode":"107","rejectReasonDescription":"PHOTO_MISMATCH"}}}
                """.formatted(REF);
        Instant at = Instant.parse("2024-03-01T10:10:00Z");

        VerificationResult byCallback = enricher.enrich(new NetverifyCallbackParser(MAPPER).parse(callback), ResultSource.CALLBACK, at);
        VerificationResult byRetrieval = enricher.enrich(netverify.map(retrieval, REF), ResultSource.RETRIEVAL, at);

        assertThat(byRetrieval.decision()).isEqualTo(Decision.FRAUD).isEqualTo(byCallback.decision());
        assertThat(byRetrieval.rejectReason()).isEqualTo(byCallback.rejectReason());
        assertThat(byRetrieval.countryName()).isEqualTo("Austria").isEqualTo(byCallback.countryName());
        assertThat(byRetrieval.merchantReference()).isEqualTo(byCallback.merchantReference());
        assertThat(byRetrieval.documentType()).isEqualTo(byCallback.documentType());
        assertThat(byRetrieval.transactionDate()).isEqualTo(byCallback.transactionDate());
    }

    @Test
    void payloadForAnotherScanOrNotJsonIsRefusedWithoutQuotingIt() {
        assertThatThrownBy(() -> netverify.map("{\"scanReference\":\"other\",\"document\":{}}", REF))
                .isInstanceOf(InvalidCallbackException.class).hasMessageContaining("another scan reference");
        assertThatThrownBy(() -> netverify.map("{\"document\":{\"firstName\":\"SECRET", REF))
                .isInstanceOf(InvalidCallbackException.class).hasMessageNotContaining("SECRET");
        assertThatThrownBy(() -> documents.toCallbackForm("[]", REF)).isInstanceOf(InvalidCallbackException.class);
        assertThatThrownBy(() -> documents.toCallbackForm("{\"scanReference\":\"other\"}", REF))
                .isInstanceOf(InvalidCallbackException.class);
    }

    @Test
    void documentVerificationRetrievalTakesTheCallbacksParserMaskingAndEnricher() {
        DocumentVerificationCallbackParser parser = new DocumentVerificationCallbackParser(MAPPER, new SensitiveNumberMasker(MAPPER));
        DocumentVerificationEnricher dvEnricher = new DocumentVerificationEnricher(new CountryNames());
        String form = documents.toCallbackForm("""
                {"scanReference":"%s","timestamp":"2015-08-14T08:16:20.845Z",
                 "document":{"status":"EXTRACTED","type":"CC","country":"AUT",
                   "extractedData":{"pan":"4111 1111 1111 1234","accountNumber":"AT611904300234573201",
                     "firstName":"FIRSTNAME","signatureAvailable":"true"}},
                 "transaction":{"status":"DONE","source":"DOC_API","customerId":"c","merchantScanReference":"m",
                   "date":"2015-08-14T08:10:00.000Z"}}
                """.formatted(REF), REF);

        VerificationResult result = dvEnricher.enrich(parser.parse(form), ResultSource.RETRIEVAL, CLOCK.instant());

        assertThat(result.scanReference()).isEqualTo(REF);
        assertThat(result.decision()).isEqualTo(Decision.EXTRACTED);
        assertThat(result.countryName()).isEqualTo("Austria");
        assertThat(result.merchantReference()).isEqualTo("m");
        assertThat(result.eventTime()).as("the payload's timestamp").isEqualTo(Instant.parse("2015-08-14T08:16:20.845Z"));
        assertThat(result.secondsToResult()).isEqualTo(380);
        String json = NetverifyRetrievalMapper.json(MAPPER, result);
        assertThat(json).contains("****1234").contains("****3201").contains("FIRSTNAME")
                .doesNotContain("4111").doesNotContain("AT6119043002");

        assertThat(decision(parser, dvEnricher, "UPLOADED", "DONE")).isEqualTo(Decision.UPLOADED_ONLY);
        assertThat(decision(parser, dvEnricher, "DISCARDED", "DONE")).isEqualTo(Decision.DISCARDED);
        assertThat(decision(parser, dvEnricher, "EXTRACTED", "FAILED")).isEqualTo(Decision.FAILED);
    }

    private Decision decision(DocumentVerificationCallbackParser parser, DocumentVerificationEnricher dvEnricher,
                              String documentStatus, String transactionStatus) {
        String form = documents.toCallbackForm("{\"document\":{\"status\":\"" + documentStatus + "\"},"
                + "\"transaction\":{\"status\":\"" + transactionStatus + "\"}}", REF);
        return dvEnricher.enrich(parser.parse(form), ResultSource.RETRIEVAL, CLOCK.instant()).decision();
    }
}
