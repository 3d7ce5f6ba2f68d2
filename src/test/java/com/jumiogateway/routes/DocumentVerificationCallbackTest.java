package com.jumiogateway.routes;

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
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.RawHttp;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * routes/document-verification-callback.camel.yaml end to end: intake over HTTP (allowlist, size, content type,
 * masking before storage), worker, store, GET /api/document-verifications/{scanReference}.
 */
@ExtendWith(OutputCaptureExtension.class)
class DocumentVerificationCallbackTest extends GatewayTestSupport {

    static final String PATH = "/callbacks/document-verification";
    static final String SEED_PAGE_1 =
            "https://retrieval.netverify.com/api/netverify/v2/documents/" + SEED_SCAN_REFERENCE + "/pages/1";
    /** The protected numbers as sent, and as digits only: neither may be found after intake. */
    static final List<String> FULL_NUMBERS = List.of(PAN, ACCOUNT_NUMBER, "370400440532013000", SSN, "123456789");

    // --- the seed's three examples, byte for byte ---------------------------------------------------------------

    @Test
    void seedUploadedIsStoredByteForByteAndServedFieldByField(CapturedOutput logs) {
        String body = fixture("document-verification/uploaded.txt");

        HttpResponse<String> response = postFromJumio(PATH, body, FORM);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(readJson(response.body()).path("status").asText()).isEqualTo("received");
        Map<String, Object> row = jdbc.queryForMap("SELECT kind, source_address, content_type, body FROM callback_inbox");
        assertThat(new String((byte[]) row.get("body"), java.nio.charset.StandardCharsets.UTF_8)).as("nothing to mask: stored byte for byte").isEqualTo(body);
        assertThat(row.get("kind")).isEqualTo("DOCUMENT_VERIFICATION");
        assertThat(row.get("source_address")).isEqualTo(JUMIO_US);
        assertThat(row.get("content_type")).isEqualTo(FORM);

        JsonNode result = awaitDocumentVerification(SEED_SCAN_REFERENCE);
        assertSeedEnvelope(result, "UPLOADED", "UPLOADED_ONLY", "AUT", "Austria");
        JsonNode details = result.path("details");
        assertSeedDetails(details, "UPLOADED", "AUT");
        assertThat(details.path("dataExtracted").asBoolean()).isFalse();
        assertThat(details.path("document").has("extractedData")).isFalse();
        assertThat(result.path("delivery").path("deliveries").asInt()).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT outcome FROM callback_inbox", String.class)).isEqualTo("APPLIED");
        assertThat(logs.getAll()).contains(SEED_SCAN_REFERENCE).doesNotContain("CUSTOMERID");
    }

    @Test
    void seedExtractedSocialSecurityCardIsStoredByteForByteAndServedFieldByField(CapturedOutput logs) {
        String body = fixture("document-verification/extracted-ssc.txt");

        assertThat(postFromJumio(PATH, body, FORM).statusCode()).isEqualTo(200);

        assertThat(storedBody())
                .as("Jumio's placeholder ssn has no digits to hide: stored byte for byte").isEqualTo(body);
        JsonNode result = awaitDocumentVerification(SEED_SCAN_REFERENCE);
        assertSeedEnvelope(result, "EXTRACTED", "EXTRACTED", "USA", "United States");
        JsonNode details = result.path("details");
        assertSeedDetails(details, "EXTRACTED", "USA");
        assertThat(details.path("dataExtracted").asBoolean()).isTrue();
        JsonNode data = details.path("document").path("extractedData");
        assertThat(data.path("firstName").asText()).isEqualTo("FIRSTNAME");
        assertThat(data.path("lastName").asText()).isEqualTo("LASTNAME");
        assertThat(data.path("signatureAvailable").isBoolean()).isTrue();
        assertThat(data.path("signatureAvailable").asBoolean()).isTrue();
        assertThat(data.path("ssn").asText()).isEqualTo("xxxxxxxxx");
        assertThat(data.has("pan")).isFalse();
        assertThat(data.has("accountNumber")).isFalse();
        assertThat(data.has("address")).isFalse();
        assertThat(data.path("additionalFields").isEmpty()).isTrue();
        assertThat(fieldNames(data)).containsExactlyInAnyOrder("firstName", "lastName", "signatureAvailable", "ssn",
                "additionalFields");

        assertThat(logs.getAll()).contains(SEED_SCAN_REFERENCE).doesNotContain("FIRSTNAME", "LASTNAME");
    }

    @Test
    void seedDiscardedIsStoredByteForByteAndServedFieldByField() {
        String body = fixture("document-verification/discarded.txt");

        assertThat(postFromJumio(PATH, body, FORM).statusCode()).isEqualTo(200);

        assertThat(storedBody()).isEqualTo(body);
        JsonNode result = awaitDocumentVerification(SEED_SCAN_REFERENCE);
        assertSeedEnvelope(result, "DISCARDED", "DISCARDED", "USA", "United States");
        JsonNode details = result.path("details");
        assertSeedDetails(details, "DISCARDED", "USA");
        assertThat(details.path("dataExtracted").asBoolean()).isFalse();
        assertThat(details.path("document").has("extractedData")).isFalse();
    }

    private static void assertSeedEnvelope(JsonNode result, String status, String decision, String country,
                                           String countryName) {
        assertThat(result.path("scanReference").asText()).isEqualTo(SEED_SCAN_REFERENCE);
        assertThat(result.path("kind").asText()).isEqualTo("DOCUMENT_VERIFICATION");
        assertThat(result.path("source").asText()).isEqualTo("CALLBACK");
        assertThat(result.path("status").asText()).isEqualTo(status);
        assertThat(result.path("decision").asText()).isEqualTo(decision);
        assertThat(result.path("merchantReference").asText()).isEqualTo("YOURSCANREFERENCE");
        assertThat(result.path("customerId").asText()).isEqualTo("CUSTOMERID");
        assertThat(result.path("documentType").asText()).isEqualTo("SSC");
        assertThat(result.path("country").asText()).isEqualTo(country);
        assertThat(result.path("countryName").asText()).isEqualTo(countryName);
        assertThat(result.has("rejectReason")).isFalse();
        assertThat(result.path("transactionDate").asText()).isEqualTo("2014-10-17T06:37:51.969Z");
        assertThat(result.path("eventTime").asText()).isEqualTo("2017-06-06T12:06:49.016Z");
        assertThat(result.path("secondsToResult").asLong()).isEqualTo(83_222_937L);
    }

    private static void assertSeedDetails(JsonNode details, String documentStatus, String country) {
        assertThat(details.path("documentTypeName").asText()).isEqualTo("Social security card");
        assertThat(details.path("scanReference").asText()).isEqualTo(SEED_SCAN_REFERENCE);
        assertThat(details.path("timestamp").asText()).isEqualTo("2017-06-06T12:06:49.016Z");
        assertThat(details.path("additionalParameters").isEmpty()).isTrue();
        JsonNode transaction = details.path("transaction");
        assertThat(transaction.path("customerId").asText()).isEqualTo("CUSTOMERID");
        assertThat(transaction.path("date").asText()).isEqualTo("2014-10-17T06:37:51.969Z");
        assertThat(transaction.path("merchantScanReference").asText()).isEqualTo("YOURSCANREFERENCE");
        assertThat(transaction.path("source").asText()).isEqualTo("DOC_SDK");
        assertThat(transaction.path("status").asText()).isEqualTo("DONE");
        assertThat(transaction.has("merchantReportingCriteria")).isFalse();
        assertThat(transaction.has("clientIp")).isFalse();
        assertThat(transaction.path("additionalFields").isEmpty()).isTrue();
        JsonNode document = details.path("document");
        assertThat(document.path("type").asText()).isEqualTo("SSC");
        assertThat(document.path("country").asText()).isEqualTo(country);
        assertThat(document.path("status").asText()).isEqualTo(documentStatus);
        assertThat(document.path("images")).hasSize(1);
        assertThat(document.path("images").get(0).path("href").asText()).isEqualTo(SEED_PAGE_1);
        assertThat(document.path("images").get(0).has("classifier")).isFalse();
        assertThat(document.has("originalDocument")).isFalse();
        assertThat(document.has("customDocumentCode")).isFalse();
        assertThat(document.path("additionalFields").isEmpty()).isTrue();
    }

    // --- protected numbers: not in the database, the API answer or the logs --------------------------------------

    @Test
    void creditCardNumberIsNeverStoredServedOrLoggedInFull(CapturedOutput logs) {
        String ref = "5b3e3c1e-0000-4000-8000-00000000d001";
        String body = callback(ref, "2024-03-01T10:05:00.000Z", doneTransaction(), creditCardDocument(PAN));

        assertThat(postFromJumio(PATH, body, FORM).statusCode()).isEqualTo(200);

        assertThat(storedBody())
                .as("only the card number's characters changed")
                .isEqualTo(body.replace(PAN, "****9855"));
        JsonNode result = awaitDocumentVerification(ref);
        assertThat(result.path("decision").asText()).isEqualTo("EXTRACTED");
        assertThat(result.path("documentType").asText()).isEqualTo("CC");
        assertThat(result.path("details").path("documentTypeName").asText()).isEqualTo("Credit card");
        JsonNode data = result.path("details").path("document").path("extractedData");
        assertThat(data.path("pan").asText()).isEqualTo("****9855");
        assertThat(data.path("name").asText()).isEqualTo("JANE Q CARDHOLDER");
        assertThat(data.path("expiryDate").asText()).isEqualTo("2027-08-31");

        assertNoFullNumberAnywhere(ref, logs);
        assertThat(logs.getAll()).doesNotContain("JANE Q CARDHOLDER", "2027-08-31");
    }

    @Test
    void bankAccountNumberIsNeverStoredServedOrLoggedInFull(CapturedOutput logs) {
        String ref = "5b3e3c1e-0000-4000-8000-00000000d002";
        String body = callback(ref, "2024-03-01T10:05:00.000Z", doneTransaction(), bankStatementDocument(ACCOUNT_NUMBER));

        assertThat(postFromJumio(PATH, body, FORM).statusCode()).isEqualTo(200);

        assertThat(storedBody())
                .isEqualTo(body.replace(ACCOUNT_NUMBER, "****3000"));
        JsonNode result = awaitDocumentVerification(ref);
        assertThat(result.path("decision").asText()).isEqualTo("EXTRACTED");
        assertThat(result.path("country").asText()).isEqualTo("DEU");
        assertThat(result.path("countryName").asText()).isEqualTo("Germany");
        assertThat(result.path("details").path("documentTypeName").asText()).isEqualTo("Bank statement");
        JsonNode document = result.path("details").path("document");
        assertThat(document.path("originalDocument").asText())
                .isEqualTo("https://retrieval.netverify.com/api/netverify/v2/documents/ref/original");
        JsonNode data = document.path("extractedData");
        assertThat(data.path("accountNumber").asText()).isEqualTo("****3000");
        assertThat(data.path("swiftCode").asText()).isEqualTo("COBADEFFXXX");
        assertThat(data.path("issueDate").asText()).isEqualTo("2024-02-29");
        assertThat(data.path("name").asText()).isEqualTo("MAX MUSTERMANN");
        JsonNode address = data.path("address");
        assertThat(address.path("line1").asText()).isEqualTo("MAX MUSTERMANN");
        assertThat(address.path("line2").asText()).isEqualTo("HAUPTSTRASSE 5");
        assertThat(address.path("line3").asText()).isEqualTo("10115 BERLIN");
        assertThat(address.path("countryCode").asText()).isEqualTo("DEU");
        assertThat(address.path("postalCode").asText()).isEqualTo("10115");
        assertThat(address.path("city").asText()).isEqualTo("BERLIN");
        assertThat(address.path("subdivision").asText()).isEqualTo("BERLIN");

        assertNoFullNumberAnywhere(ref, logs);
        assertThat(logs.getAll()).doesNotContain("MAX MUSTERMANN", "HAUPTSTRASSE", "COBADEFFXXX");
    }

    @Test
    void socialSecurityNumberInJsonSentAsAStringInsideJsonIsMaskedBeforeStorage(CapturedOutput logs) throws Exception {
        // the document as a JSON string, its extractedData as a JSON string inside it; 3 fraction digits
        String ref = "5b3e3c1e-0000-4000-8000-00000000d003";
        ObjectMapper mapper = new ObjectMapper();
        String extracted = "{\"firstName\":\"JOHN\",\"lastName\":\"SAMPLE\",\"ssn\":\"" + SSN + "\","
                + "\"signatureAvailable\":\"false\"}";
        String document = "{\"type\":\"SSC\",\"country\":\"USA\",\"status\":\"EXTRACTED\","
                + "\"extractedData\":" + mapper.writeValueAsString(extracted) + "}";
        String body = callback(ref, "2024-03-01T10:05:00.123Z", doneTransaction(), mapper.writeValueAsString(document));

        assertThat(postFromJumio(PATH, body, FORM).statusCode()).isEqualTo(200);

        assertThat(storedBody())
                .isEqualTo(body.replace("123-45-6789", "****6789"));
        JsonNode result = awaitDocumentVerification(ref);
        assertThat(result.path("eventTime").asText()).isEqualTo("2024-03-01T10:05:00.123Z");
        assertThat(result.path("decision").asText()).isEqualTo("EXTRACTED");
        JsonNode data = result.path("details").path("document").path("extractedData");
        assertThat(data.path("ssn").asText()).isEqualTo("****6789");
        assertThat(data.path("firstName").asText()).isEqualTo("JOHN");
        assertThat(data.path("signatureAvailable").asBoolean(true)).isFalse();

        assertNoFullNumberAnywhere(ref, logs);
    }

    /** Every column of every table, the API answers and the logs. */
    private void assertNoFullNumberAnywhere(String ref, CapturedOutput logs) {
        String stored = everythingStored();
        assertThat(stored).contains(ref);
        // stored bodies are form-encoded: look at them decoded too (a stray '%' is taken literally)
        String decodedStored = URLDecoder.decode(stored.replaceAll("%(?![0-9A-Fa-f]{2})", "%25"), StandardCharsets.UTF_8);
        String api = apiGet("/api/document-verifications/" + ref).body()
                + apiGet("/api/verifications/" + ref).body()
                + apiGet("/api/callbacks?status=processed").body();
        for (String number : FULL_NUMBERS) {
            assertThat(stored).as("database").doesNotContain(number);
            assertThat(decodedStored).as("database, decoded").doesNotContain(number);
            assertThat(api).as("API").doesNotContain(number);
            assertThat(logs.getAll()).as("logs").doesNotContain(number);
        }
        assertThat(api).contains(ref);
    }

    /** Every value of every row of every table (Flyway's history included), as text. */
    private String everythingStored() {
        List<String> tables = jdbc.execute((java.sql.Connection c) -> {
            List<String> names = new ArrayList<>();
            try (java.sql.ResultSet rs = c.getMetaData().getTables(c.getCatalog(), c.getSchema(), "%",
                    new String[] {"TABLE"})) {
                while (rs.next()) {
                    names.add(rs.getString("TABLE_NAME"));
                }
            }
            return names;
        });
        assertThat(tables).isNotEmpty();
        StringBuilder all = new StringBuilder();
        for (String table : tables) {
            // quoted: the name exactly as the database reports it (H2 upper-cases, Flyway's table is lower case)
            for (Map<String, Object> row : jdbc.queryForList("SELECT * FROM \"" + table + "\"")) {
                for (Object value : row.values()) {
                    all.append(value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : value)
                            .append('\n');
                }
            }
        }
        return all.toString();
    }

    // --- transaction FAILED and payload quirks -----------------------------------------------------------------

    @Test
    void failedTransactionIsStoredWithDecisionFailed() {
        String ref = "5b3e3c1e-0000-4000-8000-00000000d004";
        String body = form("scanReference", ref, "timestamp", "2024-03-01T10:10:00.000Z", "transaction",
                "{\"date\":\"2024-03-01T10:00:00.000Z\",\"status\":\"FAILED\",\"source\":\"DOC_UPLOAD\","
                        + "\"merchantScanReference\":\"M-42\",\"customerId\":\"C-42\"}");

        assertThat(postFromJumio(PATH, body, FORM).statusCode()).isEqualTo(200);

        JsonNode result = awaitDocumentVerification(ref);
        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("decision").asText()).isEqualTo("FAILED");
        assertThat(result.path("merchantReference").asText()).isEqualTo("M-42");
        assertThat(result.path("customerId").asText()).isEqualTo("C-42");
        assertThat(result.path("secondsToResult").asLong()).isEqualTo(600);
        assertThat(result.has("documentType")).isFalse();
        assertThat(result.path("details").path("dataExtracted").asBoolean()).isFalse();
        assertThat(result.path("details").has("document")).isFalse();
        assertThat(result.path("details").path("transaction").path("source").asText()).isEqualTo("DOC_UPLOAD");
    }

    @Test
    void imagesAsAnObjectWithANumericClassifierAndATimestampWithoutFraction() {
        String ref = "5b3e3c1e-0000-4000-8000-00000000d005";
        String body = callback(ref, "2024-03-01T10:05:00Z", doneTransaction(),
                "{\"type\":\"UB\",\"country\":\"GBR\",\"status\":\"UPLOADED\",\"images\":"
                        + "{\"classifier\":1,\"href\":\"https://retrieval.netverify.com/api/netverify/v2/documents/"
                        + ref + "/pages/1\"}}");

        assertThat(postFromJumio(PATH, body, FORM).statusCode()).isEqualTo(200);

        JsonNode result = awaitDocumentVerification(ref);
        assertThat(result.path("eventTime").asText()).isEqualTo("2024-03-01T10:05:00Z");
        assertThat(result.path("decision").asText()).isEqualTo("UPLOADED_ONLY");
        assertThat(result.path("countryName").asText()).isEqualTo("United Kingdom");
        assertThat(result.path("details").path("documentTypeName").asText()).isEqualTo("Utility bill");
        JsonNode images = result.path("details").path("document").path("images");
        assertThat(images).hasSize(1);
        assertThat(images.get(0).path("classifier").asText()).isEqualTo("1");
        assertThat(images.get(0).path("href").asText()).endsWith(ref + "/pages/1");
    }

    // --- same intake guarantees as Netverify ------------------------------------------------------------------

    @Test
    void callersOutsideTheAllowlistGet403AndNothingIsStored() throws Exception {
        String body = callback("5b3e3c1e-0000-4000-8000-00000000d006", "2024-03-01T10:05:00Z", doneTransaction(),
                creditCardDocument(PAN));

        HttpResponse<String> viaProxy = post(PATH, body, FORM, "198.51.100.7");
        RawHttp.Response direct = RawHttp.post("127.0.0.2", port, PATH, FORM, body, Map.of());
        RawHttp.Response spoofed = RawHttp.post("127.0.0.3", port, PATH, FORM, body,
                Map.of("X-Forwarded-For", JUMIO_US));

        assertThat(viaProxy.statusCode()).isEqualTo(403);
        assertThat(readJson(viaProxy.body()).path("error").asText()).isEqualTo("source-not-allowed");
        assertThat(direct.status()).isEqualTo(403);
        assertThat(spoofed.status()).as("X-Forwarded-For from an untrusted peer is ignored").isEqualTo(403);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox", Long.class)).isZero();
    }

    @Test
    void oversizedBodyIs413AndNothingIsStored() {
        String body = form("scanReference", "5b3e3c1e-0000-4000-8000-00000000d007") + "&filler=" + "a".repeat(300 * 1024);

        HttpResponse<String> response = postFromJumio(PATH, body, FORM);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(readJson(response.body()).path("error").asText()).isEqualTo("payload-too-large");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox", Long.class)).isZero();
    }

    @Test
    void otherContentTypesAre415AndNothingIsStored() {
        HttpResponse<String> json = postFromJumio(PATH, "{\"scanReference\":\"x\"}", "application/json");
        HttpResponse<String> none = postFromJumio(PATH, "scanReference=x", null);
        HttpResponse<String> text = postFromJumio(PATH, "scanReference=x", "text/plain");

        assertThat(json.statusCode()).isEqualTo(415);
        assertThat(readJson(json.body()).path("error").asText()).isEqualTo("unsupported-media-type");
        assertThat(none.statusCode()).isEqualTo(415);
        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox", Long.class)).isZero();
    }

    @Test
    void duplicateDeliveryOnlyCountsAndChangesNothing() {
        assertSecondDeliveryOnlyCounts(PATH, fixture("document-verification/extracted-ssc.txt"),
                "/api/document-verifications/" + SEED_SCAN_REFERENCE);
    }

    @Test
    void anOlderTimestampNeverOverwritesANewerResult() {
        String ref = "5b3e3c1e-0000-4000-8000-00000000d008";
        String uploaded = callback(ref, "2024-03-01T10:01:00Z", doneTransaction(),
                "{\"type\":\"CC\",\"country\":\"USA\",\"status\":\"UPLOADED\"}");
        String extracted = callback(ref, "2024-03-01T10:05:00.000Z", doneTransaction(), creditCardDocument(PAN));

        postFromJumio(PATH, uploaded, FORM);
        assertThat(awaitDocumentVerification(ref).path("decision").asText()).isEqualTo("UPLOADED_ONLY");
        postFromJumio(PATH, extracted, FORM);
        awaitInboxDrained();
        postFromJumio(PATH, uploaded, FORM);
        awaitInboxDrained();

        JsonNode result = readJson(apiGet("/api/document-verifications/" + ref).body());
        assertThat(result.path("status").asText()).isEqualTo("EXTRACTED");
        assertThat(result.path("decision").asText()).isEqualTo("EXTRACTED");
        assertThat(result.path("eventTime").asText()).isEqualTo("2024-03-01T10:05:00Z");
        assertThat(result.path("delivery").path("deliveries").asInt()).isEqualTo(3);
        assertThat(result.path("delivery").path("staleDeliveries").asInt()).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT outcome FROM callback_inbox ORDER BY id", String.class))
                .containsExactly("APPLIED", "APPLIED", "STALE");
    }

    @Test
    void unparsableCallbacksAreKeptMaskedMarkedFailedAndReplayable(CapturedOutput logs) {
        // broken JSON after the card number: unreadable, yet stored without the full number
        String brokenJson = form("scanReference", "5b3e3c1e-0000-4000-8000-00000000d009",
                "document", "{\"type\":\"CC\",\"extractedData\":{\"name\":\"SECRETNAME\",\"pan\":\"" + PAN + "\"");
        String noReference = form("timestamp", "2024-03-01T10:05:00Z", "document", "{\"type\":\"CC\"}");

        assertThat(postFromJumio(PATH, brokenJson, FORM).statusCode()).isEqualTo(200);
        assertThat(postFromJumio(PATH, noReference, FORM).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM callback_inbox WHERE status = 'FAILED'", Long.class) == 2);
        JsonNode failed = readJson(apiGet("/api/callbacks?status=failed").body());
        assertThat(failed).hasSize(2);
        assertThat(failed.toString()).contains("'document' is not valid JSON").contains("no scanReference")
                .doesNotContain("SECRETNAME");
        assertThat(storedBodies())
                .containsExactly(brokenJson.replace(PAN, "****9855"), noReference);
        assertThat(everythingStored()).doesNotContain(PAN);
        assertThat(logs.getAll()).doesNotContain(PAN, "SECRETNAME");

        // replaying without a fix fails again, and is still kept
        long id = jdbc.queryForObject("SELECT MIN(id) FROM callback_inbox", Long.class);
        assertThat(apiPost("/api/callbacks/" + id + "/replay").body()).contains("\"requeued\":1");
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT attempts FROM callback_inbox WHERE id = ?", Integer.class, id) == 2
                && "FAILED".equals(jdbc.queryForObject("SELECT status FROM callback_inbox WHERE id = ?", String.class, id)));
    }

    @Test
    void replayingAMaskedCallbackGivesTheSameResult() {
        String ref = "5b3e3c1e-0000-4000-8000-00000000d010";
        postFromJumio(PATH, callback(ref, "2024-03-01T10:05:00.000Z", doneTransaction(), creditCardDocument(PAN)), FORM);
        JsonNode first = awaitDocumentVerification(ref);
        long id = jdbc.queryForObject("SELECT id FROM callback_inbox", Long.class);

        assertThat(apiPost("/api/callbacks/" + id + "/replay").body()).contains("\"requeued\":1");
        await().atMost(Duration.ofSeconds(20)).until(() -> "DUPLICATE".equals(
                jdbc.queryForObject("SELECT outcome FROM callback_inbox WHERE id = ?", String.class, id)));

        JsonNode replayed = readJson(apiGet("/api/document-verifications/" + ref).body());
        assertThat(withoutDelivery(replayed)).isEqualTo(withoutDelivery(first));
        assertThat(replayed.path("details").path("document").path("extractedData").path("pan").asText())
                .isEqualTo("****9855");
    }

    // --- read API ---------------------------------------------------------------------------------------------

    @Test
    void unknownScanReferencesAndResultsOfAnotherKindAre404() {
        assertThat(postFromJumio("/callbacks/netverify", fixture("netverify/approved-verified.txt"), FORM).statusCode())
                .isEqualTo(200);
        awaitResult(SEED_SCAN_REFERENCE);

        HttpResponse<String> netverify = apiGet("/api/document-verifications/" + SEED_SCAN_REFERENCE);
        HttpResponse<String> unknown = apiGet("/api/document-verifications/5b3e3c1e-0000-4000-8000-0000000dead0");
        HttpResponse<String> kindOverride = apiGet("/api/document-verifications/" + SEED_SCAN_REFERENCE
                + "?ResultKind=NETVERIFY");

        assertThat(netverify.statusCode()).isEqualTo(404);
        assertThat(readJson(netverify.body()).path("error").asText()).isEqualTo("not-found");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(kindOverride.statusCode()).as("the kind cannot be chosen by the caller").isEqualTo(404);
        assertThat(send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                url("/api/document-verifications/" + SEED_SCAN_REFERENCE))).GET().build()).statusCode())
                .as("authentication required").isEqualTo(401);
    }

    // --- helpers ----------------------------------------------------------------------------------------------

    /** Waits until the worker has stored a Document Verification result; returns it as the DV API serves it. */
    private JsonNode awaitDocumentVerification(String scanReference) {
        return awaitServed("/api/document-verifications/" + scanReference);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
