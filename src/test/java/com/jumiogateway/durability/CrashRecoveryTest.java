package com.jumiogateway.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jumiogateway.support.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * "A 200 means the callback is safe", tried the hard way: the service runs as a child JVM of its own, exactly as
 * shipped (default configuration from config/, routes from routes/, the default embedded H2 file database
 * {@code ./data/gateway} under a fresh working directory in target/; PostgreSQL when GATEWAY_DB_URL is set, the
 * child inheriting the environment). Callbacks are posted concurrently with the worker paused, the JVM is killed
 * with SIGKILL the moment the last answer arrives, and the service is started again on the same files: every
 * callback that was answered 200 must be there (and gets processed).
 */
class CrashRecoveryTest {

    private static final int CALLBACKS = 200;
    private static final int SENDERS = 16;

    private final List<ServiceProcess> started = new ArrayList<>();

    @AfterEach
    void stopServices() throws InterruptedException {
        for (ServiceProcess service : started) {
            service.close();
        }
    }

    @Test
    void everyCallbackAnswered200SurvivesAKillMinus9() throws Exception {
        Path workDir = Files.createDirectories(Path.of("target/crash-recovery/run-" + System.nanoTime()).toAbsolutePath());
        String run = UUID.randomUUID().toString().substring(0, 8);

        ServiceProcess first = start(workDir, false, "service-1.log").awaitReady();

        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        CountDownLatch answered = new CountDownLatch(CALLBACKS);
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        try {
            for (int i = 0; i < CALLBACKS; i++) {
                String reference = "crash-" + run + "-" + i;
                senders.execute(() -> {
                    try {
                        if (first.postCallback(callback(reference)) == 200) {
                            acknowledged.add(reference);
                        }
                    } catch (Exception e) {
                        // not acknowledged: Jumio would send it again
                    } finally {
                        answered.countDown();
                    }
                });
            }
            assertThat(answered.await(120, TimeUnit.SECONDS)).as("every callback answered").isTrue();
            // the moment the last answer is in: SIGKILL, no shutdown hook, no graceful stop, no flush
            first.kill();
        } finally {
            senders.shutdownNow();
        }
        assertThat(first.awaitExit(Duration.ofSeconds(30))).as("killed by SIGKILL (128 + 9)").isEqualTo(137);
        // normally all of them; on a very busy machine a few may get 503 (store timeout), which Jumio would resend
        assertThat(acknowledged).as("callbacks answered 200 before the kill").hasSizeGreaterThan(CALLBACKS * 9 / 10);

        ServiceProcess second = start(workDir, true, "service-2.log").awaitReady();

        Set<String> missing = ConcurrentHashMap.newKeySet();
        missing.addAll(acknowledged);
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
                missing.removeIf(reference -> second.apiStatus("/api/verifications/" + reference) == 200);
                return missing.isEmpty();
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // fall through to the assertion, which says how many were kept
        }
        assertThat(missing).as("acknowledged callbacks lost by the crash: kept %d of %d",
                acknowledged.size() - missing.size(), acknowledged.size()).isEmpty();
    }

    /** The service as shipped, in its own JVM; the working directory holds the default H2 file (./data). */
    private ServiceProcess start(Path workDir, boolean worker, String log) throws Exception {
        ServiceProcess service = ServiceProcess.start(workDir, log, Map.of("gateway.worker.enabled", Boolean.toString(worker)));
        started.add(service);
        return service;
    }

    static String callback(String reference) {
        return "jumioIdScanReference=" + reference + "&verificationStatus=APPROVED_VERIFIED&idCountry=FRA"
                + "&callbackDate=2024-05-01T08%3A00%3A00Z";
    }
}
