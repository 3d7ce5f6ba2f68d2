import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Replays hostile input against a running gateway (bench/hostile-input.sh starts one) and prints, per attack: the
 * answers, the time to the first answer, the service's peak RSS growth and CPU time during the attack, how many
 * log bytes it added, and whether a real callback sent from Jumio's address during the attack was answered 200 and
 * stored (with its latency).
 *
 * Callers: Jumio is 127.0.0.1 (the service's trusted proxy) with X-Forwarded-For 34.202.241.227; a stranger is
 * 127.0.0.2 (not a trusted proxy, loopback not allowed).
 *
 * Usage: java bench/HostileInput.java <port> <pid> <log file> <api user:password>
 */
public class HostileInput {

    static final String JUMIO = "34.202.241.227";
    static final String FORM = "application/x-www-form-urlencoded";
    static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    /** A card number and a social security number made up for this run (valid in form, nobody's). */
    static final String CARD = cardNumber();
    static final String SSN = String.format("%03d-%02d-%04d", 100 + RANDOM.nextInt(565), 10 + RANDOM.nextInt(90),
            1000 + RANDOM.nextInt(9000));
    static int port;
    static long pid;
    static Path log;
    static String apiAuth;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Outcome(String answers, Duration firstAnswer, String note) {
    }

    interface Attack {
        Outcome run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        port = Integer.parseInt(args[0]);
        pid = Long.parseLong(args[1]);
        log = Path.of(args[2]);
        apiAuth = "Basic " + Base64.getEncoder().encodeToString(args[3].getBytes(StandardCharsets.UTF_8));
        Map<String, Attack> attacks = new LinkedHashMap<>();
        attacks.put("stranger: malformed form bodies x4 (a=%zz, %%%, \\xff\\xfe, NUL)", HostileInput::strangerMalformed);
        attacks.put("stranger: 50 MB body, Content-Length, sent blind", () -> blast("127.0.0.2", Map.of(), 50L << 20, false));
        attacks.put("stranger: 50 MB body, chunked, sent blind", () -> blast("127.0.0.2", Map.of(), 50L << 20, true));
        attacks.put("stranger: 4 parallel 20 MB bodies of 2M parameters", HostileInput::parameterBombs);
        attacks.put("stranger: 100 connections, body at 1 byte/2 s, 15 s", () -> slowBodies(100, Duration.ofSeconds(15)));
        attacks.put("Jumio: 50 MB body, Content-Length", () -> blast("127.0.0.1", Map.of("X-Forwarded-For", JUMIO), 50L << 20, false));
        attacks.put("Jumio: 50 MB body, chunked", () -> blast("127.0.0.1", Map.of("X-Forwarded-For", JUMIO), 50L << 20, true));
        attacks.put("Jumio: body at 1 byte/200 ms", HostileInput::jumioSlowBody);
        attacks.put("Jumio: malformed bodies x5 (%zz, bad UTF-8, NUL, no '=', JSON)", HostileInput::jumioMalformed);
        attacks.put("Jumio: card number + CR/LF forged log line in a malformed body", HostileInput::logForgery);
        attacks.put("anonymous PUT /api with a 100 MB form body", HostileInput::unauthenticatedPut);
        attacks.put("200 wrong API passwords from one address", HostileInput::passwordGuessing);
        attacks.put("URIs: %2F, 20 kB URL, bad request line", HostileInput::badUris);
        attacks.put("anonymous GET /actuator/health", HostileInput::anonymousHealth);
        // last: on a service that reads bodies before deciding, this one ends in OutOfMemoryError under -Xmx512m
        attacks.put("stranger: 259 MB body, sent blind", () -> blast("127.0.0.2", Map.of(), 259L << 20, false));

        System.out.printf("%-66s | %-34s | %9s | %9s | %8s | %8s | %s%n", "attack", "answers", "1st answer",
                "peak RSS+", "CPU", "log+", "real callback during the attack");
        System.out.println("-".repeat(190));
        for (Map.Entry<String, Attack> attack : attacks.entrySet()) {
            run(attack.getKey(), attack.getValue());
        }
    }

    static void run(String name, Attack attack) throws Exception {
        long rssBefore = status("VmRSS");
        resetPeakRss();
        long cpuBefore = cpuMillis();
        long logBefore = Files.exists(log) ? Files.size(log) : 0;
        String reference = UUID.randomUUID().toString();
        CompletableFuture<String> real = CompletableFuture.supplyAsync(() -> realCallback(reference));
        Outcome outcome;
        try {
            outcome = attack.run();
        } catch (Exception e) {
            outcome = new Outcome("client error: " + e.getClass().getSimpleName(), null, "");
        }
        String realOutcome;
        try {
            realOutcome = real.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            realOutcome = "no answer within 60 s";
        }
        long peak = status("VmHWM");
        long cpu = cpuMillis() - cpuBefore;
        long logAdded = (Files.exists(log) ? Files.size(log) : 0) - logBefore;
        System.out.printf("%-66s | %-34s | %9s | %9s | %8s | %8s | %s%s%n", name, outcome.answers(),
                outcome.firstAnswer() == null ? "-" : outcome.firstAnswer().toMillis() + " ms",
                Math.max(0, peak - rssBefore) / 1024 + " MB", cpu + " ms", logAdded / 1024 + " kB", realOutcome,
                outcome.note().isEmpty() ? "" : "  [" + outcome.note() + "]");
    }

    // ---- the real callback sent during each attack ------------------------------------------------------------

    static String realCallback(String reference) {
        try {
            // sent while the attack is under way
            Thread.sleep(300);
            long started = System.nanoTime();
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/callbacks/netverify"))
                    .timeout(Duration.ofSeconds(45)).header("Content-Type", FORM).header("X-Forwarded-For", JUMIO)
                    .POST(HttpRequest.BodyPublishers.ofString("jumioIdScanReference=" + reference
                            + "&verificationStatus=APPROVED_VERIFIED&idType=PASSPORT&idCountry=AUT")).build(),
                    HttpResponse.BodyHandlers.ofString());
            long millis = (System.nanoTime() - started) / 1_000_000;
            if (answer.statusCode() != 200) {
                return "answered " + answer.statusCode() + " after " + millis + " ms: NOT stored";
            }
            for (int i = 0; i < 100; i++) {
                HttpResponse<String> stored = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/verifications/" + reference)).header("Authorization", apiAuth).timeout(Duration.ofSeconds(10)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (stored.statusCode() == 200) {
                    return "200 after " + millis + " ms, stored";
                }
                Thread.sleep(100);
            }
            return "200 after " + millis + " ms, result not found within 10 s";
        } catch (Exception e) {
            return "failed: " + e.getClass().getSimpleName();
        }
    }

    // ---- attacks -----------------------------------------------------------------------------------------------

    static Outcome strangerMalformed() throws IOException {
        List<byte[]> bodies = List.of(b("a=%zz"), b("%%%"), new byte[] {(byte) 0xff, (byte) 0xfe}, b("a=1\u0000b"));
        Map<Integer, Integer> statuses = new TreeMap<>();
        long started = System.nanoTime();
        Duration first = null;
        String contentType = "";
        for (byte[] body : bodies) {
            Response r = send("127.0.0.2", "POST", "/callbacks/netverify", FORM, body, Map.of());
            first = first == null ? Duration.ofNanos(System.nanoTime() - started) : first;
            statuses.merge(r.status, 1, Integer::sum);
            contentType = r.header("content-type");
        }
        return new Outcome(counts(statuses) + " " + shortType(contentType), first, "");
    }

    static Outcome blast(String from, Map<String, String> headers, long total, boolean chunked) throws Exception {
        long started = System.nanoTime();
        try (Socket socket = connect(from)) {
            socket.setSoTimeout(60000);
            OutputStream out = socket.getOutputStream();
            out.write(head("POST", "/callbacks/netverify", FORM, headers, chunked ? -1 : total));
            AtomicLong written = new AtomicLong();
            Thread writer = new Thread(() -> {
                byte[] piece = new byte[64 * 1024];
                Arrays.fill(piece, (byte) 'a');
                try {
                    while (written.get() < total) {
                        int size = (int) Math.min(piece.length, total - written.get());
                        if (chunked) {
                            out.write((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        }
                        out.write(piece, 0, size);
                        if (chunked) {
                            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                        written.addAndGet(size);
                    }
                    if (chunked) {
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                } catch (IOException e) {
                    // the server closed the connection
                }
            });
            writer.setDaemon(true);
            writer.start();
            Response r = read(socket.getInputStream());
            Duration first = Duration.ofNanos(System.nanoTime() - started);
            writer.join(60000);
            return new Outcome(r == null ? "none" : r.status + " " + shortType(r.header("content-type")), first,
                    "client wrote " + written.get() / 1024 + " kB of " + total / 1024 / 1024 + " MB");
        }
    }

    static Outcome parameterBombs() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        long started = System.nanoTime();
        List<CompletableFuture<Response>> answers = new ArrayList<>();
        byte[] bomb = new byte[20 << 20];
        for (int i = 0; i < bomb.length; i += 10) {
            System.arraycopy(b("a=1234567&"), 0, bomb, i, Math.min(10, bomb.length - i));
        }
        for (int i = 0; i < 4; i++) {
            answers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return send("127.0.0.2", "POST", "/callbacks/netverify", FORM, bomb, Map.of());
                } catch (IOException e) {
                    return null;
                }
            }, pool));
        }
        Map<Integer, Integer> statuses = new TreeMap<>();
        Duration first = null;
        for (CompletableFuture<Response> answer : answers) {
            Response r = answer.get(120, TimeUnit.SECONDS);
            first = first == null ? Duration.ofNanos(System.nanoTime() - started) : first;
            statuses.merge(r == null ? -1 : r.status, 1, Integer::sum);
        }
        pool.shutdown();
        return new Outcome(counts(statuses), first, "");
    }

    static Outcome slowBodies(int connections, Duration duration) throws Exception {
        AtomicBoolean attacking = new AtomicBoolean(true);
        Map<Integer, Integer> statuses = new TreeMap<>();
        AtomicLong firstAnswerNanos = new AtomicLong(-1);
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        for (int i = 0; i < connections; i++) {
            pool.execute(() -> {
                while (attacking.get()) {
                    try (Socket socket = connect("127.0.0.2")) {
                        socket.setSoTimeout(2000);
                        OutputStream out = socket.getOutputStream();
                        out.write(head("POST", "/callbacks/netverify", FORM, Map.of(), 100_000));
                        while (attacking.get()) {
                            out.write('a');
                            out.flush();
                            Response r = read(socket.getInputStream());
                            if (r != null) {
                                firstAnswerNanos.compareAndSet(-1, System.nanoTime() - started);
                                synchronized (statuses) {
                                    statuses.merge(r.status, 1, Integer::sum);
                                }
                                break;
                            }
                        }
                        // cut off: connect again a second later
                        Thread.sleep(1000);
                    } catch (IOException e) {
                        // reset mid-write: connect again
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }
        Thread.sleep(duration.toMillis());
        attacking.set(false);
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        synchronized (statuses) {
            return new Outcome(statuses.isEmpty() ? "none in " + duration.toSeconds() + " s" : counts(statuses),
                    firstAnswerNanos.get() < 0 ? null : Duration.ofNanos(firstAnswerNanos.get()), "");
        }
    }

    static Outcome jumioSlowBody() throws Exception {
        long started = System.nanoTime();
        try (Socket socket = connect("127.0.0.1")) {
            socket.setSoTimeout(100);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(head("POST", "/callbacks/netverify", FORM, Map.of("X-Forwarded-For", JUMIO), 1000));
            Response r = null;
            for (int i = 0; i < 300 && r == null; i++) {
                try {
                    out.write('a');
                    out.flush();
                } catch (IOException closed) {
                    // the server gave up on us
                }
                Thread.sleep(100);
                r = read(in);
            }
            if (r == null) {
                socket.setSoTimeout(5000);
                r = read(in);
            }
            return new Outcome(r == null ? "none within 30 s" : r.status + " " + shortType(r.header("content-type")),
                    r == null ? null : Duration.ofNanos(System.nanoTime() - started), "");
        }
    }

    static Outcome jumioMalformed() throws IOException {
        List<byte[]> bodies = List.of(b("jumioIdScanReference=x&a=%zz"), concat(b("jumioIdScanReference=x&idFirstName="),
                new byte[] {(byte) 0xff, (byte) 0xfe}), b("jumioIdScanReference=x&idNumber=A\u0000B"),
                b("jumioIdScanReference=x&flag"), b("{\"jumioIdScanReference\":\"x\"}"));
        Map<Integer, Integer> statuses = new TreeMap<>();
        long started = System.nanoTime();
        Duration first = null;
        for (byte[] body : bodies) {
            Response r = send("127.0.0.1", "POST", "/callbacks/netverify", FORM, body, Map.of("X-Forwarded-For", JUMIO));
            first = first == null ? Duration.ofNanos(System.nanoTime() - started) : first;
            statuses.merge(r.status, 1, Integer::sum);
        }
        return new Outcome(counts(statuses), first, "");
    }

    static Outcome logForgery() throws Exception {
        String forged = "\r\n2026-01-01T00:00:00.000Z  INFO 1 --- [main] verification-result : FORGED";
        long started = System.nanoTime();
        // a pair without '=' holding the values and the forged line, then a broken %-escape
        Response a = send("127.0.0.1", "POST", "/callbacks/netverify", FORM,
                b("jumioIdScanReference=x&card" + CARD + "ssn" + SSN + forged + "&a=%zz"), Map.of("X-Forwarded-For", JUMIO));
        Duration first = Duration.ofNanos(System.nanoTime() - started);
        Response s = send("127.0.0.2", "POST", "/callbacks/netverify", FORM, b("card" + CARD + forged), Map.of());
        Thread.sleep(2000);
        String text = Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
        boolean leaked = text.contains(CARD) || text.contains(SSN);
        boolean forgedLine = text.lines().anyMatch(l -> l.contains("FORGED"));
        return new Outcome(a.status + " (Jumio), " + s.status + " (stranger)", first,
                "card/SSN in log: " + (leaked ? "YES" : "no") + ", forged line: " + (forgedLine ? "YES" : "no"));
    }

    /** 16 random digits after a 4, the last one the Luhn check digit, so the number passes for a card number. */
    static String cardNumber() {
        int[] digits = new int[16];
        digits[0] = 4;
        for (int i = 1; i < 15; i++) {
            digits[i] = RANDOM.nextInt(10);
        }
        int sum = 0;
        for (int i = 0; i < 15; i++) {
            // from the right, every second digit of the full number (check digit included) is doubled
            int d = (15 - i) % 2 == 1 ? digits[i] * 2 : digits[i];
            sum += d > 9 ? d - 9 : d;
        }
        digits[15] = (10 - sum % 10) % 10;
        StringBuilder number = new StringBuilder();
        for (int d : digits) {
            number.append(d);
        }
        return number.toString();
    }

    static Outcome unauthenticatedPut() throws Exception {
        long started = System.nanoTime();
        try (Socket socket = connect("127.0.0.1")) {
            socket.setSoTimeout(5);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            long declared = 100L << 20;
            out.write(head("PUT", "/api/verifications/x", FORM, Map.of(), declared));
            byte[] piece = new byte[2048];
            Arrays.fill(piece, (byte) 'a');
            long sent = 0;
            Response r = null;
            while (sent < declared && System.nanoTime() - started < 30_000_000_000L) {
                if (in.available() > 0) {
                    break;
                }
                try {
                    out.write(piece);
                    out.flush();
                } catch (IOException closed) {
                    break;
                }
                sent += piece.length;
                Thread.sleep(20);
            }
            socket.setSoTimeout(10000);
            r = read(in);
            return new Outcome(r == null ? "none" : r.status + " " + shortType(r.header("content-type")),
                    Duration.ofNanos(System.nanoTime() - started), "body sent before the answer: " + sent / 1024 + " kB");
        }
    }

    static Outcome passwordGuessing() throws Exception {
        Map<Integer, Integer> statuses = new TreeMap<>();
        long started = System.nanoTime();
        Duration first = null;
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/alerts"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("bench:" + UUID.randomUUID()).getBytes()))
                    .header("X-Forwarded-For", "198.51.100.77").timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            first = first == null ? Duration.ofNanos(System.nanoTime() - started) : first;
            statuses.merge(r.statusCode(), 1, Integer::sum);
        }
        return new Outcome(counts(statuses), first, "200 guesses took " + (System.nanoTime() - started) / 1_000_000 + " ms");
    }

    static Outcome badUris() throws IOException {
        long started = System.nanoTime();
        Response slash = send("127.0.0.1", "GET", "/api/verifications/a%2Fb", null, new byte[0], Map.of("Authorization", apiAuth));
        Duration first = Duration.ofNanos(System.nanoTime() - started);
        Response longUrl = send("127.0.0.1", "GET", "/api/verifications/" + "a".repeat(20 * 1024), null, new byte[0], Map.of());
        Response badLine;
        try (Socket socket = connect("127.0.0.1")) {
            socket.setSoTimeout(10000);
            socket.getOutputStream().write(b("GET /api/a{b} HTTP/1.1\r\nHost: x\r\n\r\n"));
            badLine = read(socket.getInputStream());
        }
        return new Outcome(slash.status + " " + shortType(slash.header("content-type")) + ", " + longUrl.status + " "
                + shortType(longUrl.header("content-type")) + ", " + badLine.status + " " + shortType(badLine.header("content-type")),
                first, "");
    }

    static Outcome anonymousHealth() throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Outcome(r.statusCode() + " " + r.body().length() + " bytes", Duration.ofNanos(System.nanoTime() - started),
                r.body().length() > 60 ? r.body().substring(0, 60) + "..." : r.body());
    }

    // ---- plumbing ----------------------------------------------------------------------------------------------

    record Response(int status, String text) {
        String header(String name) {
            for (String line : text.split("\r\n")) {
                if (line.isEmpty()) {
                    break;
                }
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return "";
        }
    }

    static Socket connect(String from) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return socket;
    }

    static byte[] head(String method, String path, String contentType, Map<String, String> headers, long length) {
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        head.append(length >= 0 ? "Content-Length: " + length : "Transfer-Encoding: chunked").append("\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    static Response send(String from, String method, String path, String contentType, byte[] body,
                         Map<String, String> headers) throws IOException {
        try (Socket socket = connect(from)) {
            socket.setSoTimeout(60000);
            OutputStream out = socket.getOutputStream();
            Map<String, String> all = new LinkedHashMap<>(headers);
            all.put("Connection", "close");
            out.write(head(method, path, contentType, all, body.length));
            try {
                out.write(body);
                out.flush();
            } catch (IOException closed) {
                // answered and closed before the whole body went out
            }
            Response r = read(socket.getInputStream());
            return r == null ? new Response(-1, "") : r;
        }
    }

    /** One response (head and Content-Length body), or null when nothing arrived before the socket timeout. */
    static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                received.write(buffer, 0, n);
                String text = received.toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                if (end >= 0) {
                    Response head = new Response(0, text);
                    String length = head.header("content-length");
                    if (!length.isEmpty() && text.length() - end - 4 >= Integer.parseInt(length)) {
                        break;
                    }
                    if (length.isEmpty() && (!head.header("transfer-encoding").equalsIgnoreCase("chunked") || text.endsWith("0\r\n\r\n"))) {
                        break;
                    }
                }
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            // take what arrived
        }
        if (received.size() < 12) {
            return null;
        }
        String text = received.toString(StandardCharsets.UTF_8);
        return new Response(Integer.parseInt(text.substring(9, 12)), text);
    }

    static String counts(Map<Integer, Integer> statuses) {
        StringBuilder text = new StringBuilder();
        statuses.forEach((status, count) -> text.append(text.length() == 0 ? "" : ", ").append(count).append("x ")
                .append(status < 0 ? "none" : status));
        return text.toString();
    }

    static String shortType(String contentType) {
        return contentType == null || contentType.isEmpty() ? "(no type)" : contentType.contains("json") ? "json"
                : contentType.contains("html") ? "HTML" : contentType;
    }

    static long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }

    /** Writing 5 to clear_refs resets VmHWM (peak RSS) to the current RSS, so each attack's peak is its own. */
    static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/" + pid + "/clear_refs"), "5");
        } catch (IOException e) {
            // not permitted: the peak then covers everything so far
        }
    }

    /** utime + stime of the service process, in milliseconds (clock ticks of 10 ms). */
    static long cpuMillis() {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
        } catch (IOException e) {
            return 0;
        }
    }

    static byte[] b(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
