package com.jumiogateway.routes;

import static com.jumiogateway.support.JumioFake.apiPostJson;
import static com.jumiogateway.support.JumioFake.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.JumioFake;
import com.jumiogateway.support.OwnContext;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** No Jumio credentials configured: initiation answers 503 with a clear message and the poller does not poll. */
@ExtendWith(OutputCaptureExtension.class)
@OwnContext
class TransactionInitiationWithoutCredentialsTest extends GatewayTestSupport {

    static final JumioFake jumio = new JumioFake();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        jumio.register(registry);
        registry.add("gateway.jumio.api-token", () -> "");
        registry.add("gateway.jumio.api-secret", () -> "");
        registry.add("gateway.reconciliation.poll-delay-ms", () -> "100");
        registry.add("gateway.reconciliation.grace", () -> "PT0S");
    }

    @AfterAll
    static void stopJumio() {
        jumio.stop();
    }

    @Test
    void initiationAnswers503AndNothingIsPolled(CapturedOutput logs) {
        jumio.server.stubFor(WireMock.any(WireMock.anyUrl()).willReturn(json(200, "{}")));

        HttpResponse<String> initiation = send(apiPostJson(url("/api/transactions"),
                "{\"customerInternalReference\":\"c\",\"userReference\":\"u\"}"));
        HttpResponse<String> registration = send(apiPostJson(url("/api/transactions/pending"),
                "{\"scanReference\":\"0d000000-0000-4000-8000-000000000001\",\"initiatedAt\":\""
                        + Instant.now().minus(Duration.ofHours(2)) + "\"}"));
        // the transaction is long overdue: the poller has looked twice and polled nothing
        awaitReconciliationIdle();

        assertThat(initiation.statusCode()).isEqualTo(503);
        assertThat(readJson(initiation.body()).path("error").asText()).isEqualTo("jumio-not-configured");
        assertThat(readJson(initiation.body()).path("message").asText()).contains("GATEWAY_JUMIO_API_TOKEN");
        assertThat(registration.statusCode()).as("transactions are still recorded").isEqualTo(201);
        assertThat(jumio.server.getAllServeEvents()).as("nothing is sent to Jumio").isEmpty();
        assertThat(logs.getAll()).contains("the reconciliation poller does not poll");
        assertThat(jdbc.queryForObject("SELECT attempts FROM pending_transaction", Integer.class)).isZero();
    }
}
