package com.jumiogateway.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jumiogateway.support.CuttableDatabase;
import com.jumiogateway.support.GatewayInstance;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.TcpProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * routes/callback-inbox.camel.yaml: stored before acknowledged, nothing lost across restarts and dead instances,
 * and 503 (never 200) while the database is away. Each test starts and stops its own service instances
 * ({@link CallbackLeaseTest} needs no instance of its own).
 */
class CallbackInboxTest {

    private static final HttpClient http = HttpClient.newHttpClient();

    static String callback(String ref) {
        return "jumioIdScanReference=" + ref + "&verificationStatus=APPROVED_VERIFIED&idCountry=FRA"
                + "&callbackDate=2024-05-01T08%3A00%3A00Z";
    }

    static HttpResponse<String> postFromJumio(int port, String body) throws Exception {
        return postFromJumio(port, "/callbacks/netverify", body);
    }

    static HttpResponse<String> postFromJumio(int port, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", GatewayTestSupport.FORM).header("X-Forwarded-For", GatewayTestSupport.JUMIO_US)
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static void empty(GatewayInstance instance) {
        instance.jdbc().update("DELETE FROM verification_result");
        instance.jdbc().update("DELETE FROM callback_inbox");
    }

    @Test
    void callbacksAcknowledgedBeforeARestartAreProcessedAfterIt() throws Exception {
        String db = GatewayInstance.databaseUrl("restart");
        try (GatewayInstance acceptingOnly = GatewayInstance.start(Map.of("spring.datasource.url", db,
                "gateway.worker.enabled", false))) {
            empty(acceptingOnly);
            for (int i = 1; i <= 3; i++) {
                assertThat(postFromJumio(acceptingOnly.port(), callback("restart-" + i)).statusCode()).isEqualTo(200);
            }
            // the worker's scheduler is not started, so no round of it can be awaited: the rows stay as they are
            // for ten of its polls (50 ms each when it runs)
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> acceptingOnly.jdbc()
                    .queryForObject("SELECT COUNT(*) FROM callback_inbox WHERE status = 'RECEIVED'", Long.class) == 3
                    && acceptingOnly.jdbc().queryForObject("SELECT COUNT(*) FROM verification_result", Long.class) == 0);
        }

        try (GatewayInstance restarted = GatewayInstance.start(Map.of("spring.datasource.url", db))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> restarted.jdbc().queryForObject(
                    "SELECT COUNT(*) FROM callback_inbox WHERE status = 'PROCESSED'", Long.class) == 3);
            assertThat(restarted.jdbc().queryForList("SELECT scan_reference FROM verification_result ORDER BY 1", String.class))
                    .containsExactly("restart-1", "restart-2", "restart-3");
        }
    }

    @Test
    void databaseAwayMeans503NeverA200AndServiceRecovers() throws Exception {
        CuttableDatabase database = CuttableDatabase.start("outage");
        TcpProxy proxy = database.proxy();
        try (GatewayInstance instance = GatewayInstance.start(database.settings())) {
            empty(instance);
            assertThat(postFromJumio(instance.port(), callback("outage-before")).statusCode()).isEqualTo(200);

            proxy.stop();
            HttpResponse<String> duringOutage = postFromJumio(instance.port(), callback("outage-during"));
            HttpResponse<String> documentDuringOutage = postFromJumio(instance.port(), "/callbacks/document-verification",
                    GatewayTestSupport.fixture("document-verification/uploaded.txt"));
            HttpResponse<String> health = instance.apiGet("/actuator/health");

            assertThat(duringOutage.statusCode()).isEqualTo(503);
            assertThat(documentDuringOutage.statusCode()).isEqualTo(503);
            assertThat(duringOutage.body()).contains("\"error\":\"unavailable\"");
            assertThat(duringOutage.headers().firstValue("Retry-After")).isPresent();
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("\"db\"").contains("DOWN");

            proxy.start();
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> postFromJumio(instance.port(), callback("outage-after")).statusCode() == 200);
            await().atMost(Duration.ofSeconds(30)).until(() -> instance.jdbc().queryForObject(
                    "SELECT COUNT(*) FROM verification_result", Long.class) == 2);
            assertThat(instance.jdbc().queryForList("SELECT scan_reference FROM callback_inbox ORDER BY id", String.class))
                    .as("the refused callback was not stored; Jumio was told to retry").doesNotContain("outage-during");
            HttpResponse<String> recovered = instance.apiGet("/actuator/health");
            assertThat(recovered.statusCode()).isEqualTo(200);
            assertThat(recovered.body()).contains("\"inbox\"").contains("\"pending\"");
        } finally {
            database.close();
        }
    }
}
