package com.jumiogateway.dataprotection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.jumiogateway.support.GatewayInstance;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.OwnContext;
import com.jumiogateway.support.PlatformFake;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Encryption at rest end to end: the service runs with a data key (GATEWAY_DATA_KEYS), real callbacks of all three
 * kinds arrive, and the person's name, date of birth and document number are then found nowhere in the database
 * (every column of every table read back through JDBC, and on H2 the database file itself), while the API still
 * answers them to an authenticated caller. Rotation to a second key re-encrypts every row, after which an instance
 * with only the second key reads everything; a wrong, missing or absent key, and a required key that is not there,
 * each stop the start-up with a message naming the key id. Further instances on the same database are
 * {@link GatewayInstance}s (H2 file or the GATEWAY_DB_URL PostgreSQL database).
 */
@OwnContext
class DataEncryptionTest extends GatewayTestSupport {

    static final String K1 = randomKey();
    static final String K2 = randomKey();
    static final String ENV_DB = System.getenv("GATEWAY_DB_URL");
    static final boolean H2 = ENV_DB == null || ENV_DB.isBlank();
    static final Path H2_DIR = Path.of("target", "test-db", "data-encryption-" + System.nanoTime()).toAbsolutePath();
    static final String DB_URL = H2 ? "jdbc:h2:file:" + H2_DIR + "/gateway;WRITE_DELAY=0" : ENV_DB;

    /** Netverify: names, date of birth, ID number. */
    static final List<String> NETVERIFY_PERSON = List.of("QUENTINA", "VOSKRESENSKAYA", "1971-03-14", "X9K27Q4TZ");
    /** Document Verification: extracted names. */
    static final List<String> DOCUMENT_PERSON = List.of("ODALRIKA", "WINTERBOTTOM");
    /** Platform: the details fixture's person. */
    static final List<String> PLATFORM_PERSON = List.of("SAMPLEWOMAN", "1985-04-12", "P7654321");

    static final PlatformFake jumio = new PlatformFake();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> DB_URL);
        registry.add("gateway.data.keys", () -> "k1:" + K1);
        jumio.register(registry);
    }

    static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    String netverifyReference;
    String documentReference;
    String executionId;

    @BeforeEach
    void references() {
        jumio.reset();
        jumio.tokenEndpoint(3600);
        netverifyReference = UUID.randomUUID().toString();
        documentReference = UUID.randomUUID().toString();
        executionId = UUID.randomUUID().toString();
    }

    /**
     * Leaves no encrypted row behind: on PostgreSQL the next test classes share this database, and an instance without
     * the key refuses to start on rows encrypted under it (as it should).
     */
    @AfterEach
    void removeEncryptedRows() {
        emptyTables(jdbc);
    }

    @AfterAll
    static void stop() {
        jumio.stop();
    }

    @Test
    void personalDataIsNowhereInTheDatabaseYetTheApiAnswersIt() throws Exception {
        sendAllThreeKinds();

        // the authenticated API answers them
        assertThat(apiGet("/api/verifications/" + netverifyReference).body()).contains(NETVERIFY_PERSON);
        assertThat(apiGet("/api/document-verifications/" + documentReference).body()).contains(DOCUMENT_PERSON);
        assertThat(apiGet("/api/verifications/" + executionId).body()).contains(PLATFORM_PERSON);
        assertThat(apiGet("/api/platform/verifications?userReference=user-42").body()).contains(PLATFORM_PERSON);

        // the database does not hold them: every column of every table, read back as bytes
        Map<String, List<String>> found = byteSearch(jdbc, allPersonalValues());
        assertThat(found).as("personal values found in database columns").isEmpty();
        // the search finds what is there: the scan references stay clear for searching
        assertThat(byteSearch(jdbc, List.of(netverifyReference)).get(netverifyReference))
                .contains("CALLBACK_INBOX.SCAN_REFERENCE", "VERIFICATION_RESULT.SCAN_REFERENCE");
        assertThat(keyIds("callback_inbox")).containsOnly("k1").hasSize(3);
        assertThat(keyIds("verification_result")).containsOnly("k1").hasSize(3);

        if (H2) {
            jdbc.execute("CHECKPOINT");
            byte[] file = Files.readAllBytes(H2_DIR.resolve("gateway.mv.db"));
            for (String value : allPersonalValues()) {
                assertThat(indexOf(file, value)).as(value + " in the H2 file").isEqualTo(-1);
            }
            assertThat(indexOf(file, netverifyReference)).as("a clear column value in the H2 file").isNotEqualTo(-1);
        }

        // a callback stored in clear before the key was set: the operator's rotation request encrypts it
        insertClearLegacyCallback();
        assertThat(byteSearch(jdbc, List.of("LEGACYPERSON"))).containsKey("LEGACYPERSON");
        HttpResponse<String> rotation = apiPost("/api/data-keys/rotation");
        assertThat(rotation.statusCode()).as(rotation.body()).isEqualTo(200);
        assertThat(readJson(rotation.body()).path("rows").path("callback_inbox.body").path("k1").asLong()).isEqualTo(4);
        assertThat(byteSearch(jdbc, List.of("LEGACYPERSON"))).isEmpty();
        assertThat(keyIds("callback_inbox")).containsOnly("k1").hasSize(4);

        JsonNode health = readJson(send(HttpRequest.newBuilder(URI.create(url("/actuator/health")))
                .header("Authorization", basic("tester", "test-password")).GET().build()).body());
        assertThat(health.path("components").path("dataEncryption").path("details").path("encryption").asText()).isEqualTo("on");
        assertThat(health.path("components").path("dataEncryption").path("details").path("activeKey").asText()).isEqualTo("k1");
    }

    @Test
    void rotationReEncryptsEveryRowUnderTheSecondKeyAndTheFirstKeyCanThenBeRemoved() throws Exception {
        sendAllThreeKinds();
        // a callback stored in clear before a key was configured: rotation encrypts it too
        insertClearLegacyCallback();
        assertThat(byteSearch(jdbc, List.of("LEGACYPERSON"))).isNotEmpty();

        Map<String, Object> rotating = new LinkedHashMap<>();
        rotating.put("gateway.data.keys", "k2:" + K2 + ",k1:" + K1);
        // the timer route does it, in small batches: 4 inbox rows and 3 results take several
        rotating.put("gateway.data.rotation.enabled", "true");
        rotating.put("gateway.data.rotation.interval", "1s");
        rotating.put("gateway.data.rotation.batch-size", "2");
        try (GatewayInstance second = GatewayInstance.start(DB_URL, rotating)) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    keyIds("callback_inbox").stream().allMatch("k2"::equals)
                            && keyIds("verification_result").stream().allMatch("k2"::equals));
            // asking again is harmless: nothing is left, the answer counts the rows per key
            HttpResponse<String> rotation = apiPost(second, "/api/data-keys/rotation");
            assertThat(rotation.statusCode()).as(rotation.body()).isEqualTo(200);
            JsonNode status = readJson(rotation.body());
            assertThat(status.path("activeKey").asText()).isEqualTo("k2");
            assertThat(status.path("rowsNotUnderActiveKey").asLong()).isZero();
            assertThat(status.path("rows").path("callback_inbox.body").path("k2").asLong()).isEqualTo(4);
            assertThat(status.path("rows").path("verification_result.result_json").path("k2").asLong()).isEqualTo(3);
            assertThat(scrape(second, "gateway_data_reencrypted_total")).isEqualTo(7.0);
        }
        assertThat(keyIds("callback_inbox")).containsOnly("k2").hasSize(4);
        assertThat(keyIds("verification_result")).containsOnly("k2").hasSize(3);
        List<String> everything = new ArrayList<>(allPersonalValues());
        everything.add("LEGACYPERSON");
        assertThat(byteSearch(jdbc, everything)).isEmpty();

        // k1 removed: the instance starts (its check decrypts a value of each column under k2) and reads everything
        try (GatewayInstance onlySecond = GatewayInstance.start(DB_URL, Map.of("gateway.data.keys", "k2:" + K2))) {
            assertThat(onlySecond.apiGet("/api/verifications/" + netverifyReference).body()).contains(NETVERIFY_PERSON);
            assertThat(onlySecond.apiGet("/api/document-verifications/" + documentReference).body()).contains(DOCUMENT_PERSON);
            assertThat(onlySecond.apiGet("/api/verifications/" + executionId).body()).contains(PLATFORM_PERSON);
            // and the raw bodies the worker would replay open under k2 alone
            DataProtection k2Only = new DataProtection(DataCipher.fromSetting("k2:" + K2));
            List<String> bodies = jdbc.query("SELECT body, data_key_id FROM callback_inbox ORDER BY id",
                    (rs, n) -> new String(k2Only.open(ProtectedColumn.CALLBACK_BODY, rs.getString(2), rs.getBytes(1)),
                            StandardCharsets.UTF_8));
            assertThat(String.join("\n", bodies)).contains("QUENTINA", "X9K27Q4TZ", "ODALRIKA", "LEGACYPERSON");
        }
    }

    @Test
    void twoInstancesRotatingAtOnceShareTheRowsAndReEncryptEachOnce() throws Exception {
        // 1,000 callbacks stored in clear before a key was set, and 1,000 under k1
        DataProtection k1 = new DataProtection(DataCipher.fromSetting("k1:" + K1));
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            byte[] body = ("idFirstName=MASSPERSON" + i).getBytes(StandardCharsets.UTF_8);
            DataProtection.SealedBytes sealed = i % 2 == 0 ? new DataProtection.SealedBytes(null, body)
                    : k1.seal(ProtectedColumn.CALLBACK_BODY, body);
            rows.add(new Object[] {sealed.value(), sealed.keyId(), Timestamp.from(Instant.now())});
        }
        jdbc.batchUpdate("INSERT INTO callback_inbox (kind, source_address, content_type, body, data_key_id,"
                + " received_at, status) VALUES ('NETVERIFY', '34.202.241.227', 'application/x-www-form-urlencoded',"
                + " ?, ?, ?, 'PROCESSED')", rows);

        Map<String, Object> rotating = Map.of("gateway.data.keys", "k2:" + K2 + ",k1:" + K1,
                "gateway.data.rotation.batch-size", "25");
        try (GatewayInstance a = GatewayInstance.start(DB_URL, rotating);
             GatewayInstance b = GatewayInstance.start(DB_URL, rotating)) {
            var both = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                var first = both.submit(() -> apiPost(a, "/api/data-keys/rotation"));
                var second = both.submit(() -> apiPost(b, "/api/data-keys/rotation"));
                assertThat(first.get().statusCode()).as(first.get().body()).isEqualTo(200);
                assertThat(second.get().statusCode()).as(second.get().body()).isEqualTo(200);
            } finally {
                both.shutdown();
            }
            assertThat(keyIds("callback_inbox")).hasSize(2000).containsOnly("k2");
            // each row was re-encrypted by exactly one of them: SKIP LOCKED shares the rows, none is done twice
            double byA = scrape(a, "gateway_data_reencrypted_total");
            double byB = scrape(b, "gateway_data_reencrypted_total");
            assertThat(byA + byB).as("re-encrypted by a (" + byA + ") and b (" + byB + ")").isEqualTo(2000.0);
        }
        DataProtection k2Only = new DataProtection(DataCipher.fromSetting("k2:" + K2));
        List<String> bodies = jdbc.query("SELECT body, data_key_id FROM callback_inbox ORDER BY id",
                (rs, n) -> new String(k2Only.open(ProtectedColumn.CALLBACK_BODY, rs.getString(2), rs.getBytes(1)),
                        StandardCharsets.UTF_8));
        assertThat(bodies).hasSize(2000).allMatch(body -> body.startsWith("idFirstName=MASSPERSON"));
        assertThat(new java.util.HashSet<>(bodies)).hasSize(2000);
    }

    @Test
    void wrongMissingOrNoKeyAndARequiredKeyThatIsNotThereStopTheStartUpNamingTheKey() {
        assertThat(postFromJumio("/callbacks/netverify", netverifyCallback(), FORM).statusCode()).isEqualTo(200);
        awaitResult(netverifyReference);

        DataKeyException wrong = startupFailure(Map.of("gateway.data.keys", "k1:" + K2));
        assertThat(wrong).hasMessageContaining("Data key 'k1'").hasMessageContaining("does not decrypt")
                .hasMessageNotContaining(K2);

        DataKeyException missing = startupFailure(Map.of("gateway.data.keys", "k2:" + K2));
        assertThat(missing).hasMessageContaining("data key 'k1'").hasMessageContaining("does not contain")
                .hasMessageContaining("[k2]");

        DataKeyException none = startupFailure(Map.of("gateway.data.keys", ""));
        assertThat(none).hasMessageContaining("data key 'k1'").hasMessageContaining("(it is empty)");

        DataKeyException required = startupFailure(Map.of("gateway.data.keys", "", "gateway.data.require-encryption", "true"));
        assertThat(required).hasMessageContaining("gateway.data.require-encryption")
                .hasMessageContaining("GATEWAY_DATA_KEYS holds no key");

        // nothing was changed by the refused starts: the running instance still answers
        assertThat(apiGet("/api/verifications/" + netverifyReference).body()).contains(NETVERIFY_PERSON);
    }

    // --- callbacks ------------------------------------------------------------------------------------------------

    private void sendAllThreeKinds() {
        jumio.details("acc-" + executionId, executionId, "details-passed.json");
        assertThat(postFromJumio("/callbacks/netverify", netverifyCallback(), FORM).statusCode()).isEqualTo(200);
        assertThat(postFromJumio("/callbacks/document-verification", documentCallback(), FORM).statusCode()).isEqualTo(200);
        String notice = "{\"callbackSentAt\":\"2024-03-01T10:05:30Z\",\"userReference\":\"user-42\",\"workflowExecution\":"
                + "{\"id\":\"" + executionId + "\",\"definitionKey\":\"10013\",\"status\":\"PROCESSED\"},\"account\":"
                + "{\"id\":\"acc-" + executionId + "\"}}";
        assertThat(postFromJumio("/callbacks/platform", notice, "application/json").statusCode()).isEqualTo(200);
        awaitResult(netverifyReference);
        awaitServed("/api/document-verifications/" + documentReference);
        awaitResult(executionId);
        awaitInboxDrained();
    }

    private void insertClearLegacyCallback() {
        jdbc.update("INSERT INTO callback_inbox (kind, source_address, content_type, body, received_at, status)"
                        + " VALUES ('NETVERIFY', '34.202.241.227', ?, ?, ?, 'PROCESSED')", FORM,
                "idFirstName=LEGACYPERSON".getBytes(StandardCharsets.UTF_8), Timestamp.from(Instant.now()));
    }

    private String netverifyCallback() {
        return fixture("netverify/approved-verified.txt").replace("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", netverifyReference)
                .replace("FIRSTNAME", "QUENTINA").replace("LASTNAME", "VOSKRESENSKAYA")
                .replace("idDob=1990-01-01", "idDob=1971-03-14").replace("idNumber=P1234", "idNumber=X9K27Q4TZ");
    }

    private String documentCallback() {
        return fixture("document-verification/extracted-ssc.txt")
                .replace("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", documentReference)
                .replace("FIRSTNAME", "ODALRIKA").replace("LASTNAME", "WINTERBOTTOM");
    }

    private static List<String> allPersonalValues() {
        List<String> all = new ArrayList<>(NETVERIFY_PERSON);
        all.addAll(DOCUMENT_PERSON);
        all.addAll(PLATFORM_PERSON);
        return all;
    }

    // --- the database, read back ----------------------------------------------------------------------------------

    private List<String> keyIds(String table) {
        return jdbc.queryForList("SELECT data_key_id FROM " + table, String.class);
    }

    /** For each value found: the TABLE.COLUMN cells that hold its bytes (every column of every table but Flyway's). */
    static Map<String, List<String>> byteSearch(JdbcTemplate jdbc, List<String> values) {
        Map<String, List<String>> found = new LinkedHashMap<>();
        List<String> tables = jdbc.execute((java.sql.Connection c) -> {
            List<String> names = new ArrayList<>();
            try (java.sql.ResultSet rs = c.getMetaData().getTables(c.getCatalog(), c.getSchema(), "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    names.add(rs.getString("TABLE_NAME"));
                }
            }
            return names;
        });
        assertThat(tables).as("tables").isNotEmpty();
        for (String table : tables) {
            if (table.equalsIgnoreCase("flyway_schema_history")) {
                continue;
            }
            jdbc.query("SELECT * FROM " + table, rs -> {
                ResultSetMetaData meta = rs.getMetaData();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    byte[] cell = bytes(rs.getObject(i));
                    for (String value : values) {
                        if (cell != null && indexOf(cell, value) >= 0) {
                            found.computeIfAbsent(value, v -> new ArrayList<>())
                                    .add((table + "." + meta.getColumnName(i)).toUpperCase());
                        }
                    }
                }
            });
        }
        return found;
    }

    private static byte[] bytes(Object value) throws SQLException {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] b) {
            return b;
        }
        if (value instanceof Blob blob) {
            return blob.getBytes(1, (int) blob.length());
        }
        if (value instanceof Clob clob) {
            return clob.getSubString(1, (int) clob.length()).getBytes(StandardCharsets.UTF_8);
        }
        return value.toString().getBytes(StandardCharsets.UTF_8);
    }

    static int indexOf(byte[] haystack, String value) {
        byte[] needle = value.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // --- other instances ------------------------------------------------------------------------------------------

    /** Starts an instance on this database that must refuse to start; returns the DataKeyException that stopped it. */
    private static DataKeyException startupFailure(Map<String, Object> properties) {
        Throwable thrown = catchThrowable(() -> GatewayInstance.start(DB_URL, properties).close());
        assertThat(thrown).as("the service must refuse to start with " + properties.keySet()).isNotNull();
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof DataKeyException e) {
                return e;
            }
        }
        throw new AssertionError("start-up failed, but not for a data key: " + thrown, thrown);
    }

    private static HttpResponse<String> apiPost(GatewayInstance instance, String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.port() + path))
                .timeout(Duration.ofSeconds(60)).header("Authorization", basic("tester", "test-password"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    private static double scrape(GatewayInstance instance, String series) {
        String body = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.port() + "/actuator/prometheus"))
                .header("Authorization", "Bearer test-token").GET().build()).body();
        return body.lines().filter(l -> l.startsWith(series))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    static {
        try {
            Files.createDirectories(H2_DIR);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
