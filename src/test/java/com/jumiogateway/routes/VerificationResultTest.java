package com.jumiogateway.routes;

import static com.jumiogateway.support.JumioFake.apiPostJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.OwnContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * routes/verification-result.camel.yaml as the integration team may edit it: the service runs on a copy of routes/
 * whose {@code targets} list has been cut down to one log target of the team's own. The gateway's own steps (fraud
 * alert rules, resolving the pending transaction) must still run: they are not part of the team's list.
 */
@OwnContext
class VerificationResultTest extends GatewayTestSupport {

    static final String SEED_REF = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    static final String TEAM_TARGET = "team-only-target";
    static final Path EDITED_ROUTES = copyOfRoutesWithTargetsEditedDown();

    @DynamicPropertySource
    static void editedRoutes(DynamicPropertyRegistry registry) {
        registry.add("camel.main.routes-include-pattern", () -> "file:" + EDITED_ROUTES + "/*.camel.yaml");
    }

    @Autowired
    CamelContext camel;

    /** routes/ copied to a temporary directory; every step under "targets" replaced by one log target. */
    private static Path copyOfRoutesWithTargetsEditedDown() {
        try {
            Path copy = Files.createTempDirectory("edited-routes");
            // deleted at exit in reverse order of registration: the files, then the directory
            copy.toFile().deleteOnExit();
            try (Stream<Path> files = Files.list(Path.of("routes"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                    Files.copy(file, copy.resolve(file.getFileName()));
                    copy.resolve(file.getFileName()).toFile().deleteOnExit();
                }
            }
            Path fanOut = copy.resolve("verification-result.camel.yaml");
            Files.write(fanOut, withTargetsReplaced(Files.readAllLines(fanOut, StandardCharsets.UTF_8)),
                    StandardCharsets.UTF_8);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of the multicast with id "targets" whose steps list is replaced by the team's single target. */
    static List<String> withTargetsReplaced(List<String> lines) {
        int targets = -1;
        for (int i = 0; i < lines.size() && targets < 0; i++) {
            if (lines.get(i).trim().equals("id: targets")) {
                targets = i;
            }
        }
        assertThat(targets).as("a step with id targets").isNotNegative();
        int steps = targets + 1;
        while (!lines.get(steps).trim().equals("steps:")) {
            steps++;
        }
        int indent = indentation(lines.get(steps));
        int end = steps + 1;
        while (end < lines.size() && (lines.get(end).isBlank() || indentation(lines.get(end)) > indent)) {
            end++;
        }
        String pad = " ".repeat(indent + 2);
        List<String> edited = new ArrayList<>(lines.subList(0, steps + 1));
        edited.add(pad + "- to:");
        edited.add(pad + "    id: " + TEAM_TARGET);
        edited.add(pad + "    uri: log:team-target?level=DEBUG");
        edited.addAll(lines.subList(end, lines.size()));
        return edited;
    }

    private static int indentation(String line) {
        return line.length() - line.stripLeading().length();
    }

    private String pendingState(String scanReference) {
        return jdbc.queryForObject("SELECT state FROM pending_transaction WHERE scan_reference = ?", String.class,
                scanReference);
    }

    @Test
    void editingTheTeamsTargetsStillResolvesPendingTransactionsAndQueuesFraudAlerts() throws IOException {
        String edited = Files.readString(EDITED_ROUTES.resolve("verification-result.camel.yaml"));
        assertThat(edited).contains(TEAM_TARGET).doesNotContain("audit-log-target");
        assertThat(camel.getProcessor(TEAM_TARGET)).as("the service runs the edited copy").isNotNull();
        // registered as initiated now: overdue in 45 minutes, so only the callback can resolve it
        HttpResponse<String> registered = send(apiPostJson(url("/api/transactions/pending"), "{\"scanReference\":\""
                + SEED_REF + "\",\"kind\":\"NETVERIFY\",\"dataCenter\":\"US\",\"initiatedAt\":\"" + Instant.now()
                + "\",\"tokenLifetimeMinutes\":30}"));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        assertThat(pendingState(SEED_REF)).isEqualTo("PENDING");

        assertThat(postFromJumio("/callbacks/netverify", fixture("netverify/denied-fraud.txt"), FORM).statusCode())
                .isEqualTo(200);

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> "RESOLVED".equals(pendingState(SEED_REF)));
        assertThat(jdbc.queryForObject("SELECT resolution_source FROM pending_transaction WHERE scan_reference = ?",
                String.class, SEED_REF)).isEqualTo("CALLBACK");
        assertThat(jdbc.queryForList("SELECT rule FROM alert_outbox WHERE scan_reference = ?", String.class, SEED_REF))
                .containsExactly("netverify-denied-fraud");
    }
}
