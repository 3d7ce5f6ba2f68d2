package com.jumiogateway.support;

import com.jumiogateway.GatewayApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A whole gateway instance (its own Spring and Camel context, web server on a random port) started with
 * SpringApplicationBuilder, so a test can run several on one database, or stop one and start another on it:
 * what several instances of the service, or a restart, look like. Test profile, test DNS.
 */
public final class GatewayInstance implements AutoCloseable {

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final ConfigurableApplicationContext context;

    private GatewayInstance(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /**
     * A database URL every instance of one test shares: the GATEWAY_DB_URL database when set (PostgreSQL in CI's
     * second pass), otherwise a named in-memory H2 database living as long as the JVM.
     */
    public static String sharedDatabaseUrl(String name) {
        String configured = System.getenv("GATEWAY_DB_URL");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        return "jdbc:h2:mem:" + name + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    /**
     * A database URL of its own for one test that restarts instances: a file H2 database under target/ (so a
     * restart really reopens it), or the GATEWAY_DB_URL database (PostgreSQL in CI's second pass).
     */
    public static String databaseUrl(String h2Name) {
        String configured = System.getenv("GATEWAY_DB_URL");
        return configured != null && !configured.isBlank() ? configured
                : "jdbc:h2:file:./target/test-db/" + h2Name + "-" + System.nanoTime();
    }

    public static GatewayInstance start(String databaseUrl, Map<String, Object> properties) {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("spring.datasource.url", databaseUrl);
        all.putAll(properties);
        return startWithProfile("test", all);
    }

    /** Test profile; the properties name the database (spring.datasource.url) if the profile's default won't do. */
    public static GatewayInstance start(Map<String, Object> properties) {
        return startWithProfile("test", properties);
    }

    public static GatewayInstance startWithProfile(String profile, Map<String, Object> properties) {
        return startWithProfile(profile, properties, new Class<?>[0]);
    }

    /** As {@link #startWithProfile(String, Map)}, with further configuration classes (test doubles, hooks). */
    public static GatewayInstance startWithProfile(String profile, Map<String, Object> properties, Class<?>... extra) {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("server.port", "0");
        all.put("management.prometheus.metrics.export.enabled", "true");
        all.putAll(properties);
        // as command-line arguments: they win over config/application-test.yaml (default properties would not)
        String[] args = all.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        Class<?>[] sources = new Class<?>[extra.length + 2];
        sources[0] = GatewayApplication.class;
        sources[1] = GatewayTestSupport.TestDns.class;
        System.arraycopy(extra, 0, sources, 2, extra.length);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(sources)
                .profiles(profile)
                .run(args);
        return new GatewayInstance(context);
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public JdbcTemplate jdbc() {
        return context.getBean(JdbcTemplate.class);
    }

    public int port() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    /** A callback as Jumio sends it, through the trusted proxy on loopback. */
    public HttpResponse<String> postCallback(String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", GatewayTestSupport.FORM)
                .header("X-Forwarded-For", GatewayTestSupport.JUMIO_US)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> apiGet(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", GatewayTestSupport.basic("tester", "test-password")).GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Empties every table but Flyway's: a shared database (PostgreSQL) may hold rows of earlier test classes. */
    public void emptyTables() {
        GatewayTestSupport.emptyTables(jdbc());
    }

    @Override
    public void close() {
        context.close();
    }
}
