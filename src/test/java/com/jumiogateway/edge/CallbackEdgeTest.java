package com.jumiogateway.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.OwnContext;
import com.jumiogateway.support.RawHttp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The servlet edge of /callbacks/**: who may send a body is decided from the request line and headers before a
 * single body byte is read; strangers cost nothing, Jumio's body is capped in size and time. Every answer is JSON.
 * Strangers call from 127.0.0.2 (not our trusted proxy, loopback not allowed) or through the trusted proxy with
 * an address that is not Jumio's.
 */
@TestPropertySource(properties = "gateway.intake.body-read-timeout=1s")
@OwnContext
class CallbackEdgeTest extends GatewayTestSupport {

    static final String STRANGER = "127.0.0.2";
    static final Map<String, String> VIA_PROXY_STRANGER = Map.of("X-Forwarded-For", "203.0.113.7");
    static final Map<String, String> VIA_PROXY_JUMIO = Map.of("X-Forwarded-For", JUMIO_US);
    static final long FIFTY_MB = 50L * 1024 * 1024;
    static final long SIXTY_FOUR_KB = 64 * 1024;

    @Test
    void strangersMalformedBodiesAre403JsonAndNothingIsStored() throws IOException {
        List<byte[]> bodies = List.of(bytes("a=%zz"), bytes("%%%"), new byte[] {(byte) 0xff, (byte) 0xfe, 'a', '=', 'b'},
                bytes("jumioIdScanReference=x\u0000y"), bytes("a=1&b"), bytes("{\"jumioIdScanReference\":\"x\"}"));
        for (byte[] body : bodies) {
            for (String path : List.of("/callbacks/netverify", "/callbacks/document-verification", "/callbacks/platform")) {
                RawHttp.Response direct = RawHttp.send(STRANGER, port, "POST", path, FORM, body, Map.of());
                RawHttp.Response proxied = RawHttp.send("127.0.0.1", port, "POST", path, FORM, body, VIA_PROXY_STRANGER);

                for (RawHttp.Response response : List.of(direct, proxied)) {
                    assertThat(response.status()).as(path + " " + new String(body, StandardCharsets.ISO_8859_1)).isEqualTo(403);
                    assertThat(response.body()).as(path + " " + new String(body, StandardCharsets.ISO_8859_1) + response.text()).contains("source-not-allowed");
                    assertThat(response.headers().get("content-type")).startsWith("application/json");
                    assertThat(readJson(response.body()).path("error").asText()).isEqualTo("source-not-allowed");
                    assertThat(response.headers().get("connection")).isEqualToIgnoringCase("close");
                }
            }
        }
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox", Long.class)).isZero();
    }

    @Test
    void strangersFiftyMegabyteUploadIsRefusedBeforeTheServerReads64KB() throws Exception {
        // paced: 2 KB every 25 ms, checking for the answer before each piece; what was sent bounds what was read
        for (long declared : List.of(FIFTY_MB, -1L)) {
            RawHttp.Upload direct = RawHttp.upload(STRANGER, port, "POST", "/callbacks/netverify", FORM, Map.of(),
                    declared, 2048, Duration.ofMillis(25), Duration.ofSeconds(20));
            RawHttp.Upload proxied = RawHttp.upload("127.0.0.1", port, "POST", "/callbacks/netverify", FORM,
                    VIA_PROXY_STRANGER, declared, 2048, Duration.ofMillis(25), Duration.ofSeconds(20));

            for (RawHttp.Upload upload : List.of(direct, proxied)) {
                String what = declared < 0 ? "chunked" : "Content-Length 50 MB";
                assertThat(upload.response()).as(what + ": answered").isNotNull();
                assertThat(upload.response().status()).as(what).isEqualTo(403);
                assertThat(upload.bodyBytesSent()).as(what + ": body bytes sent before the answer").isLessThan(SIXTY_FOUR_KB);
                assertThat(upload.closedByServer()).as(what + ": connection closed, rest never read").isTrue();
            }
        }
        // blind: a writer pushing 50 MB as fast as it can is cut off after what the sockets' buffers hold
        RawHttp.Upload blast = RawHttp.blast(STRANGER, port, "/callbacks/netverify", FORM, Map.of(), FIFTY_MB);
        assertThat(blast.response().status()).isEqualTo(403);
        assertThat(blast.elapsed()).isLessThan(Duration.ofSeconds(2));
        assertThat(blast.bodyBytesSent()).as("bytes the writer got out before the connection failed").isLessThan(8L * 1024 * 1024);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox", Long.class)).isZero();
    }

    @Test
    void aRealCallbackDuringASlowBodyAttackOf100ConnectionsIsStoredWithinOneSecond() throws Exception {
        int attackers = 100;
        AtomicBoolean attacking = new AtomicBoolean(true);
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch connected = new CountDownLatch(attackers);
        ExecutorService pool = Executors.newFixedThreadPool(attackers);
        try {
            for (int i = 0; i < attackers; i++) {
                pool.execute(() -> slowBodyAttacker(attacking, connected, refused));
            }
            assertThat(connected.await(20, TimeUnit.SECONDS)).as("all 100 attackers connected").isTrue();

            String reference = "5b3e3c1e-0000-4000-8000-0000000000aa";
            long started = System.nanoTime();
            HttpResponse<String> response = postFromJumio("/callbacks/netverify",
                    "jumioIdScanReference=" + reference + "&verificationStatus=APPROVED_VERIFIED", FORM);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(elapsed).as("answered (committed) during the attack").isLessThan(Duration.ofSeconds(1));
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox WHERE source_address = ?", Long.class,
                    JUMIO_US)).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(refused.get()).as("attackers answered 403").isGreaterThanOrEqualTo(attackers));
        } finally {
            attacking.set(false);
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** A stranger announcing a 100 kB body and sending it at 1 byte every 500 ms; reconnects when cut off. */
    private void slowBodyAttacker(AtomicBoolean attacking, CountDownLatch connected, AtomicInteger refused) {
        boolean first = true;
        while (attacking.get()) {
            try (Socket socket = RawHttp.connect(STRANGER, port)) {
                socket.setSoTimeout(500);
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                out.write(RawHttp.head("POST", "/callbacks/netverify", port, FORM, Map.of(), 100_000));
                out.flush();
                if (first) {
                    connected.countDown();
                    first = false;
                }
                while (attacking.get()) {
                    out.write('a');
                    out.flush();
                    byte[] answer = RawHttp.readResponse(in);
                    if (answer != null) {
                        if (new String(answer, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 403")) {
                            refused.incrementAndGet();
                        }
                        break;
                    }
                }
                // an attacker cut off tries again half a second later: there is nothing to wait for but time
                Thread.sleep(500);
            } catch (IOException e) {
                // cut off mid-write: connect again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Test
    void jumiosOversizeBodyIs413AtOnceOnContentLengthAndAtTheCapWhenChunked() throws Exception {
        RawHttp.Upload declared = RawHttp.upload("127.0.0.1", port, "POST", "/callbacks/netverify", FORM,
                VIA_PROXY_JUMIO, FIFTY_MB, 2048, Duration.ofMillis(25), Duration.ofSeconds(20));

        assertThat(declared.response().status()).isEqualTo(413);
        assertThat(readJson(declared.response().body()).path("error").asText()).isEqualTo("payload-too-large");
        assertThat(declared.bodyBytesSent()).as("answered on Content-Length alone").isLessThan(SIXTY_FOUR_KB);
        assertThat(declared.closedByServer()).isTrue();

        // chunked: 16 KB every 5 ms, never ending; the cap is 256 KB
        RawHttp.Upload chunked = RawHttp.upload("127.0.0.1", port, "POST", "/callbacks/netverify", FORM,
                VIA_PROXY_JUMIO, -1, 16 * 1024, Duration.ofMillis(5), Duration.ofSeconds(20));

        assertThat(chunked.response()).as("answered before the 20 s budget").isNotNull();
        assertThat(chunked.response().status()).isEqualTo(413);
        assertThat(readJson(chunked.response().body()).path("error").asText()).isEqualTo("payload-too-large");
        // the upload counts whole chunks: the one the server's answer cut short is not counted, so exactly the cap
        // (16 chunks) is a cut at the cap too
        assertThat(chunked.bodyBytesSent()).as("cut at the cap").isGreaterThanOrEqualTo(256 * 1024).isLessThan(1024 * 1024);
        assertThat(chunked.closedByServer()).isTrue();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox", Long.class)).isZero();
    }

    @Test
    void aBodySlowerThanTheReadDeadlineIs408Json() throws Exception {
        // 1 byte every 200 ms: every single read succeeds, the total deadline (1 s here) does not
        RawHttp.Upload trickle = RawHttp.upload("127.0.0.1", port, "POST", "/callbacks/netverify", FORM,
                VIA_PROXY_JUMIO, 1000, 1, Duration.ofMillis(200), Duration.ofSeconds(15));
        // 10 bytes, then silence: the read itself times out
        RawHttp.Upload stalled = RawHttp.upload("127.0.0.1", port, "POST", "/callbacks/netverify", FORM,
                VIA_PROXY_JUMIO, 1000, 10, Duration.ofSeconds(15), Duration.ofSeconds(15));

        for (RawHttp.Upload upload : List.of(trickle, stalled)) {
            assertThat(upload.response()).as("answered").isNotNull();
            assertThat(upload.response().status()).isEqualTo(408);
            assertThat(upload.response().headers().get("content-type")).startsWith("application/json");
            assertThat(readJson(upload.response().body()).path("error").asText()).isEqualTo("request-timeout");
            assertThat(upload.elapsed()).as("a thread is held at most about twice the deadline").isLessThan(Duration.ofSeconds(4));
            assertThat(upload.closedByServer()).isTrue();
        }
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox", Long.class)).isZero();
    }

    @Test
    void theTrustedProxysForwardedForHopIsStoredNormalised() {
        Map<String, String> spellings = new LinkedHashMap<>();
        spellings.put("034.202.241.227", "5b3e3c1e-0000-4000-8000-0000000000b1");
        spellings.put("583725539", "5b3e3c1e-0000-4000-8000-0000000000b2");
        spellings.put("::ffff:22ca:f1e3", "5b3e3c1e-0000-4000-8000-0000000000b3");
        List<Integer> statuses = new ArrayList<>();
        spellings.forEach((hop, reference) -> statuses.add(post("/callbacks/netverify",
                "jumioIdScanReference=" + reference + "&verificationStatus=APPROVED_VERIFIED", FORM, hop).statusCode()));

        assertThat(statuses).containsOnly(200);
        assertThat(jdbc.queryForList("SELECT source_address FROM callback_inbox ORDER BY id", String.class))
                .containsExactly(JUMIO_US, JUMIO_US, JUMIO_US);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
