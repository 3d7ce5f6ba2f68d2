package com.jumiogateway.durability;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.JumioFake;
import com.jumiogateway.support.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A stop (SIGTERM) while requests are let in but not yet answered: each is answered by its route, as if no stop had
 * come, and a callback answered 200 is stored. The only thread that runs routes is held here by a slow call to Jumio,
 * so a callback let in meanwhile waits for it, queued, when the stop begins: it has passed the edge, but its route
 * has not seen it yet.
 */
class GracefulStopTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void requestsLetInBeforeTheStopAreAnsweredByTheirRoutesAndTheCallbackIsStored() throws Exception {
        String reference = UUID.randomUUID().toString();
        Path workDir = Files.createDirectories(Path.of("target/graceful-stop/run-" + System.nanoTime()).toAbsolutePath());
        JumioFake jumio = new JumioFake();
        try {
            // Jumio takes three seconds to refuse an initiation: the route thread waits that long, and nothing is
            // registered (the database may be a PostgreSQL schema other tests share)
            jumio.server.stubFor(post(urlEqualTo("/api/v4/initiate"))
                    .willReturn(JumioFake.json(400, "{\"message\":\"missing field\"}").withFixedDelay(3000)));
            Map<String, String> settings = new HashMap<>();
            jumio.settings().forEach((name, value) -> settings.put(name, value.toString()));
            // one thread runs every platform-http route
            settings.put("spring.task.execution.pool.core-size", "1");
            List<String> acknowledged = new ArrayList<>();
            try (ServiceProcess service = ServiceProcess.start(workDir, "service.log", settings)) {
                service.awaitReady();
                CompletableFuture<HttpResponse<String>> initiation = http.sendAsync(api(service, "/api/transactions")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"customerInternalReference\":\"c\",\"userReference\":\"u\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> jumio.server
                        .getAllServeEvents().stream().anyMatch(e -> e.getRequest().getUrl().equals("/api/v4/initiate")));
                // the route thread now waits for Jumio; the callback is let in and queued behind it
                CompletableFuture<HttpResponse<String>> callback = http.sendAsync(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + service.port() + "/callbacks/netverify"))
                        .header("Content-Type", GatewayTestSupport.FORM).header("X-Forwarded-For", GatewayTestSupport.JUMIO_US)
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(CrashRecoveryTest.callback(reference))).build(),
                        HttpResponse.BodyHandlers.ofString());
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() ->
                        callbacksInFlight(service) == 1);
                assertThat(initiation).as("Jumio still answering").isNotDone();

                service.terminate();
                // more callbacks, one at a time, until the callback let in is answered and one more is refused
                List<Integer> later = new ArrayList<>();
                while (!callback.isDone() || later.isEmpty() || later.get(later.size() - 1) == 200) {
                    String another = UUID.randomUUID().toString();
                    int status = service.postCallbackOrMinusOne(CrashRecoveryTest.callback(another));
                    later.add(status);
                    if (status == 200) {
                        acknowledged.add(another);
                    }
                }
                HttpResponse<String> callbackAnswer = callback.get(30, TimeUnit.SECONDS);
                HttpResponse<String> initiationAnswer = initiation.get(30, TimeUnit.SECONDS);
                int exit = service.awaitExit(Duration.ofSeconds(60));
                System.out.printf("callback %d %s; initiation %d; callbacks sent after SIGTERM: %s; exit %d%n",
                        callbackAnswer.statusCode(), callbackAnswer.body(), initiationAnswer.statusCode(), later, exit);

                assertThat(callbackAnswer.statusCode()).as(callbackAnswer.body()).isEqualTo(200);
                acknowledged.add(reference);
                // the route's own answer to Jumio's refusal, not the stop's
                assertThat(initiationAnswer.statusCode()).as(initiationAnswer.body()).isEqualTo(422);
                assertThat(json.readTree(initiationAnswer.body()).path("error").asText()).isEqualTo("jumio-rejected-request");
                // one sent before the JVM began its stop is still let in; from the first refusal on, all are refused
                int letInLater = (int) later.stream().takeWhile(status -> status == 200).count();
                assertThat(later.subList(letInLater, later.size()))
                        .as("callbacks sent after SIGTERM: 200 until the stop began, then 503 or a closed port")
                        .isNotEmpty().isSubsetOf(503, -1);
                assertThat(exit).as("a graceful exit after SIGTERM (128 + 15)").isEqualTo(143);
            }
            // stored: a second instance on the same database (./data of the work directory, or GATEWAY_DB_URL)
            // finds every callback answered 200 and turns it into a result
            try (ServiceProcess second = ServiceProcess.start(workDir, "second.log", settings)) {
                second.awaitReady();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> acknowledged
                        .stream().allMatch(stored -> second.apiStatus("/api/verifications/" + stored) == 200));
            }
        } finally {
            jumio.stop();
        }
    }

    private HttpRequest.Builder api(ServiceProcess service, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (ServiceProcess.API_USER + ":" + ServiceProcess.API_PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(30));
    }

    private int callbacksInFlight(ServiceProcess service) throws Exception {
        HttpResponse<String> metric = http.send(api(service, "/actuator/metrics/gateway.callbacks.in-flight").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metric.statusCode()).as(metric.body()).isEqualTo(200);
        JsonNode measurements = json.readTree(metric.body()).path("measurements");
        return (int) measurements.path(0).path("value").asDouble();
    }
}
