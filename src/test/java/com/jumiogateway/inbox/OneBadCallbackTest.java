package com.jumiogateway.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.jumiogateway.intake.CallbackRefusedException;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.RawHttp;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Nothing a caller sends can fail another caller's commit. Callbacks arriving together share one group commit;
 * a bad one among them (a NUL byte in its body or a header, a Content-Type longer than the inbox stores) is
 * answered on its own, and its neighbours get 200 and are stored. On H2 and PostgreSQL (which refuses NUL in text).
 */
class OneBadCallbackTest extends GatewayTestSupport {

    private static final int GOOD = 40;
    private static final Map<String, String> VIA_PROXY_JUMIO = Map.of("X-Forwarded-For", JUMIO_US);

    @Autowired
    InboxWriter writer;

    static String callback(String reference) {
        return "jumioIdScanReference=" + reference + "&verificationStatus=APPROVED_VERIFIED&idCountry=FRA"
                + "&callbackDate=2024-05-01T08%3A00%3A00Z";
    }

    @Test
    void aNulByteCallbackAmongGoodOnesLeavesThemStored() throws Exception {
        byte[] nulBody = (callback("nul-body") + "&firstName=A\u0000B").getBytes(StandardCharsets.UTF_8);
        List<RawHttp.Response> bad = new ArrayList<>();
        List<Integer> good = sendTogether(List.of(
                () -> RawHttp.send("127.0.0.1", port, "POST", "/callbacks/netverify", FORM, nulBody, VIA_PROXY_JUMIO),
                () -> RawHttp.send("127.0.0.1", port, "POST", "/callbacks/netverify", FORM + "; x=a\u0000b",
                        callback("nul-header").getBytes(StandardCharsets.UTF_8), VIA_PROXY_JUMIO)), bad, "nul");

        assertThat(good).as("good neighbours").hasSize(GOOD).containsOnly(200);
        assertThat(bad.get(0).status()).as("a NUL byte in the body is stored as sent (bytes)").isEqualTo(200);
        assertThat(bad.get(1).status()).as("a NUL byte in a header is refused by the server").isEqualTo(400);
        assertThat(bad.get(1).headers().get("content-type")).startsWith("application/json");
        assertThat(storedBodies()).hasSize(GOOD + 1).contains(new String(nulBody, StandardCharsets.UTF_8))
                .noneMatch(body -> body.contains("nul-header"));
        assertThat(storedBodies().stream().filter(body -> body.contains("nul-good-"))).hasSize(GOOD);
    }

    @Test
    void aContentTypeLongerThanTheInboxStoresIs431AndItsNeighboursAreStored() throws Exception {
        String longType = FORM + "; charset=UTF-8; x=" + "a".repeat(250);
        List<RawHttp.Response> bad = new ArrayList<>();
        List<Integer> good = sendTogether(List.of(
                () -> RawHttp.send("127.0.0.1", port, "POST", "/callbacks/netverify", longType,
                        callback("long-type").getBytes(StandardCharsets.UTF_8), VIA_PROXY_JUMIO)), bad, "long");

        assertThat(good).as("good neighbours").hasSize(GOOD).containsOnly(200);
        assertThat(bad.get(0).status()).isEqualTo(431);
        assertThat(bad.get(0).headers().get("content-type")).startsWith("application/json");
        assertThat(readJson(bad.get(0).body()).path("error").asText()).isEqualTo("header-too-large");
        assertThat(storedBodies()).hasSize(GOOD).noneMatch(body -> body.contains("long-type"));
    }

    /**
     * The writer itself, past the edge: one batch holding rows the database refuses (too long for the column; NUL
     * in text, which PostgreSQL refuses and H2 keeps) is retried row by row. Every good row is committed, a refused
     * row is answered 422 on its own, none gets 503, and intake is not reported as unable to store.
     */
    @Test
    void aBatchTheDatabaseRefusesIsRetriedRowByRow() {
        List<InboxWriter.Pending> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batch.add(row("batch-good-" + i, FORM));
            if (i == 3) {
                batch.add(row("batch-too-long", FORM + "; x=" + "a".repeat(300)));
            }
            if (i == 6) {
                batch.add(row("batch-nul", FORM + "; x=a\u0000b"));
            }
        }

        writer.commit(batch);

        List<String> bodies = storedBodies();
        assertThat(bodies.stream().filter(body -> body.contains("batch-good-"))).hasSize(10);
        assertThat(bodies).noneMatch(body -> body.contains("batch-too-long"));
        for (InboxWriter.Pending pending : batch) {
            assertThat(pending.committed()).isDone();
            String body = new String((byte[]) pending.row()[3], StandardCharsets.UTF_8);
            if (body.contains("batch-good-")) {
                assertThat(pending.committed()).as(body).isCompleted();
            } else if (!pending.committed().isCompletedExceptionally()) {
                assertThat(body).as("only NUL in text may be stored (H2 keeps it)").contains("batch-nul");
                assertThat(bodies).anyMatch(stored -> stored.contains("batch-nul"));
            } else {
                assertThatRefused422(pending);
            }
        }
        assertThat(writer.failure()).as("a refused row is the caller's, not an outage").isNull();
    }

    private static void assertThatRefused422(InboxWriter.Pending pending) {
        try {
            pending.committed().get();
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(CallbackRefusedException.class);
            assertThat(((CallbackRefusedException) e.getCause()).getStatus()).isEqualTo(422);
            return;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        throw new AssertionError("expected a refusal");
    }

    private static InboxWriter.Pending row(String reference, String contentType) {
        return new InboxWriter.Pending(new Object[] {"NETVERIFY", JUMIO_US, contentType,
                callback(reference).getBytes(StandardCharsets.UTF_8), null, Timestamp.from(Instant.now())});
    }

    /**
     * Sends GOOD good callbacks and the bad requests at the same moment (so they share group commits); returns the
     * good ones' statuses and adds the bad ones' responses, in order, to {@code bad}.
     */
    private List<Integer> sendTogether(List<Callable<RawHttp.Response>> badRequests, List<RawHttp.Response> bad,
                                       String prefix) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(GOOD + badRequests.size());
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Integer>> good = new ArrayList<>();
            List<Future<RawHttp.Response>> refused = new ArrayList<>();
            for (int i = 0; i < GOOD; i++) {
                String reference = prefix + "-good-" + i;
                good.add(pool.submit(() -> {
                    go.await();
                    return postFromJumio("/callbacks/netverify", callback(reference), FORM).statusCode();
                }));
                if (i == GOOD / 2) {
                    for (Callable<RawHttp.Response> request : badRequests) {
                        refused.add(pool.submit(() -> {
                            go.await();
                            return request.call();
                        }));
                    }
                }
            }
            go.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> future : good) {
                statuses.add(future.get(60, TimeUnit.SECONDS));
            }
            for (Future<RawHttp.Response> future : refused) {
                bad.add(future.get(60, TimeUnit.SECONDS));
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }
}
