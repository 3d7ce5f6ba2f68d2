package com.jumiogateway.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.RawHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Malformed bodies from Jumio's own address are stored byte for byte and only the worker parses them: they end
 * FAILED with a reason that names no value (or parse as the README promises), never a 500. Hostile input, from
 * Jumio or a stranger, never puts a request value or a forged line into the log.
 */
@ExtendWith(OutputCaptureExtension.class)
class MalformedCallbackTest extends GatewayTestSupport {

    static final Map<String, String> VIA_PROXY_JUMIO = Map.of("X-Forwarded-For", JUMIO_US);
    static final String CARD = "4111111111111111";
    static final String SSN = "123-45-6789";

    @Test
    void malformedNetverifyBodiesAreStoredByteForByteAndMarkedFailedWithoutValues() throws IOException {
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        bodies.put("bad %-escape", bytes("jumioIdScanReference=5b3e3c1e-0000-4000-8000-0000000000c1"
                + "&verificationStatus=APPROVED_VERIFIED&idFirstName=SECRETNAME%zz"));
        bodies.put("invalid UTF-8 bytes", concat(bytes("jumioIdScanReference=5b3e3c1e-0000-4000-8000-0000000000c2"
                + "&idFirstName=SECRET"), new byte[] {(byte) 0xff, (byte) 0xfe}, bytes("NAME")));
        bodies.put("invalid UTF-8 %-escaped", bytes("jumioIdScanReference=5b3e3c1e-0000-4000-8000-0000000000c3"
                + "&idLastName=SECRET%C3%28NAME"));
        bodies.put("NUL byte", bytes("jumioIdScanReference=5b3e3c1e-0000-4000-8000-0000000000c4"
                + "&idNumber=SECRET\u0000NAME"));
        bodies.put("JSON sent as a form", bytes("{\"jumioIdScanReference\":\"5b3e3c1e-0000-4000-8000-0000000000c5\","
                + "\"idFirstName\":\"SECRETNAME\"}"));
        bodies.put("no pair at all", bytes("%%%SECRETNAME"));
        bodies.put("a=%zz", bytes("a=%zz"));

        List<Integer> statuses = new ArrayList<>();
        for (byte[] body : bodies.values()) {
            statuses.add(RawHttp.send("127.0.0.1", port, "POST", "/callbacks/netverify", FORM, body, VIA_PROXY_JUMIO).status());
        }

        assertThat(statuses).as("every malformed callback from Jumio is stored: 200").containsOnly(200);
        List<byte[]> stored = jdbc.queryForList("SELECT body FROM callback_inbox ORDER BY id", byte[].class);
        assertThat(stored).hasSize(bodies.size());
        List<byte[]> sent = new ArrayList<>(bodies.values());
        for (int i = 0; i < sent.size(); i++) {
            assertThat(stored.get(i)).as("stored byte for byte: " + new ArrayList<>(bodies.keySet()).get(i)).isEqualTo(sent.get(i));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM callback_inbox WHERE status = 'FAILED'", Long.class) == bodies.size());
        List<String> reasons = jdbc.queryForList("SELECT failure_reason FROM callback_inbox ORDER BY id", String.class);
        assertThat(reasons).allSatisfy(reason -> assertThat(reason).isNotBlank().doesNotContain("SECRET", "NAME\u0000"));
        assertThat(reasons.get(0)).contains("idFirstName").contains("%-escape");
        assertThat(reasons.get(1)).contains("idFirstName").contains("UTF-8");
        assertThat(reasons.get(2)).contains("idLastName").contains("UTF-8");
        assertThat(reasons.get(3)).contains("idNumber").contains("NUL");
        assertThat(reasons.get(4)).contains("JSON");
        assertThat(reasons.get(5)).contains("name=value");
        assertThat(reasons.get(6)).contains("'a'");
        JsonNode listed = readJson(apiGet("/api/callbacks?status=FAILED").body());
        assertThat(listed).hasSize(bodies.size());
        assertThat(listed.toString()).doesNotContain("SECRET");
    }

    @Test
    void aPairWithoutEqualsIsAnEmptyValueAsTheReadmePromises() throws IOException {
        String reference = "5b3e3c1e-0000-4000-8000-0000000000c6";
        byte[] body = bytes("jumioIdScanReference=" + reference + "&verificationStatus=APPROVED_VERIFIED&merchantReportingCriteria"
                + "&idType=PASSPORT");

        assertThat(RawHttp.send("127.0.0.1", port, "POST", "/callbacks/netverify", FORM, body, VIA_PROXY_JUMIO).status())
                .isEqualTo(200);

        JsonNode result = awaitResult(reference);
        assertThat(result.path("status").asText()).isEqualTo("APPROVED_VERIFIED");
        assertThat(result.path("documentType").asText()).isEqualTo("PASSPORT");
        assertThat(jdbc.queryForObject("SELECT status FROM callback_inbox", String.class)).isEqualTo("PROCESSED");
    }

    @Test
    void aMalformedDocumentVerificationBodyNeverStoresAFullCardNumber() throws IOException {
        String document = "%7B%22type%22%3A%22CC%22%2C%22extractedData%22%3A%7B%22pan%22%3A%22" + CARD
                + "%22%2C%22ssn%22%3A%22" + SSN + "%22%7D%2C%22status%22%3A%22EXTRACTED%22%7D";
        List<byte[]> bodies = List.of(
                bytes("scanReference=5b3e3c1e-0000-4000-8000-0000000000d1&broken=%zz&document=" + document),
                concat(bytes("scanReference=5b3e3c1e-0000-4000-8000-0000000000d2&document=" + document + "&x="),
                        new byte[] {(byte) 0xff, 0, (byte) 0xc3}),
                bytes("scanReference=5b3e3c1e-0000-4000-8000-0000000000d3&document=%7B%22pan%22%3A%22" + CARD + "%22%2C%22x%22%3A%25zz"),
                bytes("scanReference=5b3e3c1e-0000-4000-8000-0000000000d4&document={\"pan\":\"" + CARD + "\"&pan=" + CARD));

        for (byte[] body : bodies) {
            assertThat(RawHttp.send("127.0.0.1", port, "POST", "/callbacks/document-verification", FORM, body,
                    VIA_PROXY_JUMIO).status()).isEqualTo(200);
        }

        List<byte[]> stored = jdbc.queryForList("SELECT body FROM callback_inbox ORDER BY id", byte[].class);
        assertThat(stored).hasSize(bodies.size()).allSatisfy(body -> {
            String text = new String(body, StandardCharsets.ISO_8859_1);
            assertThat(text).doesNotContain(CARD).doesNotContain("411111111111").doesNotContain(SSN);
            assertThat(text).contains("1111");
        });
        awaitInboxDrained();
        assertThat(apiGet("/api/callbacks?status=FAILED").body() + apiGet("/api/callbacks?status=PROCESSED").body())
                .doesNotContain(CARD);
    }

    @Test
    void platformCallbacksWithAFormContentTypeAre415AndBrokenJsonIsKeptFailed() throws IOException {
        RawHttp.Response form = RawHttp.send("127.0.0.1", port, "POST", "/callbacks/platform", FORM, bytes("a=%zz&b"),
                VIA_PROXY_JUMIO);
        RawHttp.Response broken = RawHttp.send("127.0.0.1", port, "POST", "/callbacks/platform", "application/json",
                bytes("{\"workflowExecution\":{\"id\":\"SECRETID"), VIA_PROXY_JUMIO);

        assertThat(form.status()).isEqualTo(415);
        assertThat(readJson(form.body()).path("error").asText()).isEqualTo("unsupported-media-type");
        assertThat(broken.status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> "FAILED".equals(
                jdbc.queryForObject("SELECT status FROM callback_inbox", String.class)));
        assertThat(jdbc.queryForObject("SELECT failure_reason FROM callback_inbox", String.class)).doesNotContain("SECRETID");
    }

    @Test
    void noRequestValueOrForgedLineReachesTheLog(CapturedOutput logs) throws Exception {
        String forged = "\r\n2026-01-01T00:00:00.000Z  INFO 1 --- [jumio-callback-gateway] [main] verification-result : FORGED";
        List<byte[]> hostile = List.of(
                bytes("pan=" + CARD + "&ssn=" + SSN + "&a=%zz"),
                bytes("jumioIdScanReference=x&idNumber=" + CARD + forged + "&b=%%%"),
                bytes("a=" + forged.replace("\r\n", "%0d%0a") + "&idFirstName=" + SSN + "&x"),
                concat(bytes("idNumber=" + CARD + "&name="), new byte[] {(byte) 0xff, 0, '\r', '\n'}, bytes(forged)),
                bytes("{\"pan\":\"" + CARD + "\",\"x\":\"" + forged.replace("\r\n", "\\r\\n") + "\"}"));
        for (byte[] body : hostile) {
            for (String path : List.of("/callbacks/netverify", "/callbacks/document-verification", "/callbacks/platform")) {
                RawHttp.send("127.0.0.2", port, "POST", path, FORM, body, Map.of());
                RawHttp.send("127.0.0.1", port, "POST", path, FORM, body, Map.of("X-Forwarded-For", "203.0.113.5"));
                RawHttp.send("127.0.0.1", port, "POST", path, FORM, body, VIA_PROXY_JUMIO);
                RawHttp.send("127.0.0.1", port, "POST", path, "application/json", body, VIA_PROXY_JUMIO);
            }
        }
        // values in the request line, a query string, headers and a forged X-Forwarded-For
        RawHttp.send("127.0.0.1", port, "POST", "/callbacks/netverify%0d%0aFORGED?pan=" + CARD, FORM, bytes("a=1"), VIA_PROXY_JUMIO);
        RawHttp.send("127.0.0.1", port, "POST", "/callbacks/netverify", FORM, bytes("a=1"),
                Map.of("X-Forwarded-For", "FORGED-" + CARD + ", " + SSN));
        RawHttp.send("127.0.0.1", port, "GET", "/api/verifications/" + CARD + "%0d%0aFORGED", null, new byte[0],
                Map.of("Authorization", basic("tester", "test-password")));
        RawHttp.send("127.0.0.1", port, "GET", "/api/verifications/x", null, new byte[0],
                Map.of("Authorization", basic(CARD, SSN)));
        RawHttp.raw(port, "GET /api/" + CARD + "{FORGED} HTTP/1.1\r\nHost: x\r\n\r\n");
        // a client that disconnects mid-upload
        try (Socket socket = RawHttp.connect("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(RawHttp.head("POST", "/callbacks/netverify", port, FORM, VIA_PROXY_JUMIO, 10_000));
            out.write(bytes("jumioIdScanReference=" + CARD));
            out.flush();
        }
        awaitInboxDrained();

        assertThat(logs.getAll()).as("no request value in the log").doesNotContain(CARD).doesNotContain(SSN)
                .doesNotContain("411111111111");
        assertThat(logs.getAll()).as("no forged line").doesNotContain("FORGED");
        // the hang-up is logged once the server has noticed it
        await().atMost(Duration.ofSeconds(10)).until(() -> logs.getAll().contains("ended by the client"));
        String output = logs.getAll();
        assertThat(output).doesNotContain(CARD).doesNotContain("FORGED");
        assertThat(output.lines().filter(line -> line.startsWith("\tat ")).toList()).as("client errors: no stack trace").isEmpty();
        assertThat(output.lines().filter(line -> line.contains(" ERROR ")).toList()).as("nothing here is an ERROR").isEmpty();
        assertThat(output).contains("Refused callback from 203.0.113.5");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
