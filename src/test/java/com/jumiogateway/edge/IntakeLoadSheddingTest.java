package com.jumiogateway.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jumiogateway.intake.CallbackEdge;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.OwnContext;
import com.jumiogateway.support.RawHttp;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * Load shedding at the edge (gateway.intake.max-in-flight): over the limit of callbacks under way, one more is
 * answered 503 with Retry-After at once, before its body is read, and nothing of it is stored; the callbacks under
 * way are not disturbed, and the count returns to zero however each request ended.
 */
@TestPropertySource(properties = {"gateway.intake.max-in-flight=2", "gateway.intake.body-read-timeout=20s"})
@OwnContext
class IntakeLoadSheddingTest extends GatewayTestSupport {

    @Autowired
    private CallbackEdge edge;

    private static String callback(String reference) {
        return "jumioIdScanReference=" + reference + "&verificationStatus=APPROVED_VERIFIED";
    }

    @Test
    void overTheLimitACallbackIs503AtOnceAndTheOnesUnderWayAreStored() throws Exception {
        double shedBefore = metric("gateway.callbacks.refused", "reason=\"overloaded\"");
        // two callbacks under way: their heads and half their bodies sent, the rest held back
        List<String> slowRefs = List.of("5c3e3c1e-0000-4000-8000-0000000000c1", "5c3e3c1e-0000-4000-8000-0000000000c2");
        List<Socket> sockets = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        for (String ref : slowRefs) {
            byte[] body = callback(ref).getBytes(StandardCharsets.UTF_8);
            Socket socket = RawHttp.connect("127.0.0.1", port);
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(RawHttp.head("POST", "/callbacks/netverify", port, FORM, Map.of("X-Forwarded-For", JUMIO_US),
                    body.length));
            out.write(body, 0, body.length / 2);
            out.flush();
            sockets.add(socket);
            bodies.add(body);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> edge.inFlight() == 2);

        // a third is answered at once, without its body being read, and is not stored
        String shedRef = "5c3e3c1e-0000-4000-8000-0000000000c3";
        long start = System.nanoTime();
        HttpResponse<String> shed = postFromJumio("/callbacks/netverify", callback(shedRef), FORM);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(shed.statusCode()).isEqualTo(503);
        assertThat(shed.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(shed.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(readJson(shed.body()).path("error").asText()).isEqualTo("overloaded");
        assertThat(took).as("not queued behind the callbacks under way").isLessThan(Duration.ofSeconds(5));
        assertThat(metric("gateway.callbacks.refused", "reason=\"overloaded\"") - shedBefore).isEqualTo(1.0);

        // the two under way finish and are stored
        for (int i = 0; i < sockets.size(); i++) {
            try (Socket socket = sockets.get(i)) {
                OutputStream out = socket.getOutputStream();
                byte[] body = bodies.get(i);
                out.write(body, body.length / 2, body.length - body.length / 2);
                out.flush();
                String answer = new String(RawHttp.readResponse(socket.getInputStream()), StandardCharsets.ISO_8859_1);
                assertThat(answer).startsWith("HTTP/1.1 200");
            }
        }
        for (String ref : slowRefs) {
            assertThat(awaitResult(ref).path("scanReference").asText()).isEqualTo(ref);
        }
        assertThat(storedBodies()).as("the callback answered 503 was not stored").noneMatch(b -> b.contains(shedRef));
        // every request's count ended (the two answered by the route on another thread, the one shed at the edge)
        await().atMost(Duration.ofSeconds(5)).until(() -> edge.inFlight() == 0);

        // below the limit again: the one shed is accepted when sent again
        assertThat(postFromJumio("/callbacks/netverify", callback(shedRef), FORM).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> edge.inFlight() == 0);
    }

    @Test
    void aCallerThatGoesAwayMidBodyNoLongerCounts() throws Exception {
        byte[] body = callback("5c3e3c1e-0000-4000-8000-0000000000c4").getBytes(StandardCharsets.UTF_8);
        try (Socket socket = RawHttp.connect("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(RawHttp.head("POST", "/callbacks/netverify", port, FORM, Map.of("X-Forwarded-For", JUMIO_US),
                    body.length));
            out.write(body, 0, body.length / 2);
            out.flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> edge.inFlight() == 1);
        }
        // the edge reads the end of the stream: nothing to answer, and the slot is free again
        await().atMost(Duration.ofSeconds(10)).until(() -> edge.inFlight() == 0);
    }
}
