package com.jumiogateway.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jumiogateway.intake.CallbackSourceAllowlist;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.OwnContext;
import com.jumiogateway.support.RawHttp;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

/**
 * routes/allowlist-refresh.camel.yaml and the source check every intake route starts with: who may post callbacks.
 * Jumio is played through our own proxy on 127.0.0.1 (trusted), other callers from 127.0.0.9 (not trusted).
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = {
        "gateway.allowlist.enabled-data-centers=US,EU",
        "gateway.allowlist.trusted-proxies=127.0.0.1,10.0.0.0/8",
        "gateway.allowlist.additional-addresses=192.0.2.0/28",
        "gateway.allowlist.refresh-interval=300ms"})
@OwnContext
class AllowlistRefreshTest extends GatewayTestSupport {

    static final String RESOLVED_JUMIO = "198.51.100.20";

    static {
        DNS.put("callback.jumio.com", List.of(RESOLVED_JUMIO));
    }

    @Autowired
    MeterRegistry meters;

    @Autowired
    CallbackSourceAllowlist allowlist;

    @AfterAll
    static void forgetDns() {
        DNS.clear();
    }

    static String callback(String ref) {
        return "jumioIdScanReference=" + ref + "&verificationStatus=NO_ID_UPLOADED";
    }

    @Test
    void jumioAddressBehindTrustedProxyIsAcceptedAndItsAddressStored() {
        HttpResponse<String> response = post("/callbacks/netverify", callback("a-1"), FORM, "34.253.41.236");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(jdbc.queryForObject("SELECT source_address FROM callback_inbox", String.class)).isEqualTo("34.253.41.236");
    }

    @Test
    void otherSourcesGet403WithShortJsonAndNothingIsStored(CapturedOutput logs) {
        double before = refusedCount();

        HttpResponse<String> stranger = post("/callbacks/netverify", callback("a-2&idFirstName=SECRETNAME"), FORM, "203.0.113.7");
        HttpResponse<String> loopback = post("/callbacks/netverify", callback("a-3"), FORM, null);

        assertThat(stranger.statusCode()).isEqualTo(403);
        assertThat(readJson(stranger.body()).path("error").asText()).isEqualTo("source-not-allowed");
        assertThat(stranger.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(loopback.statusCode()).as("loopback is refused by default").isEqualTo(403);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox", Long.class)).isZero();
        assertThat(refusedCount() - before).isEqualTo(2.0);
        assertThat(logs.getAll()).contains("Refused callback from 203.0.113.7").doesNotContain("SECRETNAME");
    }

    @Test
    void forwardedForFromAnUntrustedPeerChangesNothing() throws Exception {
        RawHttp.Response spoofed = RawHttp.post("127.0.0.9", port, "/callbacks/netverify", FORM, callback("a-4"),
                Map.of("X-Forwarded-For", JUMIO_US));

        assertThat(spoofed.status()).isEqualTo(403);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox", Long.class)).isZero();
    }

    @Test
    void rightmostUntrustedHopIsTheClient() {
        HttpResponse<String> prepended = post("/callbacks/netverify", callback("a-5"), FORM, JUMIO_US + ", 203.0.113.7");
        HttpResponse<String> viaSecondProxy = post("/callbacks/netverify", callback("a-6"), FORM,
                "203.0.113.7, " + JUMIO_US + ", 10.1.2.3");

        assertThat(prepended.statusCode()).as("a forged leftmost entry is not the client").isEqualTo(403);
        assertThat(viaSecondProxy.statusCode()).isEqualTo(200);
        assertThat(jdbc.queryForObject("SELECT source_address FROM callback_inbox", String.class)).isEqualTo(JUMIO_US);
    }

    @Test
    void onlyEnabledDataCentersAndConfiguredRangesAreAccepted() {
        assertThat(post("/callbacks/netverify", callback("a-7"), FORM, "3.0.109.121").statusCode())
                .as("SGP is not enabled here").isEqualTo(403);
        assertThat(post("/callbacks/netverify", callback("a-8"), FORM, "52.8.136.236").statusCode())
                .as("newer US address from jumio-facts").isEqualTo(200);
        assertThat(post("/callbacks/netverify", callback("a-9"), FORM, "192.0.2.5").statusCode()).isEqualTo(200);
        assertThat(post("/callbacks/netverify", callback("a-10"), FORM, "192.0.2.17").statusCode()).isEqualTo(403);
        assertThat(post("/callbacks/netverify", callback("a-11"), FORM, "not-an-address").statusCode()).isEqualTo(403);
    }

    @Test
    void resolvedHostnamesAreAddedAndAFailedLookupKeepsTheLastGoodList() {
        await().atMost(Duration.ofSeconds(10)).until(() -> allowlist.isAllowed(RESOLVED_JUMIO));
        assertThat(post("/callbacks/netverify", callback("a-12"), FORM, RESOLVED_JUMIO).statusCode()).isEqualTo(200);

        double failuresBefore = resolutionFailures("callback.jumio.com");
        DNS.remove("callback.jumio.com");
        await().atMost(Duration.ofSeconds(10)).until(() -> resolutionFailures("callback.jumio.com") > failuresBefore);

        assertThat(post("/callbacks/netverify", callback("a-13"), FORM, RESOLVED_JUMIO).statusCode())
                .as("last good answer kept").isEqualTo(200);

        DNS.put("callback.jumio.com", List.of("198.51.100.21"));
        await().atMost(Duration.ofSeconds(10)).until(() -> allowlist.isAllowed("198.51.100.21"));
        assertThat(allowlist.isAllowed(RESOLVED_JUMIO)).as("the current answer replaces the previous one").isFalse();
        assertThat(resolutionFailures("callback.lon.jumio.com")).as("unanswered hostnames are counted").isPositive();
    }

    private double refusedCount() {
        var counter = meters.find("gateway.callbacks.refused").tag("reason", "source-not-allowed").counter();
        return counter == null ? 0 : counter.count();
    }

    private double resolutionFailures(String hostname) {
        var counter = meters.find("gateway.allowlist.resolutions").tag("hostname", hostname).tag("outcome", "failure").counter();
        return counter == null ? 0 : counter.count();
    }
}
