package com.jumiogateway.support;

import com.jumiogateway.GatewayApplication;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A whole service instance started and stopped by the test itself: for restarts and for several instances on one
 * database. The database is the one GATEWAY_DB_URL names (PostgreSQL pass) unless the test gives its own.
 */
public final class GatewayInstance implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private GatewayInstance(ConfigurableApplicationContext context) {
        this.context = context;
    }

    public static GatewayInstance start(Map<String, Object> properties) {
        return start("test", properties);
    }

    public static GatewayInstance start(String profile, Map<String, Object> properties) {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("server.port", 0);
        all.put("management.prometheus.metrics.export.enabled", true);
        all.putAll(properties);
        // command-line arguments outrank the profile's files, as an operator's settings would
        String[] args = all.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        return new GatewayInstance(new SpringApplicationBuilder(GatewayApplication.class).profiles(profile).run(args));
    }

    /** The database URL for a test that needs its own: H2 file in target/, or the PostgreSQL of the CI pass. */
    public static String databaseUrl(String h2Name) {
        String configured = System.getenv("GATEWAY_DB_URL");
        return configured != null && !configured.isBlank() ? configured
                : "jdbc:h2:file:./target/test-db/" + h2Name + "-" + System.nanoTime();
    }

    public int port() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    public JdbcTemplate jdbc() {
        return context.getBean(JdbcTemplate.class);
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
