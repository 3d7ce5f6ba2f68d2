package com.jumiogateway.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jumiogateway.support.CuttableDatabase;
import com.jumiogateway.support.GatewayInstance;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Readiness follows the database: while it is away (the TCP proxy in front of it cuts every connection and refuses
 * new ones) /actuator/health/readiness answers 503 and the orchestrator stops sending traffic; once it is back it
 * answers 200 again without a restart. Liveness stays 200 throughout: a database outage must not restart the pod.
 * H2 over TCP by default, PostgreSQL when GATEWAY_DB_URL is set.
 */
class DatabaseReadinessTest {

    @Test
    void readinessIsDownWhileTheDatabaseIsAwayAndUpWhenItIsBackWhileLivenessStaysUp() throws Exception {
        try (CuttableDatabase database = CuttableDatabase.start("readiness")) {
            Map<String, Object> settings = database.settings();
            settings.put("spring.datasource.hikari.maximum-pool-size", "5");
            try (GatewayInstance instance = GatewayInstance.start(settings)) {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                        assertThat(instance.apiGet("/actuator/health/readiness").statusCode()).isEqualTo(200));
                // the pool holds warm connections through the proxy, as in production
                assertThat(instance.jdbc().queryForObject("SELECT COUNT(*) FROM callback_inbox", Long.class)).isNotNull();

                database.proxy().stop();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    var readiness = instance.apiGet("/actuator/health/readiness");
                    assertThat(readiness.statusCode()).as("readiness while the database is away").isEqualTo(503);
                    assertThat(readiness.body()).contains("DOWN");
                });
                // answered again, still down: not one lucky probe
                assertThat(instance.apiGet("/actuator/health/readiness").statusCode()).isEqualTo(503);
                var liveness = instance.apiGet("/actuator/health/liveness");
                assertThat(liveness.statusCode()).as("liveness while the database is away").isEqualTo(200);
                assertThat(liveness.body()).contains("UP");

                database.proxy().start();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                        assertThat(instance.apiGet("/actuator/health/readiness").statusCode())
                                .as("readiness once the database is back").isEqualTo(200));
                assertThat(instance.apiGet("/actuator/health/liveness").statusCode()).isEqualTo(200);
            }
        }
    }
}
