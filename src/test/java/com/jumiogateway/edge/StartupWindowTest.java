package com.jumiogateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.jumiogateway.support.GatewayInstance;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.RawHttp;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Between the moment the port opens and the moment every route is started, a callback is answered 503 with
 * Retry-After (Jumio or a proxy may retry), never 404 (which says "no such endpoint"). The window is widened here
 * by holding Camel's start for two seconds.
 */
class StartupWindowTest {

    /** Holds Camel's start, as a slow start-up would (many routes, a slow disk). */
    @TestConfiguration
    static class SlowCamelStart {
        @Bean
        CamelContextConfiguration slowStart() {
            return new CamelContextConfiguration() {
                @Override
                public void beforeApplicationStart(CamelContext camelContext) {
                    try {
                        // a deliberately slow start-up: there is nothing to wait for but time
                        Thread.sleep(2000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }

                @Override
                public void afterApplicationStart(CamelContext camelContext) {
                }
            };
        }
    }

    /**
     * A port the client's own ephemeral ports cannot take: connecting to a closed port in the ephemeral range can
     * connect a socket to itself (TCP simultaneous open), and then the service cannot bind it.
     */
    private static int freePortBelowTheEphemeralRange() throws IOException {
        for (int candidate = 20000 + (int) (ProcessHandle.current().pid() % 5000); ; candidate++) {
            try (ServerSocket free = new ServerSocket(candidate)) {
                return free.getLocalPort();
            } catch (IOException taken) {
                if (candidate > 32000) {
                    throw taken;
                }
            }
        }
    }

    @Test
    void callbacksAre503WithRetryAfterUntilTheRoutesAreStartedNever404() throws Exception {
        int port = freePortBelowTheEphemeralRange();
        String database = GatewayInstance.sharedDatabaseUrl("startup-window");
        CompletableFuture<GatewayInstance> starting = CompletableFuture.supplyAsync(() -> GatewayInstance.startWithProfile(
                "test", Map.of("server.port", port, "spring.datasource.url", database), SlowCamelStart.class));
        List<RawHttp.Response> answers = new ArrayList<>();
        // answers already in when the start was seen complete: the bound below counts only the ones after it (a fast
        // machine answers more than 2,000 requests 503 during the start-up window itself)
        int answersAtStart = -1;
        try {
            while (!starting.isDone() || answers.isEmpty() || answers.get(answers.size() - 1).status() != 200) {
                if (answersAtStart < 0 && starting.isDone()) {
                    answersAtStart = answers.size();
                }
                try {
                    answers.add(RawHttp.send("127.0.0.1", port, "POST", "/callbacks/netverify", GatewayTestSupport.FORM,
                            "jumioIdScanReference=startup-window".getBytes(StandardCharsets.UTF_8),
                            Map.of("X-Forwarded-For", GatewayTestSupport.JUMIO_US)));
                } catch (IOException portNotOpenYet) {
                    // before the port opens: nothing listens, which is fine
                    assertThat(starting.isCompletedExceptionally()).as("the instance failed to start").isFalse();
                }
                if (answersAtStart >= 0 && answers.size() - answersAtStart > 2000) {
                    break;
                }
            }
        } finally {
            starting.get(60, TimeUnit.SECONDS).close();
        }

        List<Integer> statuses = answers.stream().map(RawHttp.Response::status).toList();
        assertThat(statuses).as("never 404").doesNotContain(404);
        assertThat(statuses).as("the start-up window was seen").contains(503);
        assertThat(statuses).containsOnly(503, 200);
        assertThat(statuses.get(statuses.size() - 1)).isEqualTo(200);
        RawHttp.Response starting503 = answers.get(statuses.indexOf(503));
        assertThat(starting503.headers()).containsKey("retry-after");
        assertThat(starting503.headers().get("content-type")).startsWith("application/json");
    }
}
