package com.jumiogateway.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.jumiogateway.support.GatewayTestSupport;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** routes/netverify-callback.camel.yaml, end to end: intake over HTTP, worker, store, API. */
@ExtendWith(OutputCaptureExtension.class)
class NetverifyCallbackTest extends GatewayTestSupport {

    static final String SEED_REF = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

    @Test
    void approvedSeedCallbackIsStoredVerbatimAndServedEnriched(CapturedOutput logs) {
        String body = fixture("netverify/approved-verified.txt");

        HttpResponse<String> response = postFromJumio("/callbacks/netverify", body, FORM);

        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Object> row = jdbc.queryForMap("SELECT kind, source_address, body FROM callback_inbox");
        assertThat(new String((byte[]) row.get("body"), java.nio.charset.StandardCharsets.UTF_8)).as("stored byte for byte").isEqualTo(body);
        assertThat(row.get("kind")).isEqualTo("NETVERIFY");
        assertThat(row.get("source_address")).isEqualTo(JUMIO_US);

        JsonNode result = awaitResult(SEED_REF);
        assertThat(result.path("scanReference").asText()).isEqualTo(SEED_REF);
        assertThat(result.path("kind").asText()).isEqualTo("NETVERIFY");
        assertThat(result.path("source").asText()).isEqualTo("CALLBACK");
        assertThat(result.path("status").asText()).isEqualTo("APPROVED_VERIFIED");
        assertThat(result.path("decision").asText()).isEqualTo("APPROVED");
        assertThat(result.path("merchantReference").asText()).isEqualTo("YOURIDSCANREFERENCE");
        assertThat(result.path("documentType").asText()).isEqualTo("PASSPORT");
        assertThat(result.path("country").asText()).isEqualTo("USA");
        assertThat(result.path("countryName").asText()).isEqualTo("United States");
        assertThat(result.has("rejectReason")).isFalse();
        JsonNode details = result.path("details");
        assertThat(details.path("callBackType").asText()).isEqualTo("NETVERIFY" + "ID");
        assertThat(details.path("idScanStatus").asText()).isEqualTo("SUCCESS");
        assertThat(details.path("idScanSource").asText()).isEqualTo("SDK");
        assertThat(details.path("idType").asText()).isEqualTo("PASSPORT");
        assertThat(details.path("idCountry").asText()).isEqualTo("USA");
        assertThat(details.path("idExpiry").asText()).isEqualTo("2022-12-31");
        assertThat(details.path("idDob").asText()).isEqualTo("1990-01-01");
        assertThat(details.path("idFirstName").asText()).isEqualTo("FIRSTNAME");
        assertThat(details.path("idLastName").asText()).isEqualTo("LASTNAME");
        assertThat(details.path("idNumber").asText()).isEqualTo("P1234");
        assertThat(details.has("personalNumber")).as("N/A is 'not available'").isFalse();
        assertThat(details.path("idCheckSignature").asText()).isEqualTo("OK");
        assertThat(details.path("idCheckDataPositions").asText()).isEqualTo("OK");
        assertThat(details.path("idCheckHologram").asText()).isEqualTo("OK");
        assertThat(details.path("idCheckMicroprint").asText()).isEqualTo("OK");
        assertThat(details.path("idCheckDocumentValidation").asText()).isEqualTo("OK");
        assertThat(details.path("idCheckSecurityFeatures").asText()).isEqualTo("OK");
        assertThat(details.path("idCheckMRZcode").asText()).isEqualTo("OK");
        assertThat(details.path("merchantIdScanReference").asText()).isEqualTo("YOURIDSCANREFERENCE");
        assertThat(details.path("clientIp").asText()).isEqualTo("xxx.xxx.xxx.xxx");
        assertThat(details.path("idScanImage").asText())
                .isEqualTo("https://netverify.com/recognition/v1/idscan/" + SEED_REF + "/front");
        assertThat(details.path("idAddress").path("country").asText()).isEqualTo("USA");
        assertThat(details.path("idAddress").path("stateCode").asText()).isEqualTo("US-OH");
        assertThat(details.path("idAddress").path("format").asText()).isEqualTo("US");
        assertThat(details.path("identityVerification").path("similarity").asText()).isEqualTo("MATCH");
        assertThat(details.path("identityVerification").path("validity").asBoolean()).isTrue();
        assertThat(result.path("delivery").path("deliveries").asInt()).isEqualTo(1);

        assertThat(logs.getAll()).as("no personal data in the logs")
                .doesNotContain("FIRSTNAME", "LASTNAME", "P1234", "1990-01-01", "US-OH");
        assertThat(logs.getAll()).contains(SEED_REF);
    }

    @Test
    void fraudSeedCallbackCarriesDecodedRejectReasonAndDetails(CapturedOutput logs) {
        HttpResponse<String> response = postFromJumio("/callbacks/netverify", fixture("netverify/denied-fraud.txt"), FORM);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode result = awaitResult(SEED_REF);
        assertThat(result.path("status").asText()).isEqualTo("DENIED_FRAUD");
        assertThat(result.path("decision").asText()).isEqualTo("FRAUD");
        assertThat(result.path("merchantReference").asText()).isEqualTo("YOURSCANREFERENCE");
        JsonNode reject = result.path("rejectReason");
        assertThat(reject.path("code").asText()).isEqualTo("100");
        assertThat(reject.path("description").asText()).isEqualTo("MANIPULATED_DOCUMENT");
        assertThat(reject.path("category").asText()).isEqualTo("FRAUD");
        assertThat(reject.path("details")).hasSize(2);
        assertThat(reject.path("details").get(0).path("code").asText()).isEqualTo("1001");
        assertThat(reject.path("details").get(0).path("description").asText()).isEqualTo("PHOTO");
        assertThat(reject.path("details").get(1).path("code").asText()).isEqualTo("1004");
        assertThat(reject.path("details").get(1).path("description").asText()).isEqualTo("DOB");
        JsonNode details = result.path("details");
        assertThat(details.path("idScanStatus").asText()).isEqualTo("ERROR");
        assertThat(details.path("idCheckSignature").asText()).isEqualTo("N/A");
        assertThat(details.path("idCheckMRZcode").asText()).isEqualTo("N/A");
        assertThat(details.has("idNumber")).isFalse();
        assertThat(details.path("rejectReason").path("rejectReasonCode").asText()).isEqualTo("100");
        assertThat(logs.getAll()).contains(SEED_REF).contains("DENIED_FRAUD");
    }

    @Test
    void duplicateDeliveryOnlyCountsAndChangesNothing() {
        assertSecondDeliveryOnlyCounts("/callbacks/netverify", fixture("netverify/denied-fraud.txt"), "/api/verifications/" + SEED_REF);
    }

    @Test
    void olderCallbackNeverOverwritesNewerOne() {
        String ref = "5b3e3c1e-0000-4000-8000-000000000001";
        String newer = "jumioIdScanReference=" + ref + "&verificationStatus=APPROVED_VERIFIED&idScanStatus=SUCCESS"
                + "&idType=PASSPORT&idCountry=AUT&transactionDate=2024-03-01T10%3A00%3A00.000Z"
                + "&callbackDate=2024-03-01T10%3A05%3A00.000Z";
        String older = "jumioIdScanReference=" + ref + "&verificationStatus=ERROR_NOT_READABLE_ID&idScanStatus=ERROR"
                + "&idType=PASSPORT&idCountry=AUT&transactionDate=2024-03-01T10%3A00%3A00.000Z"
                + "&callbackDate=2024-03-01T10%3A01%3A00Z"
                + "&rejectReason=%7B%22rejectReasonCode%22%3A%22200%22%2C%22rejectReasonDescription%22%3A%22NOT_READABLE_DOCUMENT%22%2C"
                + "%22rejectReasonDetails%22%3A%7B%22detailsCode%22%3A%222001%22%2C%22detailsDescription%22%3A%22BLURRED%22%7D%7D";

        assertThat(postFromJumio("/callbacks/netverify", newer, FORM).statusCode()).isEqualTo(200);
        awaitResult(ref);
        assertThat(postFromJumio("/callbacks/netverify", older, FORM).statusCode()).isEqualTo(200);
        awaitInboxDrained();

        JsonNode result = readJson(apiGet("/api/verifications/" + ref).body());
        assertThat(result.path("status").asText()).isEqualTo("APPROVED_VERIFIED");
        assertThat(result.path("decision").asText()).isEqualTo("APPROVED");
        assertThat(result.path("countryName").asText()).isEqualTo("Austria");
        assertThat(result.path("secondsToResult").asLong()).isEqualTo(300);
        assertThat(result.path("delivery").path("staleDeliveries").asInt()).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT outcome FROM callback_inbox ORDER BY id", String.class))
                .containsExactly("APPLIED", "STALE");
    }

    @Test
    void newerCallbackReplacesOlderOne() {
        String ref = "5b3e3c1e-0000-4000-8000-000000000002";
        String first = "jumioIdScanReference=" + ref + "&verificationStatus=ERROR_NOT_READABLE_ID"
                + "&callbackDate=2024-03-01T10%3A01%3A00Z&idCountry=XKX";
        String later = "jumioIdScanReference=" + ref + "&verificationStatus=NO_ID_UPLOADED"
                + "&callbackDate=2024-03-01T10%3A20%3A00.5Z&idCountry=XKX";

        postFromJumio("/callbacks/netverify", first, FORM);
        awaitResult(ref);
        postFromJumio("/callbacks/netverify", later, FORM);
        awaitInboxDrained();

        JsonNode result = readJson(apiGet("/api/verifications/" + ref).body());
        assertThat(result.path("decision").asText()).isEqualTo("NOTHING_UPLOADED");
        assertThat(result.path("countryName").asText()).isEqualTo("Kosovo");
        assertThat(result.path("delivery").path("deliveries").asInt()).isEqualTo(2);
    }

    @Test
    void oversizedBodyIs413AndNothingIsStored() {
        String body = "jumioIdScanReference=abc&filler=" + "a".repeat(300 * 1024);

        HttpResponse<String> response = postFromJumio("/callbacks/netverify", body, FORM);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(readJson(response.body()).path("error").asText()).isEqualTo("payload-too-large");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox", Long.class)).isZero();
    }

    @Test
    void otherContentTypesAre415AndNothingIsStored() {
        HttpResponse<String> json = postFromJumio("/callbacks/netverify", "{\"jumioIdScanReference\":\"x\"}", "application/json");
        HttpResponse<String> none = postFromJumio("/callbacks/netverify", "jumioIdScanReference=x", null);

        assertThat(json.statusCode()).isEqualTo(415);
        assertThat(readJson(json.body()).path("error").asText()).isEqualTo("unsupported-media-type");
        assertThat(none.statusCode()).isEqualTo(415);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox", Long.class)).isZero();
    }

    @Test
    void unparsableCallbacksAreKeptMarkedFailedAndReplayable() {
        String brokenJson = "jumioIdScanReference=5b3e3c1e-0000-4000-8000-000000000003&verificationStatus=APPROVED_VERIFIED"
                + "&identityVerification=%7B%22similarity%22%3A";
        String noReference = "verificationStatus=APPROVED_VERIFIED&idFirstName=SECRETNAME";
        double failedBefore = metric("gateway.callbacks.failed");

        assertThat(postFromJumio("/callbacks/netverify", brokenJson, FORM).statusCode()).isEqualTo(200);
        assertThat(postFromJumio("/callbacks/netverify", noReference, FORM).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM callback_inbox WHERE status = 'FAILED'", Long.class) == 2);
        JsonNode failed = readJson(apiGet("/api/callbacks?status=failed").body());
        assertThat(failed).hasSize(2);
        assertThat(failed.toString()).contains("identityVerification").contains("jumioIdScanReference")
                .doesNotContain("SECRETNAME");
        assertThat(storedBodies())
                .containsExactly(brokenJson, noReference);
        assertThat(metric("gateway.callbacks.failed") - failedBefore).isGreaterThanOrEqualTo(2);

        // replaying without a fix fails again, and is still kept
        long id = jdbc.queryForObject("SELECT MIN(id) FROM callback_inbox", Long.class);
        assertThat(apiPost("/api/callbacks/" + id + "/replay").body()).contains("\"requeued\":1");
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT attempts FROM callback_inbox WHERE id = ?", Integer.class, id) == 2
                && "FAILED".equals(jdbc.queryForObject("SELECT status FROM callback_inbox WHERE id = ?", String.class, id)));
    }
}
