import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load generator (wrk2 is not available here): sends POSTs on a fixed arrival schedule, whatever the
 * answers do, and measures each answer time from the request's SCHEDULED send time, so a stalled service shows up
 * in the percentiles instead of slowing the sender down (no coordinated omission).
 *
 * <p>Run with the JDK alone: {@code java bench/OpenLoad.java <url> <rate per s> <seconds> [warm-up seconds]}.
 * The warm-up (default 0) sends on the same schedule first and is not counted: a fresh generator JVM is still
 * loading and compiling its HTTP client for its first seconds, which on 2 shared cores shows up as the service's
 * tail otherwise. Prints one line:
 * {@code offered=<n>/s sent=<n> ok=<n> non2xx=<n> errors=<n> p50=<ms> p90=<ms> p99=<ms> max=<ms>}: the counted
 * requests, except errors (failed connections), which include the warm-up's.
 * Every request carries the netverify body of bench/post-callback.lua, with a unique scan reference.
 */
public class OpenLoad {

    private static final String TEMPLATE = "idExpiry=2022-12-31&idType=PASSPORT&idDob=1990-01-01&idCheckSignature=OK"
            + "&idCheckDataPositions=OK&idCheckHologram=OK&idCheckMicroprint=OK&idCheckDocumentValidation=OK&idCountry=USA"
            + "&idScanSource=SDK&idFirstName=FIRSTNAME&verificationStatus=APPROVED_VERIFIED&jumioIdScanReference=%s"
            + "&personalNumber=N%%2FA&merchantIdScanReference=YOURIDSCANREFERENCE&idCheckSecurityFeatures=OK"
            + "&idCheckMRZcode=OK&idScanImage=https%%3A%%2F%%2Fnetverify.com%%2Frecognition%%2Fv1%%2Fidscan%%2F%s%%2Ffront"
            + "&callBackType=NETVERIFYID&clientIp=xxx.xxx.xxx.xxx&idLastName=LASTNAME"
            + "&idAddress=%%7B%%22country%%22%%3A%%22USA%%22%%2C%%22stateCode%%22%%3A%%22US%%2DOH%%22%%7D&idScanStatus=SUCCESS"
            + "&identityVerification=%%7B%%22similarity%%22%%3A%%22MATCH%%22%%2C%%22validity%%22%%3Atrue%%7D&idNumber=P1234"
            + "&callbackDate=2024-05-01T10%%3A03%%3A12.345Z&transactionDate=2024-05-01T10%%3A00%%3A00.000Z";

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        double rate = Double.parseDouble(args[1]);
        int seconds = Integer.parseInt(args[2]);
        int warmUp = args.length > 3 ? (int) Math.round(rate * Integer.parseInt(args[3])) : 0;
        String run = Long.toString(System.nanoTime(), 36);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newFixedThreadPool(4)).build();
        int total = warmUp + (int) Math.round(rate * seconds);
        long period = (long) (1_000_000_000L / rate);
        long[] latency = new long[total];
        Arrays.fill(latency, -1);
        AtomicLong ok = new AtomicLong();
        AtomicLong non2xx = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        ConcurrentLinkedQueue<String> firstErrors = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(total);
        long start = System.nanoTime() + 50_000_000L;
        for (int i = 0; i < total; i++) {
            long scheduled = start + i * period;
            long wait;
            while ((wait = scheduled - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            String ref = "open-" + run + "-" + i;
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(String.format(TEMPLATE, ref, ref))).build();
            int index = i;
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((answer, failure) -> {
                latency[index] = System.nanoTime() - scheduled;
                if (failure != null) {
                    errors.incrementAndGet();
                    if (firstErrors.size() < 3) {
                        firstErrors.add(failure.toString());
                    }
                } else if (index < warmUp) {
                    // warm-up answers are not counted
                } else if (answer.statusCode() / 100 == 2) {
                    ok.incrementAndGet();
                } else {
                    non2xx.incrementAndGet();
                }
                done.countDown();
            });
        }
        done.await();
        long[] sorted = Arrays.stream(latency, warmUp, total).filter(l -> l >= 0).sorted().toArray();
        System.out.printf("offered=%.0f/s sent=%d ok=%d non2xx=%d errors=%d p50=%.1f p90=%.1f p99=%.1f max=%.1f%n",
                rate, total - warmUp, ok.get(), non2xx.get(), errors.get(), ms(sorted, 0.50), ms(sorted, 0.90),
                ms(sorted, 0.99), ms(sorted, 1.0));
        firstErrors.forEach(e -> System.err.println("error: " + e));
        System.exit(0);
    }

    private static double ms(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
