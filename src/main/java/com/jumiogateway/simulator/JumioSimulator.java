package com.jumiogateway.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jumiogateway.netverify.NetverifyStatuses;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * jumio-sim: plays Jumio against a running gateway from the command line (plain Java: no Spring context, no Camel).
 * Run as {@code java -jar target/jumio-callback-gateway-0.1.0.jar simulate ...} or {@code bin/jumio-sim ...};
 * {@code jumio-sim help} lists the commands. Prints what it sent (scan reference, status; never personal data), the
 * gateway's answer and, with API credentials, the stored result.
 */
public final class JumioSimulator {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final String USAGE = """
            jumio-sim: plays Jumio against a running Jumio Callback Gateway.

              callback netverify [--status S | --all-statuses] [--reason CODE] [--details C1,C2] [--country ISO3] [--id-type T]
              callback document-verification [--type CC|BS|SSC|...] [--status EXTRACTED|UPLOADED|DISCARDED|FAILED] [--country ISO3]
              callback platform [--decision PASSED|REJECTED|WARNING] [--label LABEL] [--country ISO3]   (serves Platform OAuth/retrieval)
              scenario missed-callback [--status S] [--reason CODE] [--country ISO3]   (registers a pending transaction, sends no
                                       callback, serves the Retrieval API until the gateway's reconciliation fetched the result)
              scenario duplicates-and-reordering
              scenario burst --count N [--concurrency 16]
              replay [--kind netverify|document-verification|platform] FILE...   (sends each file's bytes as they are)
              mail-catcher [--smtp-port 2525] [--mail-dir target/mail]   (a local SMTP sink printing each alert's subject)

            Options of every command:
              --to URL              the gateway (default http://localhost:8080; env JUMIO_SIM_TO); a URL with a path is the callback URL itself
              --user U --password P API credentials to read the stored result (env JUMIO_SIM_USER, JUMIO_SIM_PASSWORD)
              --forwarded-for ADDR  send X-Forwarded-For: ADDR, for a gateway that trusts this machine as its proxy (env JUMIO_SIM_FORWARDED_FOR)
              --jumio-port N        port of the simulated Jumio APIs (default 8099; env JUMIO_SIM_JUMIO_PORT)
              --wait SECONDS        how long to wait for a stored result (default 30; missed-callback 120)
              --scan-reference REF  the scan reference to use (default: a random UUID)
            """;

    private final PrintStream out;
    private final Map<String, String> options = new HashMap<>();
    private final List<String> positional = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> env;

    JumioSimulator(PrintStream out, Map<String, String> env) {
        this.out = out;
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.getenv()));
    }

    /** Runs one command; answers the exit code (0 all as expected, 1 the gateway refused or nothing was stored, 2 usage). */
    public static int run(String[] args, PrintStream out, Map<String, String> env) {
        JumioSimulator simulator = new JumioSimulator(out, env);
        try {
            simulator.parse(args);
            return simulator.execute();
        } catch (IllegalArgumentException e) {
            out.println("jumio-sim: " + e.getMessage());
            out.println("run 'jumio-sim help' for the commands");
            return 2;
        } catch (IOException e) {
            out.println("jumio-sim: " + e);
            return 1;
        } catch (java.io.UncheckedIOException e) {
            out.println("jumio-sim: " + e.getMessage() + " (is the gateway running there? --to or JUMIO_SIM_TO)");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            out.flush();
        }
    }

    private static final List<String> FLAGS = List.of("all-statuses");

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("--")) {
                String name = arg.substring(2);
                int eq = name.indexOf('=');
                if (eq > 0) {
                    options.put(name.substring(0, eq), name.substring(eq + 1));
                } else if (FLAGS.contains(name)) {
                    options.put(name, "true");
                } else {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--" + name + " needs a value");
                    }
                    options.put(name, args[++i]);
                }
            } else {
                positional.add(arg);
            }
        }
    }

    private String option(String name, String envName, String fallback) {
        String value = options.get(name);
        if (value == null && envName != null) {
            value = env.get(envName);
        }
        return value == null || value.isBlank() ? fallback : value;
    }

    private int execute() throws IOException, InterruptedException {
        String command = positional.isEmpty() ? "help" : positional.get(0);
        String what = positional.size() > 1 ? positional.get(1) : "";
        return switch (command) {
            case "help", "--help" -> {
                out.print(USAGE);
                yield 0;
            }
            case "callback" -> switch (what) {
                case "netverify" -> callbackNetverify();
                case "document-verification" -> callbackDocumentVerification();
                case "platform" -> callbackPlatform();
                default -> throw new IllegalArgumentException("callback netverify|document-verification|platform, not '" + what + "'");
            };
            case "scenario" -> switch (what) {
                case "missed-callback" -> missedCallback();
                case "duplicates-and-reordering" -> duplicatesAndReordering();
                case "burst" -> burst();
                default -> throw new IllegalArgumentException("scenario missed-callback|duplicates-and-reordering|burst, not '" + what + "'");
            };
            case "replay" -> replay(positional.subList(1, positional.size()));
            case "mail-catcher" -> {
                new MailCatcher(Integer.parseInt(option("smtp-port", null, "2525")), Path.of(option("mail-dir", null, "target/mail")), out).run();
                yield 0;
            }
            default -> throw new IllegalArgumentException("unknown command '" + command + "'");
        };
    }

    // ---- commands

    private int callbackNetverify() throws IOException, InterruptedException {
        List<String> statuses = options.containsKey("all-statuses") ? NetverifyStatuses.all()
                : List.of(option("status", null, NetverifyStatuses.APPROVED_VERIFIED));
        int failures = 0;
        for (String status : statuses) {
            boolean one = statuses.size() == 1;
            Payloads.NetverifyRequest request = Payloads.netverify(scanReference(one), status,
                    one ? options.get("reason") : null, one ? details() : null, options.get("country"), options.get("id-type"));
            String body = Payloads.netverifyForm(request);
            String reason = request.reason() == null ? "" : " (reject reason " + request.reason() + ")";
            failures += sendAndShow("netverify", "/callbacks/netverify", body, Payloads.FORM, request.scanReference(),
                    "NETVERIFY " + request.status() + reason + ", " + request.idType() + " " + request.country(), null);
        }
        return failures == 0 ? 0 : 1;
    }

    private List<String> details() {
        String value = options.get("details");
        return value == null ? null : List.of(value.split(","));
    }

    private int callbackDocumentVerification() throws IOException, InterruptedException {
        String reference = scanReference(true);
        String status = option("status", null, "EXTRACTED");
        String body = Payloads.documentVerificationForm(reference, options.get("type"), status, options.get("country"),
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
        return sendAndShow("document-verification", "/callbacks/document-verification", body, Payloads.FORM, reference,
                "DOCUMENT_VERIFICATION type " + option("type", null, "CC").toUpperCase() + " " + status.toUpperCase(), null);
    }

    private int callbackPlatform() throws IOException, InterruptedException {
        String executionId = scanReference(true);
        String accountId = UUID.randomUUID().toString();
        String details = Payloads.platformDetails(accountId, executionId, options.get("decision"), options.get("label"), options.get("country"));
        try (FakeJumio jumio = fakeJumio()) {
            jumio.execution(executionId, details);
            String notice = Payloads.platformNotice(accountId, executionId, "PROCESSED", Instant.now().truncatedTo(ChronoUnit.MILLIS));
            return sendAndShow("platform", "/callbacks/platform", notice, Payloads.JSON, executionId,
                    "PLATFORM PROCESSED, decision " + option("decision", null, "PASSED").toUpperCase()
                            + (options.containsKey("label") ? " label " + options.get("label").toUpperCase() : ""), jumio);
        }
    }

    private int missedCallback() throws IOException, InterruptedException {
        if (credentials() == null) {
            throw new IllegalArgumentException("scenario missed-callback registers the transaction through /api: give --user and --password");
        }
        Payloads.NetverifyRequest request = Payloads.netverify(scanReference(true), option("status", null, NetverifyStatuses.APPROVED_VERIFIED),
                options.get("reason"), details(), options.get("country"), options.get("id-type"));
        try (FakeJumio jumio = fakeJumio()) {
            jumio.scan(request.scanReference(), Payloads.netverifyRetrievalData(request));
            // initiated a day ago: its callback is overdue by any setting, so the next reconciliation poll asks for it
            String registration = "{\"scanReference\":\"" + request.scanReference() + "\",\"kind\":\"NETVERIFY\",\"initiatedAt\":\""
                    + Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS) + "\",\"tokenLifetimeMinutes\":30,"
                    + "\"customerInternalReference\":\"" + request.merchantReference() + "\"}";
            HttpResponse<String> answer = send(HttpRequest.newBuilder(apiUri("/api/transactions/pending"))
                    .header("Authorization", credentials()).header("Content-Type", Payloads.JSON)
                    .POST(HttpRequest.BodyPublishers.ofString(registration)).build());
            out.println("registered pending NETVERIFY transaction " + request.scanReference() + " -> " + answer.statusCode() + " " + answer.body());
            if (answer.statusCode() / 100 != 2) {
                return 1;
            }
            out.println("sent no callback; serving Jumio's Retrieval API on " + jumio.baseUrl() + " (status DONE, data "
                    + request.status() + ") until the gateway's reconciliation asks for it");
            out.flush();
            long wait = Long.parseLong(option("wait", null, "120"));
            if (!jumio.awaitServed(request.scanReference(), wait)) {
                out.println("the gateway did not ask the Retrieval API within " + wait + " s: is it configured with"
                        + " GATEWAY_JUMIO_US_NETVERIFY_URL=" + jumio.baseUrl() + ", Jumio credentials and reconciliation enabled?");
                return 1;
            }
            out.println("the gateway retrieved the result");
            return showStored(request.scanReference(), r -> "RETRIEVAL".equals(r.path("source").asText())) ? 0 : 1;
        }
    }

    private int duplicatesAndReordering() throws IOException, InterruptedException {
        String reference = scanReference(true);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Payloads.NetverifyRequest older = Payloads.netverify(reference, NetverifyStatuses.ERROR_NOT_READABLE_ID, null, null,
                options.get("country"), null).withCallbackDate(now.minusSeconds(60));
        Payloads.NetverifyRequest newer = Payloads.netverify(reference, NetverifyStatuses.APPROVED_VERIFIED, null, null,
                options.get("country"), null).withCallbackDate(now);
        int failures = 0;
        // with credentials each delivery is processed before the next is sent: the gateway sees exactly this order
        out.println("1. the newer callback first (" + newer.status() + ", callbackDate " + newer.callbackDate() + ")");
        failures += post("/callbacks/netverify", Payloads.netverifyForm(newer).getBytes(StandardCharsets.UTF_8), Payloads.FORM, reference, newer.status());
        failures += awaitDeliveries(reference, 1);
        out.println("2. the same callback again (a duplicate delivery)");
        failures += post("/callbacks/netverify", Payloads.netverifyForm(newer).getBytes(StandardCharsets.UTF_8), Payloads.FORM, reference, newer.status());
        failures += awaitDeliveries(reference, 2);
        out.println("3. the older callback last (" + older.status() + ", callbackDate " + older.callbackDate() + ": out of order)");
        failures += post("/callbacks/netverify", Payloads.netverifyForm(older).getBytes(StandardCharsets.UTF_8), Payloads.FORM, reference, older.status());
        failures += awaitDeliveries(reference, 3);
        if (credentials() != null) {
            out.println("expected: status " + newer.status() + " kept, 3 deliveries, 1 duplicate, 1 stale (the older callback changes nothing)");
        }
        return failures == 0 ? 0 : 1;
    }

    private int awaitDeliveries(String reference, int deliveries) throws IOException, InterruptedException {
        if (credentials() == null) {
            return 0;
        }
        return showStored(reference, r -> r.path("delivery").path("deliveries").asInt() >= deliveries) ? 0 : 1;
    }

    private int burst() throws InterruptedException {
        int count = Integer.parseInt(option("count", null, "100"));
        int concurrency = Integer.parseInt(option("concurrency", null, "16"));
        List<String> statuses = NetverifyStatuses.all();
        Semaphore inFlight = new Semaphore(concurrency);
        AtomicInteger ok = new AtomicInteger();
        Map<Integer, AtomicInteger> answers = new java.util.concurrent.ConcurrentHashMap<>();
        List<String> references = new ArrayList<>();
        List<CompletableFuture<?>> sent = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            String reference = UUID.randomUUID().toString();
            references.add(reference);
            String body = Payloads.netverifyForm(Payloads.netverify(reference, statuses.get(i % statuses.size()), null, null,
                    options.get("country"), null));
            inFlight.acquire();
            sent.add(http.sendAsync(callbackRequest("/callbacks/netverify", body.getBytes(StandardCharsets.UTF_8), Payloads.FORM),
                    HttpResponse.BodyHandlers.discarding()).handle((response, error) -> {
                        inFlight.release();
                        int code = error != null ? 0 : response.statusCode();
                        answers.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
                        if (code == 200) {
                            ok.incrementAndGet();
                        }
                        return null;
                    }));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf("burst: sent %d NETVERIFY callbacks (statuses in turn: %s) with %d in flight in %.1f s (%.0f/s)%n",
                count, String.join(",", statuses), concurrency, seconds, count / seconds);
        StringBuilder summary = new StringBuilder();
        new java.util.TreeMap<>(answers).forEach((code, n) -> summary.append(summary.length() == 0 ? "" : ", ")
                .append(code == 0 ? "no answer" : code.toString()).append(": ").append(n));
        out.println("answers: " + summary);
        if (credentials() != null) {
            long deadline = System.nanoTime() + Duration.ofSeconds(Long.parseLong(option("wait", null, "120"))).toNanos();
            int stored = 0;
            for (String reference : references) {
                while (System.nanoTime() < deadline && apiGet("/api/verifications/" + reference).statusCode() != 200) {
                    Thread.sleep(100);
                }
                if (System.nanoTime() < deadline) {
                    stored++;
                }
            }
            out.println("stored: " + stored + " of " + count + " results");
            return ok.get() == count && stored == count ? 0 : 1;
        }
        return ok.get() == count ? 0 : 1;
    }

    private int replay(List<String> files) throws IOException, InterruptedException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("replay needs at least one FILE");
        }
        int failures = 0;
        FakeJumio jumio = null;
        try {
            for (String file : files) {
                byte[] body = Files.readAllBytes(Path.of(file));
                String kind = options.containsKey("kind") ? options.get("kind") : kindOf(body);
                String contentType = "platform".equals(kind) ? Payloads.JSON : Payloads.FORM;
                if ("platform".equals(kind) && jumio == null) {
                    jumio = fakeJumio();
                }
                String reference = referenceOf(kind, body);
                out.println("replay " + file + " (" + body.length + " bytes) as " + kind);
                failures += post("/callbacks/" + kind, body, contentType, reference, statusOf(kind, body));
                if (credentials() != null && reference != null) {
                    failures += showStored(reference, r -> true) ? 0 : 1;
                }
            }
        } finally {
            if (jumio != null) {
                jumio.close();
            }
        }
        return failures == 0 ? 0 : 1;
    }

    // ---- helpers

    private String scanReference(boolean one) {
        String given = options.get("scan-reference");
        return one && given != null ? given : UUID.randomUUID().toString();
    }

    private FakeJumio fakeJumio() throws IOException {
        return new FakeJumio(Integer.parseInt(option("jumio-port", "JUMIO_SIM_JUMIO_PORT", "8099")));
    }

    private int sendAndShow(String kind, String path, String body, String contentType, String reference, String what,
                            FakeJumio jumio) throws IOException, InterruptedException {
        int failed = post(path, body.getBytes(StandardCharsets.UTF_8), contentType, reference, what);
        if (failed != 0) {
            return failed;
        }
        if (credentials() != null) {
            return showStored(reference, r -> true) ? 0 : 1;
        }
        if (jumio != null) {
            // without credentials: keep serving until the gateway fetched the details
            jumio.awaitServed(reference, Long.parseLong(option("wait", null, "30")));
        }
        out.println("(give --user and --password to see the stored result)");
        return 0;
    }

    private int post(String path, byte[] body, String contentType, String reference, String what) {
        HttpResponse<String> answer = send(callbackRequest(path, body, contentType));
        out.println("sent " + callbackUri(path) + "  scan " + reference + "  " + (what == null ? "" : what));
        out.println("  gateway answered " + answer.statusCode() + " " + answer.body());
        out.flush();
        return answer.statusCode() == 200 ? 0 : 1;
    }

    private HttpRequest callbackRequest(String path, byte[] body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(callbackUri(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        String forwardedFor = option("forwarded-for", "JUMIO_SIM_FORWARDED_FOR", null);
        if (forwardedFor != null) {
            request.header("X-Forwarded-For", forwardedFor);
        }
        return request.build();
    }

    private URI callbackUri(String path) {
        URI to = URI.create(option("to", "JUMIO_SIM_TO", "http://localhost:8080"));
        boolean hasPath = to.getPath() != null && !to.getPath().isEmpty() && !"/".equals(to.getPath());
        return hasPath ? to : URI.create(base(to) + path);
    }

    private URI apiUri(String path) {
        return URI.create(base(URI.create(option("to", "JUMIO_SIM_TO", "http://localhost:8080"))) + path);
    }

    private static String base(URI to) {
        return to.getScheme() + "://" + to.getRawAuthority();
    }

    private String credentials() {
        String user = option("user", "JUMIO_SIM_USER", null);
        String password = option("password", "JUMIO_SIM_PASSWORD", null);
        if (user == null || password == null) {
            return null;
        }
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> apiGet(String path) {
        return send(HttpRequest.newBuilder(apiUri(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", credentials()).GET().build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("no answer from " + request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits for the stored result (as the API serves it) to satisfy the condition, then prints its decision. */
    private boolean showStored(String reference, java.util.function.Predicate<JsonNode> condition)
            throws InterruptedException, IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(Long.parseLong(option("wait", null, "30"))).toNanos();
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            last = apiGet("/api/verifications/" + reference);
            if (last.statusCode() == 401 || last.statusCode() == 403) {
                out.println("  stored result: the API refused the credentials (" + last.statusCode() + ")");
                return false;
            }
            if (last.statusCode() == 200 && condition.test(MAPPER.readTree(last.body()))) {
                JsonNode r = MAPPER.readTree(last.body());
                JsonNode reason = r.path("rejectReason");
                JsonNode delivery = r.path("delivery");
                out.println("  stored: status " + r.path("status").asText() + ", decision " + r.path("decision").asText()
                        + (reason.isObject() ? ", reject reason " + reason.path("code").asText()
                                + (reason.path("description").isTextual() ? " " + reason.path("description").asText() : "") : "")
                        + (r.path("country").isTextual() ? ", country " + r.path("country").asText() + " ("
                                + r.path("countryName").asText() + ")" : "")
                        + ", source " + r.path("source").asText()
                        + (delivery.isObject() ? ", deliveries " + delivery.path("deliveries").asText()
                                + ", duplicates " + delivery.path("duplicates").asText()
                                + ", stale " + delivery.path("staleDeliveries").asText() : ""));
                out.flush();
                return true;
            }
            Thread.sleep(100);
        }
        out.println("  stored result: none within the wait (last answer " + (last == null ? "none" : last.statusCode()) + ")");
        return false;
    }

    static String kindOf(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        if (text.startsWith("{")) {
            return "platform";
        }
        return text.contains("jumioIdScanReference=") ? "netverify" : "document-verification";
    }

    private static Map<String, String> formOf(byte[] body) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).strip().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                try {
                    parameters.putIfAbsent(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    // a malformed value: replayed as it is, the gateway decides
                }
            }
        }
        return parameters;
    }

    private static String referenceOf(String kind, byte[] body) {
        try {
            return switch (kind) {
                case "platform" -> MAPPER.readTree(body).path("workflowExecution").path("id").asText(null);
                case "netverify" -> formOf(body).get("jumioIdScanReference");
                default -> formOf(body).get("scanReference");
            };
        } catch (IOException e) {
            return null;
        }
    }

    private static String statusOf(String kind, byte[] body) {
        try {
            return switch (kind) {
                case "platform" -> MAPPER.readTree(body).path("workflowExecution").path("status").asText("");
                case "netverify" -> formOf(body).getOrDefault("verificationStatus", "");
                default -> MAPPER.readTree(formOf(body).getOrDefault("document", "{}")).path("status").asText("");
            };
        } catch (IOException e) {
            return "";
        }
    }
}
