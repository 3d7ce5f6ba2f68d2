package com.jumiogateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.OwnContext;
import com.jumiogateway.support.ProcStat;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The console's pages with 100,000 stored results (and 100,000 callbacks in the inbox over the chart's three hours):
 * each page's server time (wall time of the request on loopback, the service runs in this JVM) and the process's CPU
 * time per page (/proc/self/stat), after a warm-up, next to the login page as the baseline of the same run (Spring
 * MVC, Security and Thymeleaf with no query). A benchmark that reports figures, not a timed assertion.
 *
 * <p>Not part of the normal test run: {@code bench/console-benchmark.sh} ({@code -Dbench=true}), on PostgreSQL when
 * GATEWAY_DB_URL points at one (the script makes a fresh schema), else on the embedded H2.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
@OwnContext
class ConsoleBenchmark extends GatewayTestSupport {

    static final int RESULTS = Integer.getInteger("bench.results", 100_000);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 200);
    static final int WARMUP = Integer.getInteger("bench.warmup", 100);
    static final String[] DECISIONS = {"APPROVED", "FRAUD", "RETRY_WITH_USER", "UNSUPPORTED_DOCUMENT", "REVIEW"};

    final HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void pagesWith100000StoredResults() throws Exception {
        boolean postgres = com.jumiogateway.storage.SqlValues.isPostgres(jdbc);
        long seeding = System.nanoTime();
        seed(postgres);
        long seeded = System.nanoTime() - seeding;
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM verification_result", Long.class)).isEqualTo(RESULTS);
        if (postgres) {
            jdbc.execute("ANALYZE verification_result");
            jdbc.execute("ANALYZE callback_inbox");
        }

        logIn("compliance");
        // a keyset cursor half way down the list: "older results" pages deep in the history cost the same
        Map<String, Object> middle = jdbc.queryForMap("SELECT created_at, scan_reference FROM verification_result"
                + " ORDER BY created_at DESC, scan_reference DESC OFFSET " + (RESULTS / 2) + " ROWS FETCH FIRST 1 ROWS ONLY");
        String cursor = com.jumiogateway.storage.SqlValues.instant(middle.get("created_at")) + " " + middle.get("scan_reference");
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();

        Map<String, IntFunction<String>> pages = new LinkedHashMap<>();
        pages.put("baseline: login page (no query)", i -> "/console/login");
        pages.put("search: newest 50", i -> "/console/search");
        pages.put("search: by merchant reference", i -> "/console/search?merchantReference=m-" + (i * 7919 % 20_000));
        pages.put("search: by customer id / user reference", i -> "/console/search?customer=cust-" + (i * 7919 % 30_000));
        pages.put("search: by scan reference", i -> "/console/search?scanReference=bench-" + (1 + i * 7919 % RESULTS));
        pages.put("search: decision + date range", i -> "/console/search?decision=" + DECISIONS[i % DECISIONS.length]
                + "&from=" + today + "&to=" + today);
        pages.put("search: rare decision (REVIEW, 1 in 5)", i -> "/console/search?decision=REVIEW");
        pages.put("search: older results half way down", i -> "/console/search?after="
                + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
        pages.put("result page (audited read)", i -> "/console/verifications/bench-" + (1 + i * 7919 % RESULTS));
        pages.put("pipeline page (chart over 100,000 callbacks)", i -> "/console/pipeline");

        StringBuilder report = new StringBuilder();
        report.append(String.format("Console benchmark on %s: %,d results and %,d inbox rows seeded in %.1f s; %d warm-up + %d measured requests per page%n",
                postgres ? "PostgreSQL" : "H2", RESULTS, RESULTS, seeded / 1e9, WARMUP, ROUNDS));
        report.append(String.format("%-48s %9s %9s %9s %12s%n", "page", "p50 ms", "p95 ms", "max ms", "CPU ms/page"));
        for (Map.Entry<String, IntFunction<String>> page : pages.entrySet()) {
            for (int i = 0; i < WARMUP; i++) {
                get(page.getValue().apply(i));
            }
            long[] times = new long[ROUNDS];
            long cpuBefore = ProcStat.cpuNanos(Path.of("/proc/self"));
            for (int i = 0; i < ROUNDS; i++) {
                long start = System.nanoTime();
                HttpResponse<String> answer = get(page.getValue().apply(WARMUP + i));
                times[i] = System.nanoTime() - start;
                assertThat(answer.statusCode()).as(page.getKey()).isEqualTo(200);
            }
            double cpuMs = (ProcStat.cpuNanos(Path.of("/proc/self")) - cpuBefore) / 1e6 / ROUNDS;
            Arrays.sort(times);
            report.append(String.format("%-48s %9.1f %9.1f %9.1f %12.2f%n", page.getKey(), times[ROUNDS / 2] / 1e6,
                    times[(int) (ROUNDS * 0.95)] / 1e6, times[ROUNDS - 1] / 1e6, cpuMs));
        }
        System.out.print(report);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "console-benchmark.txt"), report.toString());
    }

    /** 100,000 results and 100,000 inbox rows, each in one INSERT ... SELECT over a generated series. */
    private void seed(boolean postgres) {
        String template = "{\"scanReference\":\"@REF@\",\"kind\":\"NETVERIFY\",\"source\":\"CALLBACK\",\"status\":\"DENIED_FRAUD\","
                + "\"decision\":\"FRAUD\",\"merchantReference\":\"m-1\",\"customerId\":\"cust-1\",\"documentType\":\"PASSPORT\","
                + "\"country\":\"USA\",\"countryName\":\"United States\",\"rejectReason\":{\"code\":\"100\",\"description\":"
                + "\"MANIPULATED_DOCUMENT\",\"category\":\"FRAUD\",\"known\":true,\"details\":[{\"code\":\"1001\",\"description\":"
                + "\"PHOTO\",\"known\":true}]},\"eventTime\":\"2026-01-01T00:00:00Z\",\"secondsToResult\":192,\"details\":"
                + "{\"idFirstName\":\"BENCH\",\"idLastName\":\"PERSON\",\"idType\":\"PASSPORT\",\"idCountry\":\"USA\"}}";
        String series = postgres ? "generate_series(1, " + RESULTS + ") AS s(g)" : "SYSTEM_RANGE(1, " + RESULTS + ") AS s(g)";
        String decision = "CASE MOD(g, 5) WHEN 0 THEN 'APPROVED' WHEN 1 THEN 'FRAUD' WHEN 2 THEN 'RETRY_WITH_USER'"
                + " WHEN 3 THEN 'UNSUPPORTED_DOCUMENT' ELSE 'REVIEW' END";
        Timestamp now = Timestamp.from(Instant.now());
        // created_at one result per 0.5 s back from now: today's results are the newest 86,400 / 0.5 ones
        String ago = postgres ? "CAST(? AS TIMESTAMP WITH TIME ZONE) - (g * INTERVAL '500 milliseconds')"
                : "DATEADD(MILLISECOND, -500 * g, CAST(? AS TIMESTAMP WITH TIME ZONE))";
        jdbc.update("INSERT INTO verification_result (scan_reference, kind, source, status, decision, merchant_reference,"
                + " customer_id, event_time, payload_hash, result_json, deliveries, duplicates, stale_deliveries, created_at,"
                + " updated_at) SELECT 'bench-' || g, 'NETVERIFY', 'CALLBACK', 'DENIED_FRAUD', " + decision + ","
                + " 'm-' || MOD(g, 20000), 'cust-' || MOD(g, 30000), " + ago + ", 'h' || g,"
                + " REPLACE(?, '@REF@', 'bench-' || g), 1, 0, 0, " + ago + ", " + ago + " FROM " + series,
                now, template, now, now);
        // the inbox over the chart's window (three hours): one callback every ~0.1 s, 1 in 100 FAILED
        String body = postgres ? "convert_to('jumioIdScanReference=bench-' || g, 'UTF8')"
                : "STRINGTOUTF8('jumioIdScanReference=bench-' || g)";
        String within = postgres ? "CAST(? AS TIMESTAMP WITH TIME ZONE) - (MOD(g, 10800) * INTERVAL '1 second')"
                : "DATEADD(SECOND, -MOD(g, 10800), CAST(? AS TIMESTAMP WITH TIME ZONE))";
        jdbc.update("INSERT INTO callback_inbox (kind, source_address, content_type, body, received_at, status, attempts,"
                + " processed_at, scan_reference, outcome, failure_reason) SELECT 'NETVERIFY', '34.202.241.227',"
                + " 'application/x-www-form-urlencoded', " + body + ", " + within + ","
                + " CASE WHEN MOD(g, 100) = 0 THEN 'FAILED' ELSE 'PROCESSED' END, 1, " + within + ", 'bench-' || g,"
                + " CASE WHEN MOD(g, 100) = 0 THEN NULL ELSE 'APPLIED' END,"
                + " CASE WHEN MOD(g, 100) = 0 THEN 'benchmark failure' ELSE NULL END FROM " + series, now, now);
    }

    private void logIn(String user) throws IOException, InterruptedException {
        String page = get("/console/login").body();
        Matcher token = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page);
        assertThat(token.find()).isTrue();
        HttpResponse<String> login = client.send(HttpRequest.newBuilder(URI.create(url("/console/login")))
                .header("Content-Type", FORM).POST(HttpRequest.BodyPublishers.ofString("username=" + user + "&password="
                        + user + "-password&_csrf=" + URLEncoder.encode(token.group(1), StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.headers().firstValue("Location").orElse("")).doesNotContain("error");
    }

    private HttpResponse<String> get(String path) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create(url(path))).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

}
