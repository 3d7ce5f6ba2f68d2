package com.jumiogateway.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jumiogateway.support.CuttableDatabase;
import com.jumiogateway.support.GatewayInstance;
import com.jumiogateway.support.TcpProxy;
import com.jumiogateway.support.TestSmtp;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The database goes away for a few seconds (the TCP proxy in front of it cuts every connection) while callbacks
 * are arriving and being processed and fraud alerts are being sent: 30 s after it is back no claim is stuck (every
 * acknowledged callback processed, every alert sent), no alert was mailed twice (one copy per Message-ID), and no
 * personal value of the callbacks reached the log. H2 over TCP by default, PostgreSQL when GATEWAY_DB_URL is set.
 */
@ExtendWith(OutputCaptureExtension.class)
class DatabaseOutageTest {

    static final int CALLBACKS = 120;
    // personal values of the callbacks: none may ever appear in the log
    static final String FIRST_NAME = "Quillonius";
    static final String LAST_NAME = "Vandermeerschaut";
    static final String ID_NUMBER = "ZX4471PERSONAL";
    static final String BIRTH_DATE = "1911-11-11";

    static String ref(int i) {
        return String.format("0a7a6e00-0000-4000-8000-%012d", i);
    }

    static boolean fraud(int i) {
        return i % 3 == 0;
    }

    static String callback(int i) {
        return "jumioIdScanReference=" + ref(i) + "&verificationStatus=" + (fraud(i) ? "DENIED_FRAUD" : "APPROVED_VERIFIED")
                + "&idScanStatus=" + (fraud(i) ? "ERROR" : "SUCCESS") + "&idType=PASSPORT&idCountry=AUT"
                + "&idFirstName=" + FIRST_NAME + "&idLastName=" + LAST_NAME + "&idNumber=" + ID_NUMBER + "&idDob=" + BIRTH_DATE
                + "&callbackDate=2024-05-01T08%3A00%3A00.000Z";
    }

    @Test
    void aDatabaseCutOfAFewSecondsLeavesNoClaimStuckNoAlertMailedTwiceAndNoPersonalValueInTheLog(CapturedOutput logs)
            throws Exception {
        CuttableDatabase database = CuttableDatabase.start("db-outage");
        TcpProxy proxy = database.proxy();
        String url = database.url();
        TestSmtp smtp = new TestSmtp().start();
        Map<String, Object> settings = database.settings();
        settings.putAll(smtp.settings());
        settings.put("gateway.alerts.categories.fraud.to", "compliance@bank.test");
        // the production leases and retry delays: what must hold is "30 s after the database is back"
        settings.put("gateway.alerts.backoff-initial", "30s");
        try (GatewayInstance instance = GatewayInstance.start(settings)) {
            JdbcTemplate jdbc = instance.jdbc();
            instance.emptyTables();
            if (url.startsWith("jdbc:postgresql:")) {
                // the driver leaves the server's "Detail:" (row values) out of its exception messages
                assertThat(instance.bean(com.zaxxer.hikari.HikariDataSource.class).getDataSourceProperties())
                        .containsEntry("logServerErrorDetail", "false");
            }

            // Jumio: sends each callback until it is answered 200
            AtomicInteger acknowledged = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            java.util.concurrent.CountDownLatch cutMade = new java.util.concurrent.CountDownLatch(1);
            AtomicReference<Throwable> feederFailed = new AtomicReference<>();
            Thread feeder = new Thread(() -> {
                try {
                    for (int i = 0; i < CALLBACKS; i++) {
                        if (i == CALLBACKS / 3) {
                            // the database is cut while the first third is still being processed and alerted
                            cutMade.await();
                        }
                        HttpResponse<String> answer;
                        do {
                            answer = instance.postCallback("/callbacks/netverify", callback(i));
                            assertThat(answer.statusCode()).as("only 503 while the database is away").isIn(200, 503);
                            if (answer.statusCode() == 503) {
                                refused.incrementAndGet();
                            }
                        } while (answer.statusCode() != 200);
                        acknowledged.incrementAndGet();
                    }
                } catch (Throwable e) {
                    feederFailed.set(e);
                }
            }, "jumio-feeder");
            feeder.start();

            // cut while callbacks are being stored and processed and alerts sent
            await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.get() >= CALLBACKS / 3);
            long processedBeforeCut = jdbc.queryForObject("SELECT COUNT(*) FROM verification_result", Long.class);
            int mailedBeforeCut = smtp.received().size();
            proxy.stop();
            Instant cut = Instant.now();
            cutMade.countDown();
            System.out.printf("cut after %d callbacks acknowledged, %d processed, %d alerts mailed%n",
                    acknowledged.get(), processedBeforeCut, mailedBeforeCut);
            // a few seconds: until Jumio has been refused (503, about one second each) four times
            await().atMost(Duration.ofSeconds(30)).until(() -> refused.get() >= 4);
            proxy.start();
            Instant back = Instant.now();
            System.out.printf("database away for %d ms%n", Duration.between(cut, back).toMillis());

            feeder.join(Duration.ofSeconds(60).toMillis());
            assertThat(feederFailed.get()).isNull();
            assertThat(acknowledged.get()).isEqualTo(CALLBACKS);

            long fraudCount = java.util.stream.IntStream.range(0, CALLBACKS).filter(DatabaseOutageTest::fraud).count();
            await().atMost(Duration.ofSeconds(30).minus(Duration.between(back, Instant.now())))
                    .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox WHERE status <> 'PROCESSED'",
                            Long.class) == 0
                            && jdbc.queryForObject("SELECT COUNT(*) FROM alert_outbox WHERE status = 'SENT'", Long.class)
                            == fraudCount);
            Duration drained = Duration.between(back, Instant.now());
            System.out.printf("everything drained %d ms after the database came back%n", drained.toMillis());
            assertThat(drained).isLessThanOrEqualTo(Duration.ofSeconds(30));

            // nothing acknowledged was lost, no result doubled
            assertThat(jdbc.queryForObject("SELECT COUNT(DISTINCT scan_reference) FROM verification_result", Long.class))
                    .isEqualTo(CALLBACKS);
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM verification_result", Long.class)).isEqualTo(CALLBACKS);
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM alert_outbox WHERE claimed_until IS NOT NULL", Long.class))
                    .as("no alert claim left").isZero();

            // exactly one email per fraud reference: one copy (one recipient) per Message-ID, one Message-ID per alert
            await().atMost(Duration.ofSeconds(5)).until(() -> smtp.received().size() >= fraudCount);
            List<MimeMessage> received = smtp.received();
            Map<String, Long> copiesPerMessageId = received.stream()
                    .collect(Collectors.groupingBy(TestSmtp::messageId, Collectors.counting()));
            assertThat(copiesPerMessageId).hasSize((int) fraudCount);
            assertThat(copiesPerMessageId.values()).as("no alert mailed twice").containsOnly(1L);
            assertThat(received.stream().map(m -> subject(m)).collect(Collectors.toSet())).hasSize((int) fraudCount);
            assertThat(copiesPerMessageId.keySet()).allSatisfy(id -> assertThat(id).matches("<alert-netverify-denied-fraud\\+0a7a6e00-[-0-9]+@localhost>"));

            // no SQL parameter, i.e. no personal value, in the log; the error steps themselves never failed
            String output = logs.getAll();
            assertThat(output).doesNotContain(FIRST_NAME).doesNotContain(LAST_NAME).doesNotContain(ID_NUMBER)
                    .doesNotContain(BIRTH_DATE);
            // (Hikari logs each broken connection with its stack, whose frames may pass through Camel's fallback)
            assertThat(output.lines().filter(line -> !line.startsWith("\tat ")).filter(line ->
                    line.contains("FatalFallbackErrorHandler") || line.contains("previously thrown exception")).toList())
                    .as("no error step of a route failed").isEmpty();
            long errorLines = output.lines().filter(l -> l.contains(" ERROR ")).count();
            System.out.printf("ERROR lines during the run: %d%n", errorLines);
        } finally {
            database.close();
            smtp.stop();
        }
    }

    private static String subject(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
