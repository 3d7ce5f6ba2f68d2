package com.jumiogateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.jumiogateway.support.GatewayTestSupport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps deploy/ true: the Kubernetes manifests and the Dockerfile name the probe paths the running service answers,
 * its port, only environment variables the service reads, and take every secret setting from a Secret.
 */
class DeploymentManifestsTest extends GatewayTestSupport {

    private static final Path KUBERNETES = Path.of("deploy/kubernetes");
    private static final Path DOCKERFILE = Path.of("deploy/Dockerfile");
    private static final Path SETTINGS = Path.of("config/application.yaml");
    /** Settings whose value is a credential or key: given only through a Secret. */
    private static final Pattern SECRET_SETTING = Pattern.compile("_(PASSWORD|SECRET|SECRETS|TOKEN|TOKENS|KEYS)$");
    private static final Pattern ENVIRONMENT_VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");

    @Test
    void theProbesAnswerAnonymouslyOnThePathsTheManifestsUse() throws IOException {
        JsonNode container = container();
        List<String> paths = Stream.of("startupProbe", "livenessProbe", "readinessProbe")
                .map(probe -> container.path(probe).path("httpGet").path("path").asText())
                .toList();
        assertThat(paths).doesNotContain("").contains("/actuator/health/liveness", "/actuator/health/readiness");
        for (String path : new LinkedHashSet<>(paths)) {
            HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(url(path))).GET().build());
            assertThat(answer.statusCode()).as(path).isEqualTo(200);
            assertThat(json.readTree(answer.body()).path("status").asText()).as(path).isEqualTo("UP");
        }
    }

    @Test
    void theContainerServiceAndImageAgreeOnTheServicePort() throws IOException {
        int servicePort = Integer.parseInt(setting("GATEWAY_PORT"));
        JsonNode port = container().path("ports").get(0);
        assertThat(port.path("containerPort").asInt()).isEqualTo(servicePort);
        assertThat(manifest("Service").path("spec").path("ports").get(0).path("targetPort").asText())
                .isEqualTo(port.path("name").asText());
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertThat(container().path(probe).path("httpGet").path("port").asText()).as(probe)
                    .isEqualTo(port.path("name").asText());
        }
        assertThat(Files.readString(DOCKERFILE)).contains("EXPOSE " + servicePort);
    }

    @Test
    void everyEnvironmentVariableOfTheDeploymentIsASettingOfTheService() throws IOException {
        Set<String> settings = environmentVariablesOfTheSettings();
        for (JsonNode variable : container().path("env")) {
            assertThat(settings).as("config/application.yaml reads " + variable.path("name").asText())
                    .contains(variable.path("name").asText());
        }
    }

    @Test
    void everySecretSettingComesFromTheSecretAndNoneIsWrittenIntoTheManifest() throws IOException {
        Set<String> secretSettings = new LinkedHashSet<>();
        for (String name : environmentVariablesOfTheSettings()) {
            if (SECRET_SETTING.matcher(name).find()) {
                secretSettings.add(name);
            }
        }
        assertThat(secretSettings).contains("GATEWAY_DB_PASSWORD", "GATEWAY_API_PASSWORD");
        List<String> fromSecrets = new ArrayList<>();
        for (JsonNode variable : container().path("env")) {
            String name = variable.path("name").asText();
            if (SECRET_SETTING.matcher(name).find()) {
                assertThat(variable.has("value")).as(name + " written into the manifest").isFalse();
            }
            if (variable.path("valueFrom").has("secretKeyRef")) {
                fromSecrets.add(name);
                assertThat(variable.path("valueFrom").path("secretKeyRef").path("key").asText()).isEqualTo(name);
            }
        }
        assertThat(fromSecrets).containsExactlyInAnyOrderElementsOf(secretSettings);
    }

    @Test
    void theImageRunsAsAnUnprivilegedUserAndTheFleetSurvivesDrainsAndRollouts() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        Matcher user = Pattern.compile("(?m)^USER (\\d+)").matcher(dockerfile);
        assertThat(user.find()).as("USER in the Dockerfile").isTrue();
        assertThat(Integer.parseInt(user.group(1))).isPositive();
        assertThat(dockerfile).contains("extract --layers");

        JsonNode pod = manifest("Deployment").path("spec").path("template").path("spec");
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(container().path("lifecycle").path("preStop").isMissingNode()).isFalse();
        // the grace period covers the preStop pause and Camel's own shutdown timeout
        int camelShutdown = Integer.parseInt(Files.readAllLines(SETTINGS).stream()
                .filter(line -> line.trim().startsWith("shutdown-timeout:")).findFirst().orElseThrow()
                .replaceAll("\\D", ""));
        assertThat(pod.path("terminationGracePeriodSeconds").asInt()).isGreaterThan(camelShutdown + 5);
        assertThat(manifest("Deployment").path("spec").path("strategy").path("rollingUpdate").path("maxUnavailable").asInt())
                .isZero();
        assertThat(manifest("PodDisruptionBudget").path("spec").path("minAvailable").asInt()).isPositive();
        assertThat(manifest("HorizontalPodAutoscaler").path("spec").path("scaleTargetRef").path("name").asText())
                .isEqualTo(manifest("Deployment").path("metadata").path("name").asText());
    }

    @Test
    void theImageStartsWithTheAotCacheItsTrainingStartWroteOnTheJdkThatMadeIt() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        // every stage on one Java feature version, and one that has the AOT cache (JEP 483/514: Java 25)
        Matcher from = Pattern.compile("(?m)^FROM eclipse-temurin:(\\d+)-jre").matcher(dockerfile);
        Set<Integer> versions = new LinkedHashSet<>();
        while (from.find()) {
            versions.add(Integer.parseInt(from.group(1)));
        }
        assertThat(versions).hasSize(1);
        assertThat(versions.iterator().next()).isGreaterThanOrEqualTo(25);
        Matcher written = Pattern.compile("-XX:AOTCacheOutput=(\\S+)").matcher(dockerfile);
        Matcher used = Pattern.compile("(?m)^ENTRYPOINT \\[\"java\", \"-XX:AOTCache=([^\"]+)\"").matcher(dockerfile);
        assertThat(written.find()).as("training start writing the cache").isTrue();
        assertThat(used.find()).as("ENTRYPOINT starting with the cache").isTrue();
        assertThat(used.group(1)).isEqualTo(written.group(1));
        // the cache is refused when the flags differ: training and start both take them from JAVA_TOOL_OPTIONS only
        assertThat(dockerfile).containsOnlyOnce("ENV JAVA_TOOL_OPTIONS=");
        assertThat(dockerfile.substring(dockerfile.indexOf("ENV JAVA_TOOL_OPTIONS="))).contains("-XX:AOTCacheOutput=");
    }

    private static JsonNode container() throws IOException {
        JsonNode containers = manifest("Deployment").path("spec").path("template").path("spec").path("containers");
        assertThat(containers.size()).isEqualTo(1);
        return containers.get(0);
    }

    private static JsonNode manifest(String kind) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (Stream<Path> files = Files.list(KUBERNETES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                JsonNode document = yaml.readTree(file.toFile());
                if (kind.equals(document.path("kind").asText())) {
                    return document;
                }
            }
        }
        throw new AssertionError("no " + kind + " under " + KUBERNETES);
    }

    private static Set<String> environmentVariablesOfTheSettings() throws IOException {
        Set<String> names = new LinkedHashSet<>();
        Matcher matcher = ENVIRONMENT_VARIABLE.matcher(Files.readString(SETTINGS));
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    private static String setting(String environmentVariable) throws IOException {
        Matcher matcher = Pattern.compile("\\$\\{" + environmentVariable + ":([^}]*)}").matcher(Files.readString(SETTINGS));
        assertThat(matcher.find()).as(environmentVariable).isTrue();
        return matcher.group(1);
    }
}
