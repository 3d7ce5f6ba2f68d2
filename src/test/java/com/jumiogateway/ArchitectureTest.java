package com.jumiogateway;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.FluentProducerTemplate;
import org.apache.camel.Produce;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.ProxyBuilder;
import org.junit.jupiter.api.Test;

/**
 * The shape of the Java code: the packages form a hierarchy (no cycles), routes call beans and not the other way round
 * (except the documented direct: endpoints), and the model depends on nothing else of ours.
 */
class ArchitectureTest {

    private static final String ROOT = "com.jumiogateway";
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    /** Camel's ways for Java to send to (or read from) an endpoint by its URI. */
    private static final DescribedPredicate<JavaClass> CALLS_ROUTES = assignableTo(ProducerTemplate.class)
            .or(assignableTo(FluentProducerTemplate.class))
            .or(assignableTo(ConsumerTemplate.class))
            .or(assignableTo(Produce.class))
            .or(assignableTo(ProxyBuilder.class))
            .as("Camel's ProducerTemplate, FluentProducerTemplate, ConsumerTemplate, @Produce or ProxyBuilder");

    /** A row of the README table "Routes called from Java": | `com.jumiogateway.x.Class` | `direct:endpoint` | */
    private static final Pattern DOCUMENTED_CALL = Pattern.compile("^\\|\\s*`(" + Pattern.quote(ROOT)
            + "\\.[\\w.]+)`\\s*\\|\\s*`([^`]+)`\\s*\\|");

    @Test
    void topLevelPackagesHaveNoCycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void theModelDependsOnNothingElseOfOurs() {
        noClasses().that().resideInAPackage(ROOT + ".result..")
                .should().dependOnClassesThat(resideInAPackage(ROOT + "..").and(not(resideInAPackage(ROOT + ".result.."))))
                .check(MAIN);
    }

    @Test
    void onlyTheDocumentedClassesCallRoutes() throws IOException {
        Map<String, String> documented = documentedRouteCalls();

        noClasses().that(not(nameIn(documented.keySet())))
                .should().dependOnClassesThat(CALLS_ROUTES)
                .because("routes call beans; a bean that calls a route is listed in README.md, \"Routes called from Java\"")
                .check(MAIN);

        // no stale entry: each listed class exists, still calls a route, and names a direct: endpoint a route consumes
        Set<String> routeInputs = routeInputs();
        documented.forEach((className, endpoint) -> {
            assertThat(MAIN.contain(className)).as("README lists %s, which does not exist", className).isTrue();
            assertThat(MAIN.get(className).getDirectDependenciesFromSelf())
                    .as("README lists %s as calling a route, but it does not", className)
                    .anyMatch(dependency -> CALLS_ROUTES.test(dependency.getTargetClass()));
            assertThat(endpoint).as("the endpoint README lists for %s", className).startsWith("direct:");
            assertThat(routeInputs).as("routes/ consume the endpoint README lists for %s", className).contains(endpoint);
        });
    }

    private static DescribedPredicate<JavaClass> nameIn(Set<String> names) {
        return DescribedPredicate.describe("are listed in README.md \"Routes called from Java\" " + names,
                javaClass -> names.contains(javaClass.getName()));
    }

    /** The classes listed in README.md under "Routes called from Java", each with the endpoint it calls. */
    static Map<String, String> documentedRouteCalls() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        int start = lines.indexOf("### Routes called from Java");
        assertThat(start).as("README.md has a section \"### Routes called from Java\"").isNotNegative();
        Map<String, String> calls = new TreeMap<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("#")) {
                break;
            }
            Matcher row = DOCUMENTED_CALL.matcher(line);
            if (row.find()) {
                calls.put(row.group(1), row.group(2));
            }
        }
        return calls;
    }

    /** Every direct: endpoint a route in routes/ consumes ({@code from:} then {@code uri: direct:name}). */
    private static Set<String> routeInputs() throws IOException {
        Pattern uri = Pattern.compile("from:\\s*\\n\\s*uri:\\s*\"?(direct:[\\w-]+)");
        Set<String> inputs = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                Matcher matcher = uri.matcher(Files.readString(file));
                inputs.addAll(matcher.results().map(m -> m.group(1)).collect(Collectors.toSet()));
            }
        }
        return inputs;
    }
}
