package com.jumiogateway.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jumiogateway.netverify.NetverifyCallbackParser;
import com.jumiogateway.netverify.NetverifyEnricher;
import com.jumiogateway.result.ResultSource;
import com.jumiogateway.result.VerificationResult;
import com.jumiogateway.support.GatewayInstance;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.TestSmtp;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gateway instances (two application contexts, each with its worker, fan-out and sender routes) on one database:
 * PostgreSQL when GATEWAY_DB_URL is set, else a shared in-memory H2. Both process the same fraud result at the same
 * moment; one email goes out per scan.
 */
class FraudAlertTwoInstancesTest {

    static final String SEED_REF = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    static final int ROUNDS = 5;

    static final TestSmtp smtp = new TestSmtp();
    static GatewayInstance first;
    static GatewayInstance second;

    @BeforeAll
    static void startTwoInstances() {
        smtp.start();
        String database = GatewayInstance.sharedDatabaseUrl("shared-alerts");
        Map<String, Object> settings = Map.of(
                "gateway.alerts.smtp.host", "127.0.0.1",
                "gateway.alerts.smtp.port", smtp.port(),
                "gateway.alerts.smtp.starttls", "false",
                "gateway.alerts.smtp.username", TestSmtp.USERNAME,
                "gateway.alerts.smtp.password", TestSmtp.PASSWORD,
                "gateway.alerts.categories.fraud.to", "compliance@bank.test",
                "gateway.alerts.poll-delay-ms", "20");
        first = GatewayInstance.start(database, with(settings, "camel.main.name", "gateway-one"));
        second = GatewayInstance.start(database, with(settings, "camel.main.name", "gateway-two"));
        first.emptyTables();
    }

    @AfterAll
    static void stopAll() {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
        smtp.stop();
    }

    @Test
    void sameFraudResultProcessedConcurrentlyByTwoInstancesSendsOneEmailPerScan() throws Exception {
        String seed = GatewayTestSupport.fixture("netverify/denied-fraud.txt");
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            // the same callback delivered twice, once to each instance, at the same moment
            CyclicBarrier together = new CyclicBarrier(2);
            List<Future<Integer>> posts = new ArrayList<>();
            for (GatewayInstance instance : List.of(first, second)) {
                posts.add(threads.submit(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    return instance.postCallback("/callbacks/netverify", seed).statusCode();
                }));
            }
            for (Future<Integer> post : posts) {
                assertThat(post.get(30, TimeUnit.SECONDS)).isEqualTo(200);
            }

            // the same enriched result handed to both fan-outs at once (as two workers or a callback and a poller would)
            List<String> refs = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                String ref = "two-00000000-0000-0000-0000-00000000000" + round;
                refs.add(ref);
                String body = seed.replace(SEED_REF, ref);
                CyclicBarrier both = new CyclicBarrier(2);
                List<Future<?>> sends = new ArrayList<>();
                for (GatewayInstance instance : List.of(first, second)) {
                    VerificationResult result = instance.bean(NetverifyEnricher.class).enrich(
                            instance.bean(NetverifyCallbackParser.class).parse(body), ResultSource.CALLBACK, Instant.now());
                    ProducerTemplate camel = instance.bean(ProducerTemplate.class);
                    sends.add(threads.submit(() -> {
                        both.await(10, TimeUnit.SECONDS);
                        camel.sendBody("direct:verification-result", result);
                        return null;
                    }));
                }
                for (Future<?> send : sends) {
                    send.get(30, TimeUnit.SECONDS);
                }
            }
            refs.add(SEED_REF);

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                    first.jdbc().queryForObject("SELECT COUNT(*) FROM alert_outbox WHERE status = 'SENT'", Long.class)
                            == refs.size());
            // every alert is SENT and only PENDING alerts are ever sent: nothing more can arrive

            Map<String, Long> emailsPerScan = smtp.emails().values().stream()
                    .collect(Collectors.groupingBy(FraudAlertTwoInstancesTest::scanOf, Collectors.counting()));
            assertThat(emailsPerScan).containsOnlyKeys(refs).allSatisfy((ref, count) -> assertThat(count).as(ref).isEqualTo(1));
            assertThat(smtp.deliveries()).containsExactly(Map.entry("compliance@bank.test", (long) refs.size()));
            assertThat(first.jdbc().queryForObject("SELECT COUNT(*) FROM alert_outbox", Long.class)).isEqualTo(refs.size());
            assertThat(first.jdbc().queryForList("SELECT DISTINCT attempts FROM alert_outbox", Integer.class))
                    .as("each alert was claimed once").containsExactly(1);
            List<String> senders = first.jdbc().queryForList("SELECT DISTINCT claimed_by FROM alert_outbox", String.class);
            assertThat(senders).as("claims by instance").isNotEmpty();
        } finally {
            threads.shutdownNow();
        }
    }

    private static String scanOf(MimeMessage email) {
        try {
            String subject = email.getSubject();
            return subject.substring(subject.lastIndexOf(' ') + 1);
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> with(Map<String, Object> settings, String key, Object value) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>(settings);
        copy.put(key, value);
        return copy;
    }
}
