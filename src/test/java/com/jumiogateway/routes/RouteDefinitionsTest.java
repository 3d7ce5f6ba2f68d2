package com.jumiogateway.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.jumiogateway.support.GatewayTestSupport;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Every file in routes/ is valid Camel YAML DSL, and the service starts with all of them. The file checks need no
 * running service (a broken file stops the service from starting, and then it is the schema's message a person
 * needs: file, line and what is wrong); the start-up check runs in {@link ServiceStarts}.
 */
class RouteDefinitionsTest {

    private static final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

    /** The schema shipped in camel-yaml-dsl, read once: it is large, and reading it per file cost 1.5 s each. */
    private static JsonSchema schema;

    private static synchronized JsonSchema camelYamlDslSchema() throws IOException {
        if (schema == null) {
            try (InputStream in = CamelContext.class.getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
                assertThat(in).as("schema shipped in camel-yaml-dsl").isNotNull();
                schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
            }
        }
        return schema;
    }

    static Stream<Path> routeFiles() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(Path.of("routes"))) {
            files = listing.filter(p -> p.toString().endsWith(".camel.yaml")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        return files.stream();
    }

    @ParameterizedTest
    @MethodSource("routeFiles")
    void routeFileMatchesTheCamelYamlDslSchema(Path file) throws IOException {
        JsonNode routes = readYaml(file);

        Set<ValidationMessage> problems = camelYamlDslSchema().validate(routes);

        if (!problems.isEmpty()) {
            fail(YamlProblems.describe(file, problems));
        }
    }

    /** The file as a tree; a file that is not YAML at all fails with its line and column. */
    private static JsonNode readYaml(Path file) throws IOException {
        try {
            return yaml.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
            fail(file + (at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr()) + ": not valid YAML: "
                    + e.getOriginalMessage());
            throw e;
        }
    }

    @ParameterizedTest
    @MethodSource("routeFiles")
    void errorHandlingIsDecidedOnlyInErrorHandlingCamelYaml(Path file) throws IOException {
        JsonNode definitions = readYaml(file);
        boolean errorHandlingFile = file.getFileName().toString().equals("error-handling.camel.yaml");
        for (JsonNode definition : definitions) {
            if (errorHandlingFile) {
                assertThat(definition.has("routeConfiguration")).as(file + ": only route configurations").isTrue();
            } else {
                assertThat(definition.has("routeConfiguration")).as(file + ": route configurations belong in"
                        + " error-handling.camel.yaml").isFalse();
                assertThat(definition.toString()).as(file + ": errors are handled by the route configurations,"
                        + " not inside a route").doesNotContain("\"doTry\"").doesNotContain("\"onException\"");
            }
        }
    }

    /** The service itself, started with every file of routes/. */
    @Nested
    class ServiceStarts extends GatewayTestSupport {

        @Autowired
        CamelContext camel;

        @Test
        void serviceStartsWithEveryRouteFromDiskAndEachRouteHasAnId() throws IOException {
            List<String> declared = new ArrayList<>();
            List<String> templates = new ArrayList<>();
            List<String> templateUses = new ArrayList<>();
            try (Stream<Path> files = routeFiles()) {
                for (Path f : files.toList()) {
                    for (JsonNode definition : yaml.readTree(f.toFile())) {
                        if (definition.has("route")) {
                            declared.add(definition.path("route").path("id").asText(""));
                        }
                        // a templated route names its own routeId: without one Camel would invent "route1"
                        if (definition.has("templatedRoute")) {
                            declared.add(definition.path("templatedRoute").path("routeId").asText(""));
                            templateUses.add(definition.path("templatedRoute").path("routeTemplateRef").asText());
                        }
                        if (definition.has("routeTemplate")) {
                            templates.add(definition.path("routeTemplate").path("id").asText());
                        }
                    }
                }
            }

            assertThat(declared).as("every route and templated route has an id").doesNotContain("").isNotEmpty()
                    .doesNotHaveDuplicates();
            assertThat(templates).as("every route template is used").allMatch(templateUses::contains);
            assertThat(camel.getRoutes()).extracting(Route::getRouteId).containsAll(declared);
            assertThat(camel.getRoutes()).allSatisfy(r -> assertThat(camel.getRouteController().getRouteStatus(r.getRouteId()).isStarted())
                    .as(r.getRouteId() + " started").isTrue());
        }
    }
}
