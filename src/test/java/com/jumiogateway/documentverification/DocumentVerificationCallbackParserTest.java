package com.jumiogateway.documentverification;

import com.jumiogateway.documentverification.DocumentVerificationCallback.Address;
import com.jumiogateway.documentverification.DocumentVerificationCallback.Document;
import com.jumiogateway.documentverification.DocumentVerificationCallback.ExtractedData;
import com.jumiogateway.documentverification.DocumentVerificationCallback.Image;
import com.jumiogateway.documentverification.DocumentVerificationCallback.Transaction;
import com.jumiogateway.result.InvalidCallbackException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.Map;

import static com.jumiogateway.documentverification.DocumentVerificationFixtures.ACCOUNT_NUMBER;
import static com.jumiogateway.documentverification.DocumentVerificationFixtures.PAN;
import static com.jumiogateway.documentverification.DocumentVerificationFixtures.SEED_SCAN_REFERENCE;
import static com.jumiogateway.documentverification.DocumentVerificationFixtures.SSN;
import static com.jumiogateway.documentverification.DocumentVerificationFixtures.bankStatementDocument;
import static com.jumiogateway.documentverification.DocumentVerificationFixtures.callback;
import static com.jumiogateway.documentverification.DocumentVerificationFixtures.creditCardDocument;
import static com.jumiogateway.documentverification.DocumentVerificationFixtures.doneTransaction;
import static com.jumiogateway.documentverification.DocumentVerificationFixtures.form;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class DocumentVerificationCallbackParserTest {

    private static final String REF = "5b3e3c1e-0000-4000-8000-00000000b001";
    private static final String SEED_PAGE_1 =
            "https://retrieval.netverify.com/api/netverify/v2/documents/" + SEED_SCAN_REFERENCE + "/pages/1";
    private static final Instant SEED_TIMESTAMP = Instant.parse("2017-06-06T12:06:49.016Z");
    private static final Transaction SEED_TRANSACTION = new Transaction(Instant.parse("2014-10-17T06:37:51.969Z"),
            "DONE", "DOC_SDK", "YOURSCANREFERENCE", "CUSTOMERID", null, null, Map.of());

    private final DocumentVerificationCallbackParser parser = DocumentVerificationFixtures.parser();

    // --- the seed's three examples, field by field ------------------------------------------------------------

    @Test
    void seedUploadedIsMappedFieldByField() {
        DocumentVerificationCallback callback = parser.parse(DocumentVerificationFixtures.uploaded());

        assertThat(callback.scanReference()).isEqualTo(SEED_SCAN_REFERENCE);
        assertThat(callback.timestamp()).isEqualTo(SEED_TIMESTAMP);
        assertThat(callback.transaction()).isEqualTo(SEED_TRANSACTION);
        assertThat(callback.document()).isEqualTo(new Document("UPLOADED", "AUT", "SSC",
                java.util.List.of(new Image(null, SEED_PAGE_1, Map.of())), null, null, null, Map.of()));
        assertThat(callback.additionalParameters()).isEmpty();
    }

    @Test
    void seedExtractedSocialSecurityCardIsMappedFieldByField() {
        DocumentVerificationCallback callback = parser.parse(DocumentVerificationFixtures.extractedSsc());

        assertThat(callback.scanReference()).isEqualTo(SEED_SCAN_REFERENCE);
        assertThat(callback.timestamp()).isEqualTo(SEED_TIMESTAMP);
        assertThat(callback.transaction()).isEqualTo(SEED_TRANSACTION);
        Document document = callback.document();
        assertThat(document.status()).isEqualTo("EXTRACTED");
        assertThat(document.country()).isEqualTo("USA");
        assertThat(document.type()).isEqualTo("SSC");
        assertThat(document.images()).containsExactly(new Image(null, SEED_PAGE_1, Map.of()));
        assertThat(document.originalDocument()).isNull();
        assertThat(document.customDocumentCode()).isNull();
        assertThat(document.additionalFields()).isEmpty();
        // signatureAvailable is a JSON boolean here, though Jumio's table says string; the ssn is Jumio's placeholder
        assertThat(document.extractedData()).isEqualTo(new ExtractedData("FIRSTNAME", "LASTNAME", null, null, null,
                null, null, null, "xxxxxxxxx", true, null, null, null, Map.of()));
        assertThat(callback.additionalParameters()).isEmpty();
    }

    @Test
    void seedDiscardedIsMappedFieldByField() {
        DocumentVerificationCallback callback = parser.parse(DocumentVerificationFixtures.discarded());

        assertThat(callback.scanReference()).isEqualTo(SEED_SCAN_REFERENCE);
        assertThat(callback.timestamp()).isEqualTo(SEED_TIMESTAMP);
        assertThat(callback.transaction()).isEqualTo(SEED_TRANSACTION);
        assertThat(callback.document()).isEqualTo(new Document("DISCARDED", "USA", "SSC",
                java.util.List.of(new Image(null, SEED_PAGE_1, Map.of())), null, null, null, Map.of()));
    }

    // --- per document type ------------------------------------------------------------------------------------

    @Test
    void creditCardExtractionKeepsOnlyTheLastFourDigitsOfTheCardNumber() {
        DocumentVerificationCallback callback = parser.parse(
                callback(REF, "2024-03-01T10:05:00.000Z", doneTransaction(), creditCardDocument(PAN)));

        Document document = callback.document();
        assertThat(document.type()).isEqualTo("CC");
        assertThat(document.images()).extracting(Image::href).containsExactly(
                "https://retrieval.netverify.com/api/netverify/v2/documents/ref/pages/1",
                "https://retrieval.netverify.com/api/netverify/v2/documents/ref/pages/2");
        assertThat(document.extractedData()).isEqualTo(new ExtractedData(null, null, "JANE Q CARDHOLDER", null,
                "****9855", null, "2027-08-31", null, null, null, null, null, null, Map.of()));
        assertThat(callback.toString()).doesNotContain(PAN);
        Transaction transaction = callback.transaction();
        assertThat(transaction).isEqualTo(new Transaction(Instant.parse("2024-03-01T10:00:00.123Z"), "DONE",
                "DOC_API", "YOURSCANREFERENCE", "CUSTOMERID", "REPORTING", "203.0.113.7", Map.of()));
    }

    @Test
    void bankStatementExtractionKeepsOnlyTheLastFourDigitsOfTheAccountNumber() {
        DocumentVerificationCallback callback = parser.parse(
                callback(REF, "2024-03-01T10:05:00Z", doneTransaction(), bankStatementDocument(ACCOUNT_NUMBER)));

        Document document = callback.document();
        assertThat(document.type()).isEqualTo("BS");
        assertThat(document.country()).isEqualTo("DEU");
        assertThat(document.originalDocument())
                .isEqualTo("https://retrieval.netverify.com/api/netverify/v2/documents/ref/original");
        ExtractedData data = document.extractedData();
        assertThat(data.name()).isEqualTo("MAX MUSTERMANN");
        assertThat(data.issueDate()).isEqualTo("2024-02-29");
        assertThat(data.accountNumber()).isEqualTo("****3000");
        assertThat(data.swiftCode()).isEqualTo("COBADEFFXXX");
        assertThat(data.address()).isEqualTo(new Address("MAX MUSTERMANN", "HAUPTSTRASSE 5", "10115 BERLIN", null,
                null, "DEU", "10115", "BERLIN", "BERLIN", Map.of()));
        assertThat(callback.toString()).doesNotContain(ACCOUNT_NUMBER);
    }

    @Test
    void utilityBillAndCreditCardStatementFields() {
        DocumentVerificationCallback bill = parser.parse(callback(REF, "2024-03-01T10:05:00Z", doneTransaction(),
                "{\"type\":\"UB\",\"status\":\"EXTRACTED\",\"extractedData\":{\"name\":\"JANE DOE\","
                        + "\"issueDate\":\"2024-01-15\",\"dueDate\":\"2024-02-15\",\"address\":{\"line1\":\"1 MAIN ST\","
                        + "\"city\":\"SPRINGFIELD\",\"postalCode\":\"12345\",\"countryCode\":\"USA\",\"line2\":\"APT 2\"}}}"));
        DocumentVerificationCallback statement = parser.parse(callback(REF, "2024-03-01T10:05:00Z",
                doneTransaction(), "{\"type\":\"CCS\",\"status\":\"EXTRACTED\",\"extractedData\":{\"name\":\"JANE DOE\","
                        + "\"issueDate\":\"2024-01-31\",\"cardNumberLastFourDigits\":\"9855\"}}"));

        ExtractedData billData = bill.document().extractedData();
        assertThat(billData.dueDate()).isEqualTo("2024-02-15");
        assertThat(billData.issueDate()).isEqualTo("2024-01-15");
        assertThat(billData.address()).isEqualTo(new Address("1 MAIN ST", "APT 2", null, null, null, "USA", "12345",
                "SPRINGFIELD", null, Map.of()));
        assertThat(statement.document().extractedData().cardNumberLastFourDigits()).isEqualTo("9855");
    }

    @Test
    void failedTransactionWithoutDocument() {
        DocumentVerificationCallback callback = parser.parse(form("scanReference", REF,
                "timestamp", "2024-03-01T10:05:00.000Z",
                "transaction", "{\"date\":\"2024-03-01T09:59:00.000Z\",\"status\":\"FAILED\",\"source\":\"DOC_UPLOAD\","
                        + "\"merchantScanReference\":\"REF-1\"}"));

        assertThat(callback.transaction().status()).isEqualTo("FAILED");
        assertThat(callback.transaction().source()).isEqualTo("DOC_UPLOAD");
        assertThat(callback.document()).isNull();
    }

    // --- quirks -----------------------------------------------------------------------------------------------

    @Test
    void imagesAsASingleObjectWithANumericClassifier() {
        DocumentVerificationCallback callback = parser.parse(form("scanReference", REF, "document",
                "{\"type\":\"CC\",\"images\":{\"classifier\":1,\"href\":\"https://example.test/pages/1\"}}"));

        assertThat(callback.document().images()).containsExactly(new Image("1", "https://example.test/pages/1", Map.of()));
    }

    @Test
    void imagesAsAnArrayOfObjectsWithNumericAndStringClassifiers() {
        DocumentVerificationCallback callback = parser.parse(form("scanReference", REF, "document",
                "{\"images\":[{\"classifier\":1,\"href\":\"https://example.test/1\",\"maskhint\":\"x\"},"
                        + "{\"classifier\":\"BACK\",\"href\":\"https://example.test/2\"},\"https://example.test/3\"]}"));

        assertThat(callback.document().images()).containsExactly(
                new Image("1", "https://example.test/1", Map.of("maskhint", "x")),
                new Image("BACK", "https://example.test/2", Map.of()),
                new Image(null, "https://example.test/3", Map.of()));
    }

    @Test
    void imagesAsAnObjectKeyedByClassifierOrAsAJsonString() {
        DocumentVerificationCallback keyed = parser.parse(form("scanReference", REF, "document",
                "{\"images\":{\"1\":\"https://example.test/1\",\"2\":{\"href\":\"https://example.test/2\"}}}"));
        DocumentVerificationCallback asString = parser.parse(form("scanReference", REF, "document",
                "{\"images\":\"[\\\"https://example.test/1\\\"]\"}"));

        assertThat(keyed.document().images()).containsExactly(
                new Image("1", "https://example.test/1", Map.of()), new Image("2", "https://example.test/2", Map.of()));
        assertThat(asString.document().images()).containsExactly(new Image(null, "https://example.test/1", Map.of()));
    }

    @Test
    void documentAndTransactionSentAsJsonStringsWithNestedJsonStringsInside() {
        String extracted = "{\"pan\":\"" + PAN + "\",\"address\":\"{\\\"city\\\":\\\"BOSTON\\\"}\"}";
        String document = "{\"type\":\"CC\",\"status\":\"EXTRACTED\",\"extractedData\":" + json(extracted) + "}";

        DocumentVerificationCallback callback = parser.parse(form("scanReference", REF,
                "document", json(document), "transaction", json(doneTransaction())));

        assertThat(callback.document().type()).isEqualTo("CC");
        assertThat(callback.document().extractedData().pan()).isEqualTo("****9855");
        assertThat(callback.document().extractedData().address().city()).isEqualTo("BOSTON");
        assertThat(callback.transaction().customerId()).isEqualTo("CUSTOMERID");
        assertThat(callback.toString()).doesNotContain(PAN);
    }

    @ParameterizedTest
    @CsvSource({
            "2017-06-06T12:06:49Z,       2017-06-06T12:06:49Z",
            "2017-06-06T12:06:49.0Z,     2017-06-06T12:06:49Z",
            "2017-06-06T12:06:49.01Z,    2017-06-06T12:06:49.010Z",
            "2017-06-06T12:06:49.016Z,   2017-06-06T12:06:49.016Z",
            "2017-06-06T12:06:49.016,    2017-06-06T12:06:49.016Z",
            "2017-06-06T14:06:49+02:00,  2017-06-06T12:06:49Z",
    })
    void timestampsWithZeroToThreeFractionDigits(String sent, String expected) {
        DocumentVerificationCallback callback = parser.parse(form("scanReference", REF, "timestamp", sent,
                "transaction", "{\"date\":\"" + sent + "\"}"));

        assertThat(callback.timestamp()).isEqualTo(Instant.parse(expected));
        assertThat(callback.transaction().date()).isEqualTo(Instant.parse(expected));
    }

    @ParameterizedTest
    @CsvSource({"true, true", "\"true\", true", "\"FALSE\", false", "false, false"})
    void signatureAvailableAsBooleanOrString(String sent, boolean expected) {
        DocumentVerificationCallback callback = parser.parse(form("scanReference", REF, "document",
                "{\"extractedData\":{\"signatureAvailable\":" + sent + "}}"));

        assertThat(callback.document().extractedData().signatureAvailable()).isEqualTo(expected);
        assertThat(callback.document().extractedData().additionalFields()).isEmpty();
    }

    @Test
    void anUnreadableSignatureFlagIsKeptAsSent() {
        DocumentVerificationCallback callback = parser.parse(form("scanReference", REF, "document",
                "{\"extractedData\":{\"signatureAvailable\":\"partly\"}}"));

        assertThat(callback.document().extractedData().signatureAvailable()).isNull();
        assertThat(callback.document().extractedData().additionalFields()).containsEntry("signatureAvailable", "partly");
    }

    @Test
    void notAvailableAndBlankValuesAreNullButTheMerchantsOwnValuesAreKept() {
        DocumentVerificationCallback callback = parser.parse(form("scanReference", REF, "timestamp", "N/A",
                "transaction", "{\"merchantScanReference\":\"N/A\",\"customerId\":\" C-1 \",\"clientIp\":\"N/A\"}",
                "document", "{\"country\":\"\",\"type\":\"N/A\",\"images\":\"N/A\"}"));

        assertThat(callback.timestamp()).isNull();
        assertThat(callback.transaction().merchantScanReference()).isEqualTo("N/A");
        assertThat(callback.transaction().customerId()).isEqualTo(" C-1 ");
        assertThat(callback.transaction().clientIp()).isNull();
        assertThat(callback.document().country()).isNull();
        assertThat(callback.document().type()).isNull();
        assertThat(callback.document().images()).isEmpty();
    }

    // --- unknown types and fields are kept --------------------------------------------------------------------

    @Test
    void unknownDocumentTypesAndFieldsAreKept() {
        DocumentVerificationCallback callback = parser.parse(form("scanReference", REF, "callbackVersion", "2",
                "transaction", "{\"status\":\"DONE\",\"channel\":\"WEB\",\"attempt\":{\"n\":2}}",
                "document", "{\"type\":\"DRIVING_PERMIT_2030\",\"pages\":3,\"customDocumentCode\":\"MY-DOC\","
                        + "\"extractedData\":{\"middleName\":\"Q\",\"iban\":\"GB82 WEST\","
                        + "\"address\":{\"line1\":\"X\",\"county\":\"KENT\"}}}"));

        assertThat(callback.additionalParameters()).isEqualTo(Map.of("callbackVersion", "2"));
        assertThat(callback.transaction().additionalFields())
                .isEqualTo(Map.of("channel", "WEB", "attempt", "{\"n\":2}"));
        assertThat(callback.document().type()).isEqualTo("DRIVING_PERMIT_2030");
        assertThat(callback.document().customDocumentCode()).isEqualTo("MY-DOC");
        assertThat(callback.document().additionalFields()).isEqualTo(Map.of("pages", "3"));
        assertThat(callback.document().extractedData().additionalFields())
                .isEqualTo(Map.of("middleName", "Q", "iban", "GB82 WEST"));
        assertThat(callback.document().extractedData().address().additionalFields()).isEqualTo(Map.of("county", "KENT"));
    }

    @Test
    void protectedNumbersAreMaskedEvenInUnknownFieldsAndParameters() {
        DocumentVerificationCallback callback = parser.parse(form("scanReference", REF, "ssn", SSN,
                "extra", "{\"card\":{\"pan\":\"" + PAN + "\"}}",
                "document", "{\"cards\":[{\"pan\":" + PAN + "}],\"extractedData\":{\"other\":{\"accountNumber\":\""
                        + ACCOUNT_NUMBER + "\"}}}"));

        assertThat(callback.additionalParameters()).containsEntry("ssn", "****6789")
                .containsEntry("extra", "{\"card\":{\"pan\":\"****9855\"}}");
        assertThat(callback.document().additionalFields()).containsEntry("cards", "[{\"pan\":\"****9855\"}]");
        assertThat(callback.document().extractedData().additionalFields())
                .containsEntry("other", "{\"accountNumber\":\"****3000\"}");
        assertThat(callback.toString()).doesNotContain(PAN, ACCOUNT_NUMBER, SSN, "123456789");
    }

    @Test
    void anUnredactedBodyStoredBeforeMaskingExistedStillYieldsOnlyLastFourDigits() {
        String body = callback(REF, "2024-03-01T10:05:00Z", doneTransaction(),
                "{\"type\":\"SSC\",\"extractedData\":{\"ssn\":\"" + SSN + "\",\"pan\":\"" + PAN + "\","
                        + "\"accountNumber\":\"" + ACCOUNT_NUMBER + "\"}}");

        ExtractedData data = parser.parse(body).document().extractedData();

        assertThat(data.ssn()).isEqualTo("****6789");
        assertThat(data.pan()).isEqualTo("****9855");
        assertThat(data.accountNumber()).isEqualTo("****3000");
    }

    @Test
    void anAlreadyRedactedBodyParsesToTheSameResultAsTheOriginal() {
        String body = callback(REF, "2024-03-01T10:05:00Z", doneTransaction(), creditCardDocument(PAN));
        String redacted = DocumentVerificationFixtures.redactor().redactFormBody(body);

        assertThat(parser.parse(redacted)).isEqualTo(parser.parse(body));
    }

    @Test
    void aRepeatedParameterKeepsItsFirstValue() {
        DocumentVerificationCallback callback = parser.parse("scanReference=" + REF + "&scanReference=other");

        assertThat(callback.scanReference()).isEqualTo(REF);
        assertThat(callback.additionalParameters()).isEmpty();
    }

    // --- what cannot be read: InvalidCallbackException, no values in messages ---------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"", "timestamp=2024-03-01T10%3A05%3A00Z", "scanReference=+&document=%7B%7D",
            "{\"scanReference\":\"SECRET\"}"})
    void bodiesWithoutAScanReferenceAreInvalid(String body) {
        InvalidCallbackException e = catchThrowableOfType(InvalidCallbackException.class, () -> parser.parse(body));

        assertThat(e).hasMessageStartingWith("Document Verification callback");
        assertThat(e.getMessage()).doesNotContain("SECRET");
    }

    @Test
    void aScanReferenceLongerThanTheStoreAcceptsIsInvalid() {
        assertThatThrownBy(() -> parser.parse(form("scanReference", "r".repeat(101))))
                .isInstanceOf(InvalidCallbackException.class).hasMessageContaining("'scanReference'");
    }

    @Test
    void brokenJsonNamesTheParameterButNoValue() {
        InvalidCallbackException e = catchThrowableOfType(InvalidCallbackException.class, () -> parser.parse(
                form("scanReference", REF, "document", "{\"extractedData\":{\"name\":\"SECRETNAME\" \"pan\":1}}")));

        assertThat(e).hasMessageStartingWith("Document Verification callback parameter 'document' is not valid JSON");
        assertThat(e.getMessage()).doesNotContain("SECRETNAME");
        assertThat(e.getCause()).isNull();
    }

    @Test
    void brokenNestedJsonNamesTheField() {
        InvalidCallbackException e = catchThrowableOfType(InvalidCallbackException.class, () -> parser.parse(
                form("scanReference", REF, "document", "{\"extractedData\":\"{\\\"name\\\":\\\"SECRETNAME\"}")));

        assertThat(e).hasMessageContaining("'document' field 'extractedData' is not valid JSON");
        assertThat(e.getMessage()).doesNotContain("SECRETNAME");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2]", "42", "\"SECRET text\""})
    void jsonThatIsNotAnObjectIsInvalid(String document) {
        InvalidCallbackException e = catchThrowableOfType(InvalidCallbackException.class,
                () -> parser.parse(form("scanReference", REF, "document", document)));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("'document'").doesNotContain("SECRET");
    }

    @Test
    void anUnreadableTimestampIsInvalid() {
        assertThatThrownBy(() -> parser.parse(form("scanReference", REF, "timestamp", "06/06/2017 12:06")))
                .isInstanceOf(InvalidCallbackException.class)
                .hasMessage("Document Verification callback parameter 'timestamp' is not a timestamp"
                        + " (expected YYYY-MM-DDThh:mm:ss.SSSZ)");
        assertThatThrownBy(() -> parser.parse(form("scanReference", REF, "transaction", "{\"date\":\"yesterday\"}")))
                .isInstanceOf(InvalidCallbackException.class).hasMessageContaining("'transaction' field 'date'");
    }

    @Test
    void everyDocumentTypeOfTheTableHasAName() {
        assertThat(DocumentTypes.all()).hasSize(27).containsKeys("CC", "BS", "IC", "UB", "CAAP", "CRC", "CCS", "LAG",
                "LOAP", "MOAP", "TR", "VT", "VC", "STUC", "HCC", "CB", "SENC", "MEDC", "BC", "WWCC", "SS", "TAC", "SEL",
                "PB", "SSC", "CUSTOM", "OTHER");
        assertThat(DocumentTypes.name("cc")).isEqualTo("Credit card");
        assertThat(DocumentTypes.name("SSC")).isEqualTo("Social security card");
        assertThat(DocumentTypes.name("XYZ")).isNull();
        assertThat(DocumentTypes.name(null)).isNull();
        for (String code : DocumentTypes.all().keySet()) {
            assertThat(parser.parse(form("scanReference", REF, "document", "{\"type\":\"" + code + "\"}"))
                    .document().type()).isEqualTo(code);
        }
    }

    private static String json(String text) {
        try {
            return DocumentVerificationFixtures.objectMapper().writeValueAsString(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
