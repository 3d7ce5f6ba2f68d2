package com.jumiogateway.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.jumiogateway.netverify.NetverifyStatuses;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.OwnContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * jumio-sim against the running service (random port, real HTTP): every command stores the result it promises.
 * The simulator runs in this JVM through {@link JumioSimulator#run}, exactly as the command line runs it, with its
 * settings from the environment map; its simulated Jumio APIs listen on {@link #JUMIO_PORT}, where the gateway's Jumio
 * and Platform base URLs point.
 */
@OwnContext
class JumioSimulatorTest extends GatewayTestSupport {

    static final int JUMIO_PORT = freePort();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        String jumio = "http://127.0.0.1:" + JUMIO_PORT;
        registry.add("gateway.jumio.api-token", () -> "sim-token");
        registry.add("gateway.jumio.api-secret", () -> "sim-secret");
        registry.add("gateway.jumio.data-centers.US.netverify-url", () -> jumio);
        registry.add("gateway.jumio.data-centers.US.document-retrieval-url", () -> jumio);
        registry.add("gateway.platform.client-id", () -> "sim-client");
        registry.add("gateway.platform.client-secret", () -> "sim-secret");
        registry.add("gateway.platform.auth-url", () -> jumio);
        registry.add("gateway.platform.retrieval-url", () -> jumio);
        registry.add("gateway.reconciliation.poll-delay-ms", () -> "100");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Run(int exitCode, String output) {
    }

    /** Runs jumio-sim as the test profile's Jumio: through the trusted loopback proxy, with the test API user. */
    private Run sim(String... args) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        int code = JumioSimulator.run(args, out, Map.of(
                "JUMIO_SIM_TO", url(""),
                "JUMIO_SIM_USER", "tester",
                "JUMIO_SIM_PASSWORD", "test-password",
                "JUMIO_SIM_FORWARDED_FOR", JUMIO_US,
                "JUMIO_SIM_JUMIO_PORT", Integer.toString(JUMIO_PORT)));
        return new Run(code, buffer.toString(StandardCharsets.UTF_8));
    }

    private JsonNode result(String reference) {
        return readJson(apiGet("/api/verifications/" + reference).body());
    }

    @Test
    void netverifyFraudCallbackStoresStatusDecisionRejectReasonAndCountry() {
        String reference = UUID.randomUUID().toString();
        Run run = sim("callback", "netverify", "--status", "DENIED_FRAUD", "--reason", "100", "--details", "1003",
                "--country", "DEU", "--scan-reference", reference);

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("scan " + reference, "DENIED_FRAUD", "gateway answered 200",
                "stored: status DENIED_FRAUD, decision FRAUD, reject reason 100 MANIPULATED_DOCUMENT, country DEU (Germany)");
        JsonNode result = result(reference);
        assertThat(result.path("status").asText()).isEqualTo("DENIED_FRAUD");
        assertThat(result.path("decision").asText()).isEqualTo("FRAUD");
        assertThat(result.path("rejectReason").path("code").asText()).isEqualTo("100");
        assertThat(result.path("rejectReason").path("category").asText()).isEqualTo("FRAUD");
        assertThat(result.path("rejectReason").path("details").get(0).path("code").asText()).isEqualTo("1003");
        assertThat(result.path("rejectReason").path("details").get(0).path("description").asText()).isEqualTo("EXPIRY");
        assertThat(result.path("country").asText()).isEqualTo("DEU");
        assertThat(result.path("countryName").asText()).isEqualTo("Germany");
        // consistent with the status and the masked country: no checks OK, no identity verification, no masked field
        String body = storedBody();
        assertThat(body).contains("idScanStatus=ERROR", "idCheckHologram=N%2FA", "rejectReason=%7B")
                .doesNotContain("identityVerification", "idCheckMRZcode", "personalNumber", "idFirstName");
    }

    @Test
    void approvedCallbackCarriesIdentityVerificationChecksAndAddress() {
        String reference = UUID.randomUUID().toString();
        Run run = sim("callback", "netverify", "--status", "APPROVED_VERIFIED", "--country", "AUT", "--scan-reference", reference);

        assertThat(run.exitCode()).as(run.output()).isZero();
        JsonNode result = result(reference);
        assertThat(result.path("decision").asText()).isEqualTo("APPROVED");
        assertThat(result.path("countryName").asText()).isEqualTo("Austria");
        assertThat(result.path("rejectReason").isNull() || result.path("rejectReason").isMissingNode()).isTrue();
        JsonNode details = result.path("details");
        assertThat(details.path("identityVerification").path("similarity").asText()).isEqualTo("MATCH");
        assertThat(details.path("identityVerification").path("validity").asBoolean()).isTrue();
        assertThat(details.path("idCheckSecurityFeatures").asText()).isEqualTo("OK");
        assertThat(details.path("idScanStatus").asText()).isEqualTo("SUCCESS");
        assertThat(details.path("idAddress").path("country").asText()).isEqualTo("AUT");
    }

    @Test
    void allStatusesSendsOneOfEachAndEachIsStoredWithItsDecision() {
        Run run = sim("callback", "netverify", "--all-statuses");

        assertThat(run.exitCode()).as(run.output()).isZero();
        List<Map<String, Object>> stored = jdbc.queryForList("SELECT status, decision FROM verification_result");
        assertThat(stored).hasSize(NetverifyStatuses.all().size());
        for (String status : NetverifyStatuses.all()) {
            assertThat(stored).anySatisfy(row -> {
                assertThat(row.get("STATUS") != null ? row.get("STATUS") : row.get("status")).isEqualTo(status);
                assertThat(row.get("DECISION") != null ? row.get("DECISION") : row.get("decision"))
                        .isEqualTo(NetverifyStatuses.decision(status).name());
            });
        }
    }

    @Test
    void aReasonOfTheWrongStatusIsRefusedBeforeAnythingIsSent() {
        Run run = sim("callback", "netverify", "--status", "DENIED_FRAUD", "--reason", "102");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.output()).contains("reject reason 102 belongs to NOT_READABLE", "100 MANIPULATED_DOCUMENT");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox", Long.class)).isZero();
    }

    @Test
    void documentVerificationCallbackStoresTheType() {
        String reference = UUID.randomUUID().toString();
        Run run = sim("callback", "document-verification", "--type", "BS", "--country", "GBR", "--scan-reference", reference);

        assertThat(run.exitCode()).as(run.output()).isZero();
        JsonNode result = result(reference);
        assertThat(result.path("kind").asText()).isEqualTo("DOCUMENT_VERIFICATION");
        assertThat(result.path("status").asText()).isEqualTo("EXTRACTED");
        assertThat(result.path("decision").asText()).isEqualTo("EXTRACTED");
        assertThat(result.path("documentType").asText()).isEqualTo("BS");
        assertThat(result.path("countryName").asText()).isEqualTo("United Kingdom");
        assertThat(run.output()).contains("decision EXTRACTED");
    }

    @Test
    void platformCallbackIsResolvedThroughTheSimulatedPlatformApis() {
        String reference = UUID.randomUUID().toString();
        Run run = sim("callback", "platform", "--decision", "REJECTED", "--label", "MANIPULATED_DOCUMENT",
                "--country", "AUT", "--scan-reference", reference);

        assertThat(run.exitCode()).as(run.output()).isZero();
        JsonNode result = result(reference);
        assertThat(result.path("kind").asText()).isEqualTo("PLATFORM");
        assertThat(result.path("status").asText()).isEqualTo("REJECTED");
        assertThat(result.path("decision").asText()).isEqualTo("FRAUD");
        assertThat(result.path("rejectReason").path("details").get(0).path("code").asText()).isEqualTo("MANIPULATED_DOCUMENT");
        assertThat(result.path("country").asText()).isEqualTo("AUT");
        assertThat(result.path("countryName").asText()).isEqualTo("Austria");
    }

    @Test
    void missedCallbackIsResolvedByReconciliationFromTheRetrievalApi() {
        String reference = UUID.randomUUID().toString();
        Run run = sim("scenario", "missed-callback", "--status", "DENIED_FRAUD", "--country", "FRA", "--scan-reference", reference);

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("registered pending NETVERIFY transaction " + reference, "sent no callback",
                "source RETRIEVAL");
        JsonNode result = result(reference);
        assertThat(result.path("source").asText()).isEqualTo("RETRIEVAL");
        assertThat(result.path("status").asText()).isEqualTo("DENIED_FRAUD");
        assertThat(result.path("decision").asText()).isEqualTo("FRAUD");
        assertThat(result.path("rejectReason").path("code").asText()).isEqualTo("100");
        assertThat(result.path("countryName").asText()).isEqualTo("France");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox", Long.class)).isZero();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> "RESOLVED".equals(jdbc.queryForObject(
                "SELECT state FROM pending_transaction WHERE scan_reference = ?", String.class, reference)));
    }

    @Test
    void duplicatesAndReorderingKeepTheNewestResult() {
        String reference = UUID.randomUUID().toString();
        Run run = sim("scenario", "duplicates-and-reordering", "--scan-reference", reference);

        assertThat(run.exitCode()).as(run.output()).isZero();
        awaitInboxDrained();
        assertThat(result(reference).path("status").asText()).isEqualTo("APPROVED_VERIFIED");
        assertThat(result(reference).path("delivery").path("duplicates").asInt()).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT outcome FROM callback_inbox ORDER BY id", String.class))
                .containsExactly("APPLIED", "DUPLICATE", "STALE");
    }

    @Test
    void burstStoresEveryCallback() {
        Run run = sim("scenario", "burst", "--count", "60", "--concurrency", "8");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("sent 60 NETVERIFY callbacks", "answers: 200: 60", "stored: 60 of 60 results");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM verification_result", Long.class)).isEqualTo(60);
    }

    @Test
    void replayStoresSavedBodiesByteForByte(@TempDir Path dir) throws IOException {
        String netverifyReference = UUID.randomUUID().toString();
        String documentReference = UUID.randomUUID().toString();
        // saved raw bodies: the seed's fraud example, and a Document Verification body with a trailing newline
        byte[] netverify = fixture("netverify/denied-fraud.txt").replace("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", netverifyReference)
                .getBytes(StandardCharsets.UTF_8);
        byte[] document = (fixture("document-verification/uploaded.txt").replace("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
                documentReference) + "\n").getBytes(StandardCharsets.UTF_8);
        Path first = Files.write(dir.resolve("fraud.form"), netverify);
        Path second = Files.write(dir.resolve("dv.form"), document);

        Run run = sim("replay", first.toString(), second.toString());

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("as netverify", "as document-verification", "scan " + netverifyReference);
        List<byte[]> stored = jdbc.queryForList("SELECT body FROM callback_inbox ORDER BY id", byte[].class);
        assertThat(stored).hasSize(2);
        assertThat(stored.get(0)).isEqualTo(netverify);
        assertThat(stored.get(1)).isEqualTo(document);
        assertThat(result(netverifyReference).path("decision").asText()).isEqualTo("FRAUD");
        assertThat(result(documentReference).path("decision").asText()).isEqualTo("UPLOADED_ONLY");
    }
}
