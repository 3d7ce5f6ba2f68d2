import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fault-injection run (issue 9): the packaged gateway under a Jumio-like callback load while the SMTP server refuses,
 * an instance is killed with SIGKILL and restarted, and PostgreSQL is restarted; then it waits until everything is
 * drained and checks, from the database itself, the logs and the mails received, that nothing acknowledged was lost.
 * bench/chaos.sh packages the service, builds the classpath (GreenMail, JDBC drivers) and runs this file.
 *
 * Modes: "pg" (default) two instances on one fresh PostgreSQL schema, all three faults; "h2" one instance on an
 * embedded H2 file (the quick-start default), kill -9 and restart only; "rolling" (issue 16) three instances on one
 * PostgreSQL schema restarted one at a time with SIGTERM, as an orchestrator rolls an update, measuring how fast the
 * rows each stopping instance held are taken by a peer. Every knob is an environment variable (see
 * the README, "Running the chaos run"). Usage: java -cp <classpath> bench/Chaos.java <service jar> <service dir>
 */
public class Chaos {

    // ---- settings (environment) -----------------------------------------------------------------------------------
    static final String MODE = env("MODE", "pg");
    static final boolean ROLLING = MODE.equals("rolling");
    static final boolean PG = MODE.equals("pg") || ROLLING;
    static final int CALLBACKS = Integer.parseInt(env("CALLBACKS", ROLLING ? "6000" : "30000"));
    static final int INSTANCES = Integer.parseInt(env("INSTANCES", ROLLING ? "3" : MODE.equals("pg") ? "2" : "1"));
    /** Rolling mode: the longest a row a stopping instance held may wait for a peer after the instance exits. */
    static final double HAND_OVER_TARGET = 5;
    static final double RATE = Double.parseDouble(env("RATE", "60"));
    static final double DUP_PCT = Double.parseDouble(env("DUP_PCT", "20"));
    static final double OLDER_PCT = Double.parseDouble(env("OLDER_PCT", "5"));
    static final double FRAUD_PCT = Double.parseDouble(env("FRAUD_PCT", "2"));
    static final int RETRY_MAX = Integer.parseInt(env("RETRY_MAX", "10"));
    static final double RETRY_MAX_DELAY = Double.parseDouble(env("RETRY_MAX_DELAY", "30"));
    static final int SWEEP_MAX = Integer.parseInt(env("SWEEP_MAX", "5"));
    static final int IN_FLIGHT = Integer.parseInt(env("IN_FLIGHT", "64"));
    static final double DRAIN_TIMEOUT = Double.parseDouble(env("DRAIN_TIMEOUT", "600"));
    static final int PORT = Integer.parseInt(env("PORT", "18181"));
    static final int SMTP_PORT = Integer.parseInt(env("SMTP_PORT", "18125"));
    static final String HEAP = env("HEAP", ROLLING ? "384m" : "768m");
    static final String PG_HOST = env("PG_HOST", "127.0.0.1");
    static final String PG_PORT = env("PG_PORT", "5432");
    static final String PG_DB = env("PG_DB", "test");
    static final String PG_USER = env("PG_USER", "postgres");
    static final String PG_RESTART = env("PG_RESTART", "pg_ctlcluster 15 main restart");
    static final boolean KEEP_SCHEMA = env("KEEP_SCHEMA", "0").equals("1");
    static final long SEED = Long.parseLong(env("SEED", String.valueOf(System.currentTimeMillis())));

    static final String JUMIO_ADDRESS = "34.202.241.227";
    static final String API_USER = "chaos";
    static final String API_PASSWORD = UUID.randomUUID().toString();
    static final String FRAUD_TO = "compliance@chaos.test";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern UUID_RE = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    static Path serviceDir;
    static Path work;
    static String jar;
    static String jdbcUrl;
    static String schema;
    static long t0; // run start (load start), System.nanoTime
    static final List<Instance> instances = new ArrayList<>();
    static final Smtp smtp = new Smtp();
    static final List<Fault> faults = Collections.synchronizedList(new ArrayList<>());
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newFixedThreadPool(8)).build();

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    static double seconds() {
        return (System.nanoTime() - t0) / 1e9;
    }

    static void say(String format, Object... args) {
        System.out.printf("[%7.1fs] %s%n", t0 == 0 ? 0.0 : seconds(), String.format(format, args));
    }

    // ---- the load -------------------------------------------------------------------------------------------------

    /** One delivery Jumio makes (an original callback, an exact duplicate, or an older version sent late). */
    static final class Delivery {
        final int ref;
        final String kind; // original, duplicate, older
        final String status;
        final Instant callbackDate;
        final String body;
        final AtomicInteger acks = new AtomicInteger();
        final AtomicInteger attempts = new AtomicInteger();
        volatile boolean gaveUp;
        volatile double firstAckAt = Double.NaN;
        double key;

        Delivery(int ref, String kind, String status, Instant callbackDate, String body) {
            this.ref = ref;
            this.kind = kind;
            this.status = status;
            this.callbackDate = callbackDate;
            this.body = body;
        }
    }

    /** A scan reference with the personal values it carries (the same in each of its callbacks). */
    record Person(String scanReference, String firstName, String lastName, String dob, String idNumber,
                  String personalNumber) {
    }

    static final List<Person> people = new ArrayList<>();
    static final List<Delivery> deliveries = new ArrayList<>();
    static final Map<String, Integer> refIndex = new HashMap<>();

    static void buildLoad(Random random) {
        Instant base = Instant.parse("2026-01-05T08:00:00Z");
        List<Delivery> originals = new ArrayList<>();
        for (int i = 0; i < CALLBACKS; i++) {
            Person p = new Person(UUID.randomUUID().toString(), letters(random, 10), letters(random, 12),
                    LocalDate.of(1940, 1, 1).plusDays(random.nextInt(365 * 65)).toString(),
                    "P" + digits(random, 9), "PN" + digits(random, 9));
            people.add(p);
            refIndex.put(p.scanReference(), i);
            double roll = random.nextDouble() * 100;
            String status = roll < FRAUD_PCT ? "DENIED_FRAUD" : roll < FRAUD_PCT + 5 ? "ERROR_NOT_READABLE_ID" : "APPROVED_VERIFIED";
            Instant callbackDate = base.plusSeconds(i).plusMillis(random.nextInt(1000));
            Delivery d = new Delivery(i, "original", status, callbackDate, body(p, i, status, callbackDate));
            d.key = i + random.nextDouble();
            originals.add(d);
        }
        deliveries.addAll(originals);
        int extras = (int) Math.round(CALLBACKS * DUP_PCT / 100);
        int older = Math.min(extras, (int) Math.round(CALLBACKS * OLDER_PCT / 100));
        int gap = Math.max(10, Math.min(2000, CALLBACKS / 5));
        for (int k = 0; k < extras; k++) {
            Delivery original = originals.get(random.nextInt(CALLBACKS));
            Delivery extra;
            if (k < older) {
                // an earlier callback of the same transaction (an older timestamp), delivered after the newer one
                Instant earlier = original.callbackDate.minusSeconds(60 + random.nextInt(3600));
                Person p = people.get(original.ref);
                extra = new Delivery(original.ref, "older", "ERROR_NOT_READABLE_ID", earlier,
                        body(p, original.ref, "ERROR_NOT_READABLE_ID", earlier));
            } else {
                extra = new Delivery(original.ref, "duplicate", original.status, original.callbackDate, original.body);
            }
            extra.key = original.key + 1 + random.nextDouble() * gap;
            deliveries.add(extra);
        }
        deliveries.sort((a, b) -> Double.compare(a.key, b.key));
    }

    static String letters(Random random, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) ('A' + random.nextInt(26)));
        }
        return s.toString();
    }

    static String digits(Random random, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) ('0' + random.nextInt(10)));
        }
        return s.toString();
    }

    /** A Netverify form callback in the shape of src/test/resources/fixtures/netverify/*.txt. */
    static String body(Person p, int i, String status, Instant callbackDate) {
        Map<String, String> f = new LinkedHashMap<>();
        boolean approved = status.equals("APPROVED_VERIFIED");
        f.put("callBackType", "NETVERIFYID");
        f.put("jumioIdScanReference", p.scanReference());
        f.put("merchantIdScanReference", "chaos-" + i);
        f.put("customerId", "customer-" + i);
        f.put("verificationStatus", status);
        f.put("idScanStatus", approved ? "SUCCESS" : "ERROR");
        f.put("idScanSource", "WEB");
        f.put("idType", "PASSPORT");
        f.put("idCountry", "AUT");
        f.put("idFirstName", p.firstName());
        f.put("idLastName", p.lastName());
        f.put("idDob", p.dob());
        f.put("idExpiry", "2031-12-31");
        f.put("idNumber", p.idNumber());
        f.put("personalNumber", p.personalNumber());
        String check = approved ? "OK" : "N/A";
        for (String c : List.of("idCheckSignature", "idCheckDataPositions", "idCheckHologram", "idCheckMicroprint",
                "idCheckDocumentValidation", "idCheckSecurityFeatures", "idCheckMRZcode")) {
            f.put(c, check);
        }
        if (approved) {
            f.put("identityVerification", "{\"similarity\":\"MATCH\",\"validity\":true}");
        } else if (status.equals("DENIED_FRAUD")) {
            f.put("rejectReason", "{\"rejectReasonCode\":\"100\",\"rejectReasonDescription\":\"MANIPULATED_DOCUMENT\","
                    + "\"rejectReasonDetails\":[{\"detailsCode\":\"1001\",\"detailsDescription\":\"PHOTO\"}]}");
        } else {
            f.put("rejectReason", "{\"rejectReasonCode\":\"200\",\"rejectReasonDescription\":\"NOT_READABLE_DOCUMENT\"}");
        }
        f.put("clientIp", "203.0.113." + (i % 250 + 1));
        f.put("transactionDate", callbackDate.minusSeconds(180).toString());
        f.put("callbackDate", callbackDate.toString());
        StringBuilder s = new StringBuilder();
        f.forEach((k, v) -> s.append(s.length() == 0 ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return s.toString();
    }

    // ---- sending, Jumio-like ---------------------------------------------------------------------------------------

    static final AtomicLong requests = new AtomicLong();
    static final AtomicLong outstanding = new AtomicLong();
    static final Map<String, Map<String, AtomicInteger>> non200 = new ConcurrentHashMap<>();
    static final ScheduledExecutorService retries = Executors.newScheduledThreadPool(2);
    // Like any real sender, Jumio has a bounded number of requests open at once: when answers are slow, sending
    // slows down instead of piling up thousands of connections (which would measure this program, not the service).
    static final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(IN_FLIGHT);

    static void send(Delivery d, int attempt, int maxAttempts) {
        outstanding.incrementAndGet();
        requests.incrementAndGet();
        d.attempts.incrementAndGet();
        // Jumio reaches the service through a load balancer: spread first attempts, move a retry to the next instance
        Instance target = instances.get(Math.floorMod(d.ref + attempt, instances.size()));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.port + "/callbacks/netverify"))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Forwarded-For", JUMIO_ADDRESS)
                .POST(HttpRequest.BodyPublishers.ofString(d.body)).build();
        inFlight.acquireUninterruptibly();
        double sentAt = seconds();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            inFlight.release();
            try {
                if (error == null && response.statusCode() == 200) {
                    if (d.acks.incrementAndGet() == 1) {
                        d.firstAckAt = seconds();
                    }
                    return;
                }
                String code = error == null ? String.valueOf(response.statusCode()) : "no answer (" + cause(error) + ")";
                String phase = phase(seconds());
                if (phase.equals("normal")) {
                    phase = phase(sentAt);
                }
                non200.computeIfAbsent(phase, k -> new ConcurrentHashMap<>())
                        .computeIfAbsent(code, k -> new AtomicInteger()).incrementAndGet();
                if (attempt < maxAttempts) {
                    double delay = Math.min(RETRY_MAX_DELAY, Math.pow(2, attempt - 1));
                    outstanding.incrementAndGet();
                    retries.schedule(() -> {
                        outstanding.decrementAndGet();
                        send(d, attempt + 1, maxAttempts);
                    }, (long) (delay * 1000), TimeUnit.MILLISECONDS);
                } else {
                    d.gaveUp = true;
                }
            } finally {
                outstanding.decrementAndGet();
            }
        });
    }

    static String cause(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && (t instanceof java.util.concurrent.CompletionException || t.getCause() instanceof ConnectException)) {
            t = t.getCause();
        }
        if (t instanceof ConnectException) {
            return "connection refused";
        }
        if (t instanceof HttpTimeoutException) {
            return "timeout";
        }
        return t.getClass().getSimpleName();
    }

    static void awaitOutstanding() {
        while (outstanding.get() > 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
    }

    // ---- faults ---------------------------------------------------------------------------------------------------

    static final class Fault {
        final String phase;
        final double start;
        volatile double end = Double.NaN;
        volatile String note = "";

        Fault(String phase) {
            this.phase = phase;
            this.start = seconds();
            faults.add(this);
        }
    }

    static String phase(double at) {
        List<String> active = new ArrayList<>();
        synchronized (faults) {
            for (Fault f : faults) {
                if (at >= f.start && (Double.isNaN(f.end) || at <= f.end)) {
                    active.add(f.phase);
                }
            }
        }
        return active.isEmpty() ? "normal" : String.join("+", active);
    }

    static Thread at(double when, String name, Runnable action) {
        Thread thread = new Thread(() -> {
            long wait = (long) ((when - seconds()) * 1e9);
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            try {
                action.run();
            } catch (RuntimeException e) {
                say("fault %s failed: %s", name, e);
            }
        }, name);
        thread.start();
        return thread;
    }

    static void smtpRefusal(double duration) {
        Fault f = new Fault("smtp-refusing");
        smtp.stop();
        say("SMTP server stopped (connections refused) for %.0f s", duration);
        LockSupport.parkNanos((long) (duration * 1e9));
        smtp.start();
        f.end = seconds();
        say("SMTP server accepting again");
    }

    static void killAndRestart(Instance instance, double down) {
        Fault f = new Fault("instance-killed");
        long pid = instance.process.pid();
        instance.kill9();
        say("instance %s (pid %d) killed with SIGKILL", instance.name, pid);
        LockSupport.parkNanos((long) (down * 1e9));
        instance.start();
        try {
            instance.awaitUp(Duration.ofSeconds(600));
        } finally {
            f.end = seconds();
        }
        f.note = String.format("instance %s killed at +%.0fs, answering again at +%.0fs", instance.name, f.start, f.end);
        say("instance %s restarted (pid %d) and answering", instance.name, instance.process.pid());
    }

    static void databaseRestart() {
        Fault f = new Fault("db-restart");
        say("restarting PostgreSQL: %s", PG_RESTART);
        String output;
        int exit;
        try {
            Process p = new ProcessBuilder("bash", "-c", PG_RESTART).redirectErrorStream(true).start();
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            exit = p.waitFor();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
        double commandDone = seconds();
        while (seconds() - commandDone < 120) {
            try (Connection c = connect()) {
                break;
            } catch (SQLException e) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
        f.end = seconds();
        f.note = String.format("PostgreSQL restart (exit %d%s) from +%.1fs, command done after %.1f s, accepting connections after %.1f s",
                exit, output.isEmpty() ? "" : ": " + output, f.start, commandDone - f.start, f.end - f.start);
        say("%s", f.note);
    }

    /** One instance's SIGTERM in a rolling restart, and how fast what it held was taken by a peer. */
    record HandOver(String instance, double sigterm, double exited, int exitCode, int heldAtSigterm, int released,
            double allTaken) {
    }

    static final List<HandOver> handOvers = Collections.synchronizedList(new ArrayList<>());

    /**
     * Rows of the queue tables an instance holds and no peer has taken yet: inbox rows it claimed (a shutdown gives
     * the lease back but leaves the name until a peer claims the row), alerts and deliveries it claimed (the same).
     * A row it finished is no longer counted. (Pending transactions lose the name when given back, so they cannot
     * be followed from here; the run has none. ShutdownHandOverTest measures them.)
     */
    static final List<String> NOT_TAKEN = List.of(
            "SELECT 'callback_inbox:' || id FROM callback_inbox WHERE status = 'CLAIMED' AND claimed_by = ?",
            "SELECT 'alert_outbox:' || id FROM alert_outbox WHERE status = 'PENDING' AND claimed_by = ? AND claimed_until IS NOT NULL",
            "SELECT 'delivery_outbox:' || id FROM delivery_outbox WHERE status = 'PENDING' AND claimed_by = ? AND claimed_until IS NOT NULL");
    static final List<String> STILL_NOT_TAKEN = List.of(
            "SELECT COUNT(*) FROM callback_inbox WHERE status = 'CLAIMED' AND claimed_by = ? AND 'callback_inbox:' || id = ANY (?)",
            "SELECT COUNT(*) FROM alert_outbox WHERE status = 'PENDING' AND claimed_by = ? AND 'alert_outbox:' || id = ANY (?)",
            "SELECT COUNT(*) FROM delivery_outbox WHERE status = 'PENDING' AND claimed_by = ? AND 'delivery_outbox:' || id = ANY (?)");

    static Set<String> notTaken(Connection c, String owner) {
        Set<String> rows = new HashSet<>();
        try {
            for (String sql : NOT_TAKEN) {
                try (java.sql.PreparedStatement q = c.prepareStatement(sql)) {
                    q.setString(1, owner);
                    try (ResultSet r = q.executeQuery()) {
                        while (r.next()) {
                            rows.add(r.getString(1));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            say("could not read the claims of %s: %s", owner, e.getMessage());
        }
        return rows;
    }

    static long stillNotTaken(Connection c, String owner, Set<String> rows) throws SQLException {
        long count = 0;
        {
            java.sql.Array keys = c.createArrayOf("text", rows.toArray());
            for (String sql : STILL_NOT_TAKEN) {
                try (java.sql.PreparedStatement q = c.prepareStatement(sql)) {
                    q.setString(1, owner);
                    q.setArray(2, keys);
                    try (ResultSet r = q.executeQuery()) {
                        r.next();
                        count += r.getLong(1);
                    }
                }
            }
        }
        return count;
    }

    /**
     * Rolling restart, as an orchestrator rolls an update: each instance in turn gets SIGTERM, exits, starts again
     * and answers before the next one is stopped. From the SIGTERM until the exit the run notes every row the
     * instance holds; from the exit on it watches until a peer has taken every one of them (or it was finished).
     */
    static void rollingRestart(double gap) {
        for (Instance instance : instances) {
            Fault f = new Fault("rolling-restart");
            String owner = instance.env.get("GATEWAY_INSTANCE_ID");
            long pid = instance.process.pid();
            // one connection for the watch: a new one per look would take seconds on a busy machine
            Connection watch;
            try {
                watch = connect();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            Set<String> held = new HashSet<>(notTaken(watch, owner));
            int heldAtSigterm = held.size();
            double sigterm = seconds();
            instance.process.destroy(); // SIGTERM
            say("rolling restart: instance %s (pid %d) sent SIGTERM, holding %d rows", instance.name, pid, held.size());
            while (instance.process.isAlive()) {
                held.addAll(notTaken(watch, owner));
                try {
                    instance.process.waitFor(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            double exited = seconds();
            int exitCode = instance.process.exitValue();
            Set<String> released = notTaken(watch, owner); // what it gave back at exit and no peer has taken yet
            held.addAll(released);
            // nothing left behind: nothing to hand over
            double allTaken = released.isEmpty() ? exited : Double.NaN;
            while (Double.isNaN(allTaken) && seconds() - exited < 60) {
                try {
                    if (stillNotTaken(watch, owner, held) == 0) {
                        allTaken = seconds();
                        break;
                    }
                } catch (SQLException e) {
                    // read again
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
            try {
                watch.close();
            } catch (SQLException e) {
                // the watch is over
            }
            handOvers.add(new HandOver(instance.name, sigterm, exited, exitCode, heldAtSigterm, released.size(), allTaken));
            say("rolling restart: instance %s exited %.1f s after SIGTERM (code %d), %d rows left to peers, all taken %s after the exit",
                    instance.name, exited - sigterm, exitCode, released.size(), fmt(allTaken - exited));
            instance.start();
            try {
                instance.awaitUp(Duration.ofSeconds(600));
            } finally {
                f.end = seconds();
            }
            f.note = String.format("instance %s: SIGTERM at +%.0fs, answering again at +%.0fs", instance.name, f.start, f.end);
            say("rolling restart: instance %s (pid %d) answering again", instance.name, instance.process.pid());
            LockSupport.parkNanos((long) (gap * 1e9));
        }
    }

    // ---- the service ----------------------------------------------------------------------------------------------

    static final class Instance {
        final String name;
        final int port;
        final Map<String, String> env;
        final Path log;
        volatile Process process;

        Instance(String name, int port, Map<String, String> env) throws IOException {
            this.name = name;
            this.port = port;
            this.env = env;
            this.log = work.resolve(MODE + "-" + name + ".log");
            Files.deleteIfExists(log);
        }

        void start() {
            try {
                ProcessBuilder pb = new ProcessBuilder("java", "-Xmx" + HEAP, "-jar", jar, "--server.port=" + port)
                        .directory(serviceDir.toFile()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
                pb.environment().putAll(env);
                process = pb.start();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        void kill9() {
            process.destroyForcibly(); // SIGKILL on Linux
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void stop() {
            if (process != null && process.isAlive()) {
                process.destroy(); // SIGTERM: graceful shutdown
                try {
                    if (!process.waitFor(60, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        void awaitUp(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("instance " + name + " exited with " + process.exitValue() + ", see " + log);
                }
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/actuator/health"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200 && r.body().contains("UP")) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
            }
            throw new IllegalStateException("instance " + name + " not up within " + timeout + ", see " + log);
        }

        String base() {
            return "http://127.0.0.1:" + port;
        }
    }

    static JsonNode api(Instance instance, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(instance.base() + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (API_USER + ":" + API_PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404) {
            return null;
        }
        if (r.statusCode() != 200) {
            throw new IOException(path + " answered " + r.statusCode());
        }
        return JSON.readTree(r.body());
    }

    // ---- SMTP: GreenMail that can refuse ----------------------------------------------------------------------------

    record Mail(String messageId, String subject, String raw) {
    }

    static final class Smtp {
        private GreenMail server;
        private final List<Mail> kept = new ArrayList<>();

        synchronized void start() {
            server = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            server.start();
        }

        /** Stops the server (connections refused); what it had received is kept here. */
        synchronized void stop() {
            if (server != null) {
                keep();
                server.stop();
                server = null;
            }
        }

        synchronized List<Mail> all() {
            if (server != null) {
                keep();
            }
            return new ArrayList<>(kept);
        }

        private void keep() {
            for (MimeMessage m : server.getReceivedMessages()) {
                try {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    m.writeTo(out);
                    kept.add(new Mail(m.getMessageID(), m.getSubject(), out.toString(StandardCharsets.UTF_8)));
                } catch (Exception e) {
                    kept.add(new Mail("unreadable", "unreadable: " + e, ""));
                }
            }
            try {
                server.purgeEmailFromAllMailboxes();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    // ---- the database, read directly -------------------------------------------------------------------------------

    static Connection connect() throws SQLException {
        return PG ? DriverManager.getConnection(jdbcUrl, PG_USER, "") : DriverManager.getConnection(jdbcUrl, "sa", "");
    }

    /** Work not done yet: callbacks RECEIVED or CLAIMED, alerts PENDING, and the oldest of each. */
    record Backlog(long inbox, Instant oldestInbox, long alerts, Instant oldestAlert) {
        boolean empty() {
            return inbox == 0 && alerts == 0;
        }

        boolean doneUpTo(Instant moment) {
            return (oldestInbox == null || oldestInbox.isAfter(moment)) && (oldestAlert == null || oldestAlert.isAfter(moment));
        }
    }

    /** PostgreSQL: straight from the tables. H2 (locked by its one process): from the authenticated health details. */
    static Backlog backlog() {
        try {
            if (PG) {
                try (Connection c = connect(); Statement s = c.createStatement()) {
                    ResultSet r = s.executeQuery("SELECT COUNT(*), MIN(received_at) FROM callback_inbox WHERE status IN ('RECEIVED', 'CLAIMED')");
                    r.next();
                    long inbox = r.getLong(1);
                    Timestamp oldestInbox = r.getTimestamp(2);
                    r = s.executeQuery("SELECT COUNT(*), MIN(created_at) FROM alert_outbox WHERE status = 'PENDING'");
                    r.next();
                    return new Backlog(inbox, oldestInbox == null ? null : oldestInbox.toInstant(), r.getLong(1),
                            r.getTimestamp(2) == null ? null : r.getTimestamp(2).toInstant());
                }
            }
            JsonNode health = api(instances.get(0), "/actuator/health").path("components");
            Instant now = Instant.now();
            JsonNode inbox = health.path("inbox").path("details");
            JsonNode alerts = health.path("alerts").path("details");
            if (inbox.isMissingNode() || alerts.isMissingNode()) {
                return null;
            }
            long inboxPending = inbox.path("pending").asLong();
            long alertsPending = alerts.path("pending").asLong();
            return new Backlog(inboxPending, inboxPending == 0 ? null : now.minusSeconds(inbox.path("oldestPendingAgeSeconds").asLong() + 1),
                    alertsPending, alertsPending == 0 ? null : now.minusSeconds(alerts.path("oldestPendingAgeSeconds").asLong() + 1));
        } catch (Exception e) {
            return null; // database or instance not answering right now
        }
    }

    static String text(Object value) throws SQLException, IOException {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (value instanceof Clob clob) {
            try (Reader r = clob.getCharacterStream()) {
                StringBuilder s = new StringBuilder();
                char[] buf = new char[8192];
                for (int n; (n = r.read(buf)) > 0; ) {
                    s.append(buf, 0, n);
                }
                return s.toString();
            }
        }
        if (value instanceof Blob blob) {
            try (InputStream in = blob.getBinaryStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        return value.toString();
    }

    // ---- main -----------------------------------------------------------------------------------------------------

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(2); // the shutdown hook stops the instances; pool threads would keep the JVM alive
        }
    }

    static void run(String[] args) throws Exception {
        // GreenMail's own logging and a client hanging up on it (the killed instance) are not this run's output
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            if (!thread.getName().startsWith("smtp:")) {
                e.printStackTrace();
            }
        });
        jar = args[0];
        serviceDir = Path.of(args[1]).toAbsolutePath();
        work = serviceDir.resolve("target/chaos");
        Files.createDirectories(work);
        Random random = new Random(SEED);
        buildLoad(random);
        long originals = deliveries.stream().filter(d -> d.kind.equals("original")).count();
        long dups = deliveries.stream().filter(d -> d.kind.equals("duplicate")).count();
        long olders = deliveries.stream().filter(d -> d.kind.equals("older")).count();
        double loadSeconds = deliveries.size() / RATE;
        double smtpAt = Double.parseDouble(env("SMTP_AT", String.valueOf(Math.round(loadSeconds * 0.15))));
        double smtpFor = Double.parseDouble(env("SMTP_FOR", "60"));
        double killAt = Double.parseDouble(env("KILL_AT", String.valueOf(Math.round(loadSeconds * (PG ? 0.45 : 0.5)))));
        double killDown = Double.parseDouble(env("KILL_DOWN", "2"));
        double dbAt = Double.parseDouble(env("DB_AT", String.valueOf(Math.round(loadSeconds * 0.75))));
        double rollAt = Double.parseDouble(env("ROLL_AT", String.valueOf(Math.round(loadSeconds * 0.15))));
        double rollGap = Double.parseDouble(env("ROLL_GAP", "5"));

        // the service's settings: only what the run needs; any other GATEWAY_* variable of the caller passes through
        Map<String, String> common = new LinkedHashMap<>();
        String epoch = String.valueOf(System.currentTimeMillis() / 1000);
        if (PG) {
            schema = "chaos_" + epoch;
            jdbcUrl = "jdbc:postgresql://" + PG_HOST + ":" + PG_PORT + "/" + PG_DB + "?currentSchema=" + schema;
            common.put("GATEWAY_DB_URL", jdbcUrl);
            common.put("GATEWAY_DB_USERNAME", PG_USER);
            common.put("SPRING_FLYWAY_SCHEMAS", schema);
        } else {
            Path h2 = work.resolve("h2-" + epoch);
            Files.createDirectories(h2);
            // the embedded default (config/application.yaml), in a fresh directory
            jdbcUrl = "jdbc:h2:file:" + h2.resolve("gateway") + ";AUTO_SERVER=FALSE;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
            common.put("GATEWAY_DB_URL", jdbcUrl);
        }
        common.put("GATEWAY_ALLOWLIST_TRUSTED_PROXIES", "127.0.0.1"); // the run plays Jumio behind a proxy on loopback
        common.put("GATEWAY_API_USERNAME", API_USER);
        common.put("GATEWAY_API_PASSWORD", API_PASSWORD);
        common.put("GATEWAY_ALERTS_SMTP_HOST", "127.0.0.1");
        common.put("GATEWAY_ALERTS_SMTP_PORT", String.valueOf(SMTP_PORT));
        common.put("GATEWAY_ALERTS_SMTP_STARTTLS", "false");
        common.put("GATEWAY_ALERTS_FRAUD_TO", FRAUD_TO);
        if (ROLLING && System.getenv("GATEWAY_DB_POOL_SIZE") == null) {
            // three pools of the default 30 plus a starting fourth exceed a default PostgreSQL's 100 connections
            common.put("GATEWAY_DB_POOL_SIZE", "10");
        }
        for (int i = 0; i < INSTANCES; i++) {
            String name = String.valueOf((char) ('a' + i));
            Map<String, String> env = new LinkedHashMap<>(common);
            env.put("GATEWAY_INSTANCE_ID", "chaos-" + name); // stable: a restarted instance takes its own claims back at once
            instances.add(new Instance(name, PORT + i, env));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> instances.forEach(i -> {
            if (i.process != null && i.process.isAlive()) {
                i.process.destroyForcibly();
            }
        })));

        System.out.printf("== chaos run, mode %s: %s, seed %d ==%n", MODE,
                PG ? INSTANCES + " instances on PostgreSQL " + PG_HOST + ":" + PG_PORT + " schema " + schema : "1 instance on an H2 file", SEED);
        System.out.printf("load: %d distinct callbacks (%.1f %% DENIED_FRAUD), %d exact duplicates, %d older versions sent"
                        + " after the newer one = %d deliveries at %.0f/s (~%.0f s); re-send on non-200 up to %d attempts"
                        + " (backoff 1 s doubling to %.0f s), then a final sweep of up to %d attempts%n",
                originals, FRAUD_PCT, dups, olders, deliveries.size(), RATE, loadSeconds, RETRY_MAX, RETRY_MAX_DELAY, SWEEP_MAX);
        if (ROLLING) {
            System.out.printf("faults: rolling restart from +%.0fs: each instance in turn gets SIGTERM, is started again"
                    + " and answers, then %.0f s until the next%n", rollAt, rollGap);
        } else if (PG) {
            System.out.printf("faults: SMTP refuses at +%.0fs for %.0f s; instance b kill -9 at +%.0fs (restarted %.0f s later);"
                    + " PostgreSQL restart at +%.0fs (%s)%n", smtpAt, smtpFor, killAt, killDown, dbAt, PG_RESTART);
        } else {
            System.out.printf("faults: instance a kill -9 at +%.0fs (restarted %.0f s later)%n", killAt, killDown);
        }
        System.out.printf("logs: %s%n", instances.stream().map(i -> serviceDir.relativize(i.log).toString()).toList());

        smtp.start();
        if (PG) {
            try (Connection c = connect(); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema); // fresh per run; Flyway migrates it when the first instance starts
            }
        }
        for (Instance instance : instances) {
            instance.start();
            instance.awaitUp(Duration.ofSeconds(600)); // one after the other: the first one migrates the schema
        }
        t0 = System.nanoTime();
        say("instances up, load starts");

        List<Thread> faultThreads = new ArrayList<>();
        if (ROLLING) {
            faultThreads.add(at(rollAt, "rolling-restart", () -> rollingRestart(rollGap)));
        } else if (PG) {
            faultThreads.add(at(smtpAt, "smtp-refusal", () -> smtpRefusal(smtpFor)));
            faultThreads.add(at(killAt, "kill", () -> killAndRestart(instances.get(1), killDown)));
            faultThreads.add(at(dbAt, "db-restart", Chaos::databaseRestart));
        } else {
            faultThreads.add(at(killAt, "kill", () -> killAndRestart(instances.get(0), killDown)));
        }

        // "backlog present at the last fault is done": watched from the moment the last fault ended
        double[] faultBacklogDone = {Double.NaN};
        Thread watcher = new Thread(() -> {
            for (Thread t : faultThreads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    return;
                }
            }
            double lastEnd = faults.stream().mapToDouble(f -> Double.isNaN(f.end) ? seconds() : f.end).max().orElse(0);
            Instant lastEndInstant = Instant.now().minusNanos((long) ((seconds() - lastEnd) * 1e9));
            while (!Thread.currentThread().isInterrupted()) {
                Backlog b = backlog();
                if (b != null && b.doneUpTo(lastEndInstant)) {
                    faultBacklogDone[0] = seconds();
                    return;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            }
        }, "fault-backlog-watcher");
        watcher.setDaemon(true);
        watcher.start();

        // the load, paced
        for (int k = 0; k < deliveries.size(); k++) {
            long due = (long) (k / RATE * 1e9) - (System.nanoTime() - t0);
            if (due > 0) {
                LockSupport.parkNanos(due);
            }
            send(deliveries.get(k), 1, RETRY_MAX);
            if (k > 0 && k % Math.max(1000, deliveries.size() / 10) == 0) {
                Backlog b = backlog();
                say("%d/%d deliveries sent, %d requests, backlog %s", k, deliveries.size(), requests.get(),
                        b == null ? "(not readable now)" : b.inbox + " callbacks, " + b.alerts + " alerts");
            }
        }
        double loadEnd = seconds();
        say("load sent; waiting for answers and re-sends");
        awaitOutstanding();
        List<Delivery> unanswered = deliveries.stream().filter(d -> d.acks.get() == 0).toList();
        say("final sweep: re-sending %d deliveries never answered 200", unanswered.size());
        for (Delivery d : unanswered) {
            send(d, 1, SWEEP_MAX);
        }
        awaitOutstanding();
        double sendsDone = seconds();
        for (Thread t : faultThreads) {
            t.join();
        }
        double lastFaultEnd = faults.stream().mapToDouble(f -> Double.isNaN(f.end) ? seconds() : f.end).max().orElse(0);
        say("all sends answered; faults over (last ended at +%.1fs); waiting until drained (timeout %.0f s)", lastFaultEnd, DRAIN_TIMEOUT);

        double drainedAt = Double.NaN;
        Backlog last = null;
        double drainDeadline = seconds() + DRAIN_TIMEOUT;
        double lastReport = seconds();
        while (seconds() < drainDeadline) {
            Backlog b = backlog();
            if (b != null) {
                last = b;
                if (b.empty()) {
                    drainedAt = seconds();
                    break;
                }
            }
            if (seconds() - lastReport > 30) {
                lastReport = seconds();
                say("backlog %s", b == null ? "(not readable now)" : b);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
        }
        watcher.join(TimeUnit.SECONDS.toMillis(5));
        watcher.interrupt();
        say(Double.isNaN(drainedAt) ? "NOT drained within the timeout: " + last : "drained");

        // a few results through the API as a user would read them
        int apiChecked = 0;
        int apiMismatch = 0;
        Map<Integer, Delivery> newestAcked = newestAcknowledged();
        Random pick = new Random(SEED + 1);
        for (int i = 0; i < 100 && !newestAcked.isEmpty(); i++) {
            int ref = pick.nextInt(CALLBACKS);
            Delivery expected = newestAcked.get(ref);
            if (expected == null) {
                continue;
            }
            JsonNode r = api(instances.get(i % instances.size()), "/api/verifications/" + people.get(ref).scanReference());
            apiChecked++;
            if (r == null || !expected.status.equals(r.path("status").asText())) {
                apiMismatch++;
            }
        }
        for (Instance instance : instances) {
            instance.stop();
        }
        List<Mail> mails = smtp.all();
        report(new Timing(loadEnd, sendsDone, lastFaultEnd, drainedAt, faultBacklogDone[0]), mails, apiChecked, apiMismatch);
        if (PG && !KEEP_SCHEMA) {
            try (Connection c = connect(); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
        System.exit(verdict.isEmpty() ? 0 : 1);
    }

    record Timing(double loadEnd, double sendsDone, double lastFaultEnd, double drainedAt, double faultBacklogDone) {
    }

    static Map<Integer, Delivery> newestAcknowledged() {
        Map<Integer, Delivery> newest = new HashMap<>();
        for (Delivery d : deliveries) {
            if (d.acks.get() > 0) {
                newest.merge(d.ref, d, (a, b) -> a.callbackDate.isAfter(b.callbackDate) ? a : b);
            }
        }
        return newest;
    }

    static final List<String> verdict = new ArrayList<>();

    static void row(String label, Object value, String target) {
        System.out.printf("| %-58s | %-34s | %-14s |%n", label, value, target == null ? "" : target);
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            verdict.add(what);
        }
    }

    static void report(Timing t, List<Mail> mails, int apiChecked, int apiMismatch) throws Exception {
        // what the database holds at the end
        Map<String, Integer> storedBodies = new HashMap<>();
        Map<String, Integer> inboxStatus = new TreeMap<>();
        Map<String, String> storedStatus = new HashMap<>();
        Map<String, Integer> alertStatus = new TreeMap<>();
        Map<String, Integer> alertsPerRef = new HashMap<>();
        long resultRows;
        long distinctResults;
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.setFetchSize(1000);
            try (ResultSet r = s.executeQuery("SELECT body, status FROM callback_inbox")) {
                while (r.next()) {
                    storedBodies.merge(text(r.getObject(1)), 1, Integer::sum);
                    inboxStatus.merge(r.getString(2), 1, Integer::sum);
                }
            }
            try (ResultSet r = s.executeQuery("SELECT scan_reference, status FROM verification_result")) {
                while (r.next()) {
                    storedStatus.put(r.getString(1), r.getString(2));
                }
            }
            try (ResultSet r = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT scan_reference) FROM verification_result")) {
                r.next();
                resultRows = r.getLong(1);
                distinctResults = r.getLong(2);
            }
            try (ResultSet r = s.executeQuery("SELECT scan_reference, status FROM alert_outbox")) {
                while (r.next()) {
                    alertStatus.merge(r.getString(2), 1, Integer::sum);
                    alertsPerRef.merge(String.valueOf(r.getString(1)), 1, Integer::sum);
                }
            }
        }

        long sent = deliveries.size();
        long acknowledged = deliveries.stream().filter(d -> d.acks.get() > 0).count();
        long neverAcked = sent - acknowledged;
        // lost: a delivery answered 200 more often than rows with its exact body exist (duplicates share a body)
        Map<String, Integer> acksPerBody = new HashMap<>();
        for (Delivery d : deliveries) {
            if (d.acks.get() > 0) {
                acksPerBody.merge(d.body, 1, Integer::sum);
            }
        }
        long lost = 0;
        List<String> lostRefs = new ArrayList<>();
        Set<String> lostBodies = new HashSet<>();
        for (Map.Entry<String, Integer> e : acksPerBody.entrySet()) {
            int missing = e.getValue() - storedBodies.getOrDefault(e.getKey(), 0);
            if (missing > 0) {
                lost += missing;
                lostBodies.add(e.getKey());
                Matcher m = UUID_RE.matcher(e.getKey());
                if (lostRefs.size() < 5 && m.find()) {
                    lostRefs.add(m.group());
                }
            }
        }
        Map<Integer, Delivery> newest = newestAcknowledged();
        long noResult = 0;
        long wrongStatus = 0;
        for (Map.Entry<Integer, Delivery> e : newest.entrySet()) {
            String stored = storedStatus.get(people.get(e.getKey()).scanReference());
            if (stored == null) {
                noResult++;
            } else if (!stored.equals(e.getValue().status)) {
                wrongStatus++;
            }
        }
        // fraud: references whose newest callback is DENIED_FRAUD, and the mails received per reference
        Set<String> fraudRefs = new HashSet<>();
        newest.forEach((ref, d) -> {
            if (d.status.equals("DENIED_FRAUD")) {
                fraudRefs.add(people.get(ref).scanReference());
            }
        });
        Map<String, Integer> mailsPerRef = new HashMap<>();
        Set<String> messageIds = new HashSet<>();
        int unmatched = 0;
        for (Mail m : mails) {
            messageIds.add(m.messageId());
            Matcher matcher = UUID_RE.matcher(String.valueOf(m.subject()));
            if (matcher.find()) {
                mailsPerRef.merge(matcher.group(), 1, Integer::sum);
            } else {
                unmatched++;
            }
        }
        long zero = fraudRefs.stream().filter(r -> mailsPerRef.getOrDefault(r, 0) == 0).count();
        long one = fraudRefs.stream().filter(r -> mailsPerRef.getOrDefault(r, 0) == 1).count();
        long more = fraudRefs.stream().filter(r -> mailsPerRef.getOrDefault(r, 0) >= 2).count();
        long strayMails = mailsPerRef.entrySet().stream().filter(e -> !fraudRefs.contains(e.getKey())).mapToLong(Map.Entry::getValue).sum() + unmatched;
        List<String> doubled = fraudRefs.stream().filter(r -> mailsPerRef.getOrDefault(r, 0) >= 2).limit(5).toList();

        // personal values in the logs and mails
        Set<String> personal = new HashSet<>();
        for (Person p : people) {
            personal.addAll(List.of(p.firstName(), p.lastName(), p.dob(), p.idNumber(), p.personalNumber()));
        }
        Map<String, LogScan> logs = new LinkedHashMap<>();
        for (Instance instance : instances) {
            logs.put(instance.name, LogScan.of(instance.log, personal));
        }
        long personalInMails = mails.stream().filter(m -> LogScan.findPersonal(m.raw(), personal) != null).count();

        System.out.println();
        System.out.printf("== chaos run result, mode %s (%s), %d callbacks at %.0f/s, seed %d ==%n", MODE,
                PG ? INSTANCES + " instances, PostgreSQL" : "1 instance, H2 file", CALLBACKS, RATE, SEED);
        row("what", "measured", "target");
        row("sent: distinct callbacks / deliveries / HTTP requests", CALLBACKS + " / " + sent + " / " + requests.get(), "");
        row("acknowledged (deliveries answered 200)", acknowledged, "");
        row("never answered 200 (after every re-send)", neverAcked, "0");
        row("lost (acknowledged but not stored)", lost + (lostRefs.isEmpty() ? "" : " e.g. " + lostRefs.get(0)), "0");
        row("acknowledged references without a stored result", noResult, "0");
        row("wrong stored status (differs from newest sent)", wrongStatus, "0");
        row("duplicate result rows", resultRows - distinctResults, "0");
        row("inbox rows by status", inboxStatus, "");
        row("alerts by status", alertStatus, "");
        row("fraud references: 0 / 1 / 2+ emails", fraudRefs.size() + ": " + zero + " / " + one + " / " + more, "all exactly 1");
        row("emails received / distinct Message-IDs / not for a fraud ref", mails.size() + " / " + messageIds.size() + " / " + strayMails, "");
        row("results read through GET /api/verifications (wrong)", apiChecked + " (" + apiMismatch + ")", "0 wrong");
        Map<String, Map<String, Integer>> answers = new TreeMap<>();
        non200.forEach((phase, codes) -> codes.forEach((code, n) ->
                answers.computeIfAbsent(phase, k -> new TreeMap<>()).put(code, n.get())));
        if (answers.isEmpty()) {
            row("non-200 answers", "none", "");
        }
        answers.forEach((phase, codes) -> row("non-200 answers, phase " + phase, codes,
                phase.equals("db-restart") ? "503 only" : phase.equals("normal") ? "none" : ""));
        synchronized (faults) {
            for (Fault f : faults) {
                row("fault " + f.phase, String.format("+%.1fs .. +%.1fs", f.start, f.end), "");
            }
        }
        synchronized (handOvers) {
            for (HandOver h : handOvers) {
                row("SIGTERM " + h.instance() + ": rows held / exit after / code / rows left to peers", String.format(
                        "%d / %.1f s / %d / %d", h.heldAtSigterm(), h.exited() - h.sigterm(), h.exitCode(), h.released()),
                        "code 143");
                row("SIGTERM " + h.instance() + ": rows taken by a peer after exit (SIGTERM)", Double.isNaN(h.allTaken())
                        ? "NOT within 60 s" : fmt(h.allTaken() - h.exited()) + " (" + fmt(h.allTaken() - h.sigterm()) + ")",
                        "<= " + fmt(HAND_OVER_TARGET));
            }
        }
        row("load sent / all sends answered (incl. sweep)", String.format("+%.1fs / +%.1fs", t.loadEnd(), t.sendsDone()), "");
        row("backlog present at the last fault's end done after", fmt(t.faultBacklogDone() - t.lastFaultEnd()), "<= 30 s");
        double drainRef = Math.max(t.lastFaultEnd(), t.sendsDone());
        row("drained after last fault (or last send, if later)", Double.isNaN(t.drainedAt()) ? "NOT drained in " + DRAIN_TIMEOUT + " s"
                : fmt(t.drainedAt() - drainRef) + String.format(" (at +%.1fs)", t.drainedAt()), "<= 30 s");
        logs.forEach((name, scan) -> row("ERROR lines, instance " + name + " / WARN lines", scan.errors + " / " + scan.warns, ""));
        logs.forEach((name, scan) -> row("log lines with a personal value sent, instance " + name, scan.personalLines, "0"));
        row("personal values in the emails", personalInMails, "0");
        System.out.println();
        logs.forEach((name, scan) -> {
            if (!scan.errorKinds.isEmpty()) {
                System.out.printf("ERROR lines of instance %s by logger and message (digits as #):%n", name);
                scan.errorKinds.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(12)
                        .forEach(e -> System.out.printf("  %5d  %s%n", e.getValue(), e.getKey()));
            }
            if (scan.personalSample != null) {
                System.out.printf("first log line of instance %s with a personal value (cut): %s%n", name, scan.personalSample);
            }
        });
        if (!doubled.isEmpty()) {
            System.out.println("fraud references mailed twice or more (first 5): " + doubled);
        }
        if (!lostRefs.isEmpty()) {
            System.out.println("references with a lost acknowledged callback (first 5): " + lostRefs);
            double[] ackTimes = deliveries.stream().filter(d -> lostBodies.contains(d.body) && d.acks.get() > 0)
                    .mapToDouble(d -> d.firstAckAt).sorted().toArray();
            String kills;
            synchronized (faults) {
                kills = faults.stream().filter(f -> f.phase.equals("instance-killed"))
                        .map(f -> String.format("+%.1fs", f.start)).toList().toString();
            }
            // a lost body may have several deliveries (exact duplicates), of which only some were lost
            StringBuilder times = new StringBuilder();
            for (int i = 0; i < Math.min(20, ackTimes.length); i++) {
                times.append(String.format(" +%.1fs", ackTimes[i]));
            }
            System.out.printf("first 200 of the deliveries with a lost body at:%s%s (instance killed at %s)%n",
                    times, ackTimes.length > 20 ? " ..." : "", kills);
        }

        check(neverAcked == 0, "callbacks never answered 200");
        if (ROLLING) {
            check(handOvers.size() == instances.size(), "not every instance was restarted");
            check(handOvers.stream().allMatch(h -> h.exitCode() == 143), "an instance did not exit gracefully on SIGTERM");
            check(handOvers.stream().allMatch(h -> h.allTaken() - h.exited() <= HAND_OVER_TARGET),
                    "rows of a stopped instance not taken by a peer within " + fmt(HAND_OVER_TARGET));
        }
        check(lost == 0, "acknowledged callbacks lost");
        check(noResult == 0, "acknowledged references without a result");
        check(wrongStatus == 0, "wrong stored status");
        check(resultRows == distinctResults, "duplicate result rows");
        check(zero == 0 && more == 0, "fraud references without exactly one email");
        check(apiMismatch == 0, "API answers differ");
        check(!Double.isNaN(t.drainedAt()), "not drained");
        check(!Double.isNaN(t.drainedAt()) && t.drainedAt() - drainRef <= 30, "drain took over 30 s");
        check(logs.values().stream().allMatch(l -> l.personalLines == 0) && personalInMails == 0, "personal values in logs or mails");
        System.out.println(verdict.isEmpty() ? "VERDICT: every target met" : "VERDICT: targets missed: " + String.join(", ", verdict));
    }

    static String fmt(double seconds) {
        return Double.isNaN(seconds) ? "not reached" : String.format("%.1f s", seconds);
    }

    /** ERROR and WARN lines of one instance log, and the lines carrying a personal value the run sent. */
    static final class LogScan {
        static final Pattern LEVEL = Pattern.compile("^\\S+\\s+(ERROR|WARN)\\s");
        static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9]+");
        static final Pattern CAUGHT = Pattern.compile("caught: ([\\w.$]+(: [^\\\\]{0,80})?)");
        static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
        long errors;
        long warns;
        long personalLines;
        String personalSample;
        final Map<String, Integer> errorKinds = new HashMap<>();

        static LogScan of(Path log, Set<String> personal) throws IOException {
            LogScan scan = new LogScan();
            if (!Files.exists(log)) {
                return scan;
            }
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                Matcher level = LEVEL.matcher(line);
                if (level.find()) {
                    if (level.group(1).equals("ERROR")) {
                        scan.errors++;
                        int at = line.indexOf(" --- ");
                        String rest = at < 0 ? line : line.substring(at + 5).replaceFirst("^\\[[^]]*\\]\\s*\\[[^]]*\\]\\s*", "");
                        Matcher caught = CAUGHT.matcher(rest);
                        String exception = caught.find() ? " [caught: " + caught.group(1) + "]" : "";
                        rest = rest.replaceAll("[0-9A-Fa-f]{6,}(-[0-9A-Fa-f]+)*", "#").replaceAll("\\d+", "#");
                        rest = (rest.length() > 110 ? rest.substring(0, 110) + "..." : rest) + exception;
                        scan.errorKinds.merge(rest, 1, Integer::sum);
                    } else {
                        scan.warns++;
                    }
                }
                String found = findPersonal(line, personal);
                if (found != null) {
                    scan.personalLines++;
                    if (scan.personalSample == null) {
                        scan.personalSample = line.length() > 300 ? line.substring(0, 300) : line;
                    }
                }
            }
            return scan;
        }

        /** A personal value sent by the run found in the text (whole words, letter case ignored), or null. */
        static String findPersonal(String text, Set<String> personal) {
            Matcher m = TOKEN.matcher(text);
            while (m.find()) {
                String token = m.group().toUpperCase(java.util.Locale.ROOT);
                if (personal.contains(token)) {
                    return token;
                }
            }
            Matcher dates = DATE.matcher(text);
            while (dates.find()) {
                if (personal.contains(dates.group())) {
                    return dates.group();
                }
            }
            return null;
        }
    }
}
