package com.jumiogateway.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jumiogateway.support.GatewayInstance;
import com.jumiogateway.support.GatewayTestSupport;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The group-commit writer meets an {@link Error} (as an OutOfMemoryError would strike it: there is no embedded
 * counterpart for running out of memory, so the test's DataSource throws one into the writer threads' statements
 * while {@link #failing} is set). The callbacks of those batches get 503, health is DOWN while intake cannot
 * store, and once the Error stops the same writers store again and health is UP, without a restart.
 */
class WriterSurvivesErrorTest {

    static volatile boolean failing;

    /**
     * Wraps the pool: while failing, statements on the writer threads' connections throw an OutOfMemoryError. Only
     * in the instance this test starts (a plain class handed to it, so no component scan ever picks it up).
     */
    static class ErrorInWriter {
        @Bean
        static BeanPostProcessor errorInWriterDataSource() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    return bean instanceof DataSource dataSource && !(bean instanceof DelegatingDataSource)
                            ? new FailingWriterDataSource(dataSource) : bean;
                }
            };
        }
    }

    static final class FailingWriterDataSource extends DelegatingDataSource {
        FailingWriterDataSource(DataSource target) {
            super(target);
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection connection = super.getConnection();
            if (!Thread.currentThread().getName().startsWith("inbox-writer-")) {
                return connection;
            }
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        if (failing && method.getName().matches("prepareStatement|createStatement|prepareCall")) {
                            throw new OutOfMemoryError("injected by the test: Java heap space");
                        }
                        try {
                            return method.invoke(connection, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }

    static String callback(String reference) {
        return "jumioIdScanReference=" + reference + "&verificationStatus=APPROVED_VERIFIED&idCountry=FRA"
                + "&callbackDate=2024-05-01T08%3A00%3A00Z";
    }

    @Test
    void theWriterSurvivesAnErrorAndHealthIsDownWhileIntakeCannotStore() throws Exception {
        failing = false;
        try (GatewayInstance instance = GatewayInstance.startWithProfile("test", Map.of(
                "spring.datasource.url", GatewayInstance.sharedDatabaseUrl("writer-error"),
                "gateway.intake.store-timeout", "5s"), ErrorInWriter.class)) {
            instance.jdbc().update("DELETE FROM verification_result");
            instance.jdbc().update("DELETE FROM callback_inbox");
            assertThat(instance.postCallback("/callbacks/netverify", callback("error-before")).statusCode()).isEqualTo(200);
            assertThat(instance.apiGet("/actuator/health").statusCode()).isEqualTo(200);

            failing = true;
            try {
                // more batches than writer threads: every writer meets the Error at least once
                List<CompletableFuture<HttpResponse<String>>> during = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    String reference = "error-during-" + i;
                    during.add(CompletableFuture.supplyAsync(() -> instance.postCallback("/callbacks/netverify",
                            callback(reference))));
                }
                for (CompletableFuture<HttpResponse<String>> response : during) {
                    assertThat(response.get().statusCode()).isEqualTo(503);
                    assertThat(response.get().body()).contains("\"error\":\"unavailable\"");
                }
                HttpResponse<String> down = instance.apiGet("/actuator/health");
                assertThat(down.statusCode()).isEqualTo(503);
                assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(down.body()).path("components").path("inbox").path("status")
                        .asText()).isEqualTo("DOWN");
                assertThat(down.body()).contains("OutOfMemoryError");
            } finally {
                failing = false;
            }

            // without any callback arriving, health finds out by itself that the writers commit again
            await().atMost(Duration.ofSeconds(10)).until(() -> instance.apiGet("/actuator/health").statusCode() == 200);
            for (int i = 0; i < 6; i++) {
                assertThat(instance.postCallback("/callbacks/netverify", callback("error-after-" + i)).statusCode())
                        .isEqualTo(200);
            }
            assertThat(instance.jdbc().queryForList("SELECT body FROM callback_inbox", byte[].class).stream()
                    .map(String::new).toList())
                    .anyMatch(body -> body.contains("error-before"))
                    .noneMatch(body -> body.contains("error-during-"))
                    .filteredOn(body -> body.contains("error-after-")).hasSize(6);
            assertThat(instance.bean(InboxWriter.class).failure()).isNull();
        }
    }
}
