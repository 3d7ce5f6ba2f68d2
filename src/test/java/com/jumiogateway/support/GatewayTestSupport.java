package com.jumiogateway.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jumiogateway.intake.HostnameResolver;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.UnitOfWorkHelper;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestExecutionListeners;

/**
 * Runs the whole service on a random port with the real routes from routes/ and a real database: H2 by default,
 * PostgreSQL when GATEWAY_DB_URL points at one (the second pass of .ci/run). Tests talk to it over HTTP only.
 * Classes with no settings of their own share one running service (tables are emptied before each test); a class
 * with its own settings is marked {@link OwnContext}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability(tracing = false)
@ActiveProfiles("test")
@Import(GatewayTestSupport.TestDns.class)
@TestExecutionListeners(listeners = QuietWhileCached.class, mergeMode = TestExecutionListeners.MergeMode.MERGE_WITH_DEFAULTS)
public abstract class GatewayTestSupport {

    public static final String FORM = "application/x-www-form-urlencoded";
    /** A Jumio US callback address from the seed's allowlist; arrives through our (trusted) loopback proxy. */
    public static final String JUMIO_US = "34.202.241.227";

    /** Answers of the test DNS: hostname to addresses; a missing hostname fails like a dead DNS. */
    public static final Map<String, List<String>> DNS = new ConcurrentHashMap<>();

    protected static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    protected static final ObjectMapper json = new ObjectMapper();

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcTemplate jdbc;

    @Autowired
    protected CamelContext camelContext;

    @TestConfiguration
    public static class TestDns {
        @Bean
        @Primary
        HostnameResolver testHostnameResolver() {
            return hostname -> {
                List<String> answer = DNS.get(hostname);
                if (answer == null) {
                    throw new UnknownHostException(hostname);
                }
                return answer.stream().map(GatewayTestSupport::address).toList();
            };
        }
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Every test starts from empty tables: the context (and on PostgreSQL the database) is shared. */
    @BeforeEach
    void emptyTables() {
        emptyTables(jdbc);
    }

    /** Empties every table but Flyway's history. */
    public static void emptyTables(JdbcTemplate jdbc) {
        List<String> tables = jdbc.execute((java.sql.Connection c) -> {
            List<String> names = new java.util.ArrayList<>();
            try (java.sql.ResultSet rs = c.getMetaData().getTables(c.getCatalog(), c.getSchema(), "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    names.add(rs.getString("TABLE_NAME"));
                }
            }
            return names;
        });
        // the audit is append-only (on PostgreSQL a trigger refuses DELETE): tests empty it with TRUNCATE
        tables.stream().filter(t -> !t.equalsIgnoreCase("flyway_schema_history"))
                .forEach(t -> jdbc.update((t.equalsIgnoreCase("audit_event") ? "TRUNCATE TABLE " : "DELETE FROM ") + t));
    }

    protected String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** A callback as Jumio sends it, through our TLS proxy on loopback (X-Forwarded-For carries Jumio's address). */
    protected HttpResponse<String> postFromJumio(String path, String body, String contentType) {
        return post(path, body, contentType, JUMIO_US);
    }

    protected HttpResponse<String> post(String path, String body, String contentType, String forwardedFor) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (forwardedFor != null) {
            request.header("X-Forwarded-For", forwardedFor);
        }
        return send(request.build());
    }

    protected HttpResponse<String> apiGet(String path) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30))
                .header("Authorization", basic("tester", "test-password")).GET().build());
    }

    protected HttpResponse<String> apiPost(String path) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30))
                .header("Authorization", basic("tester", "test-password"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    protected static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    protected static HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the worker has stored a result for the scan reference and returns it as served by the API. */
    protected JsonNode awaitResult(String scanReference) {
        return awaitServed("/api/verifications/" + scanReference);
    }

    /** Waits until the API serves the path (a stored result) and returns what it serves. */
    protected JsonNode awaitServed(String path) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> apiGet(path).statusCode() == 200);
        return readJson(apiGet(path).body());
    }

    /**
     * Posts the same callback twice: the second delivery is only counted (deliveries 2, duplicates 1, inbox outcome
     * DUPLICATE) and changes nothing else in the result served at {@code resultPath}.
     */
    protected void assertSecondDeliveryOnlyCounts(String callbackPath, String body, String resultPath) {
        assertThat(postFromJumio(callbackPath, body, FORM).statusCode()).isEqualTo(200);
        JsonNode first = awaitServed(resultPath);

        assertThat(postFromJumio(callbackPath, body, FORM).statusCode()).isEqualTo(200);
        awaitInboxDrained();

        JsonNode second = readJson(apiGet(resultPath).body());
        assertThat(second.path("delivery").path("deliveries").asInt()).isEqualTo(2);
        assertThat(second.path("delivery").path("duplicates").asInt()).isEqualTo(1);
        assertThat(second.path("delivery").path("lastUpdatedAt")).isEqualTo(first.path("delivery").path("lastUpdatedAt"));
        assertThat(withoutDelivery(second)).isEqualTo(withoutDelivery(first));
        assertThat(jdbc.queryForList("SELECT outcome FROM callback_inbox ORDER BY id", String.class))
                .containsExactly("APPLIED", "DUPLICATE");
    }

    /** The result without its delivery counters: what a repeated delivery must leave alone. */
    protected static JsonNode withoutDelivery(JsonNode node) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = node.deepCopy();
        copy.remove("delivery");
        return copy;
    }

    /** The stored raw callback bodies, oldest first, decoded as the UTF-8 Jumio sends. */
    protected List<String> storedBodies() {
        return jdbc.queryForList("SELECT body FROM callback_inbox ORDER BY id", byte[].class).stream()
                .map(bytes -> new String(bytes, StandardCharsets.UTF_8)).toList();
    }

    /** The one stored raw callback body. */
    protected String storedBody() {
        return new String(jdbc.queryForObject("SELECT body FROM callback_inbox", byte[].class), StandardCharsets.UTF_8);
    }

    /** Waits until the inbox has no unprocessed rows. */
    protected void awaitInboxDrained() {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM callback_inbox WHERE status IN ('RECEIVED', 'CLAIMED')", Long.class) == 0);
    }

    /** Waits until the scheduler route has run {@code rounds} more times: see {@link Signals#awaitRounds}. */
    protected void awaitRounds(String routeId, int rounds) {
        Signals.awaitRounds(camelContext, routeId, rounds);
    }

    /** Waits until nothing is queued or being polled at Jumio: see {@link Signals#awaitReconciliationIdle}. */
    protected void awaitReconciliationIdle() {
        Signals.awaitReconciliationIdle(camelContext);
    }

    /** Waits until no callback and no alert waits: see {@link Signals#awaitAlertsSettled}. */
    protected void awaitAlertsSettled() {
        Signals.awaitAlertsSettled(jdbc);
    }

    /**
     * The sum of the Prometheus samples whose series starts with {@code name} (dots as Micrometer writes them are
     * read as underscores) and contains every one of {@code labels} (e.g. {@code rule="x"}). Counters live as long as
     * the context, which classes may share: compare a value before and after, not with an absolute number.
     */
    protected double metric(String name, String... labels) {
        // with the token: a password login would count itself in gateway_api_logins_total
        HttpResponse<String> scrape = send(HttpRequest.newBuilder(URI.create(url("/actuator/prometheus")))
                .header("Authorization", "Bearer test-token").GET().build());
        if (scrape.statusCode() != 200) {
            throw new IllegalStateException("metrics scrape answered " + scrape.statusCode() + ": " + scrape.body());
        }
        String series = name.replace('.', '_');
        return scrape.body().lines().filter(l -> l.startsWith(series) && java.util.Arrays.stream(labels).allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    protected static JsonNode readJson(String text) {
        try {
            return json.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Ends a sender's exchange as the forced end of a shutdown does: a route cut between two steps, the exchange
     * failed with Camel's refusal, its completions (the claim table's hook among them) run.
     */
    protected static void endCutByForcedStop(Exchange exchange) {
        exchange.setException(new RejectedExecutionException("Run not allowed as ShutdownStrategy is forcing shutting down"));
        UnitOfWorkHelper.doneSynchronizations(exchange, exchange.getExchangeExtension().handoverCompletions());
    }

    /** A seed example callback, byte for byte as Jumio posts it. */
    public static String fixture(String name) {
        try (InputStream in = GatewayTestSupport.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("missing fixture " + name);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
