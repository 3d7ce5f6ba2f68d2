package com.jumiogateway.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jumiogateway.support.GatewayInstance;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's quick start, as written: the dev profile, its curl callback from this machine, then the API read. */
class QuickStartTest {

    @Test
    void readmeCurlExampleIsStoredAndReadableThroughTheApi() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher data = Pattern.compile("--data '([^']+)'").matcher(readme);
        Matcher read = Pattern.compile("curl -u \"(\\w+):\\$GATEWAY_API_PASSWORD\" http://localhost:8080(/api/verifications/[\\w-]+)")
                .matcher(readme);
        assertThat(readme).contains("export GATEWAY_API_PASSWORD=", "./mvnw spring-boot:run -Dspring-boot.run.profiles=dev",
                "./mvnw test");
        assertThat(data.find()).as("README has a curl callback example").isTrue();
        assertThat(read.find()).as("README reads the result back").isTrue();

        // only the database differs from the README: the test must not write into ./data
        // the password the README has the reader export (a random one: the dev profile has none built in)
        String password = java.util.UUID.randomUUID().toString();
        try (GatewayInstance dev = GatewayInstance.startWithProfile("dev",
                Map.of("spring.datasource.url", GatewayInstance.databaseUrl("quickstart"), "gateway.api.password", password))) {
            dev.jdbc().update("DELETE FROM verification_result");
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> posted = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + dev.port() + "/callbacks/netverify"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(data.group(1))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).isEqualTo(200);
            assertThat(posted.body()).isEqualTo("{\"status\":\"received\"}");

            HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dev.port() + read.group(2)))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (read.group(1) + ":" + password).getBytes())).GET().build();
            await().atMost(Duration.ofSeconds(20)).until(() -> http.send(get, HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
            JsonNode result = new ObjectMapper().readTree(http.send(get, HttpResponse.BodyHandlers.ofString()).body());
            assertThat(result.path("decision").asText()).isEqualTo("APPROVED");
            assertThat(result.path("countryName").asText()).isEqualTo("Austria");
            assertThat(result.path("secondsToResult").asLong()).isEqualTo(192);
        }
    }
}
