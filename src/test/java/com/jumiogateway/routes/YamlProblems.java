package com.jumiogateway.routes;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Schema problems of a route file as a person reads them: file, line and column, where in the route (route > from >
 * steps[2] > to), and the schema's message. The Camel YAML DSL schema describes each step as one of many processors,
 * so one mistake yields a message per processor it is not; only the messages at the deepest place of the file are
 * kept (that is where the mistake is), the rest are their echoes higher up, except places with a concrete mistake of
 * their own (an unknown or a missing key).
 */
final class YamlProblems {

    private static final int MAX_PLACES = 3;
    private static final java.util.regex.Pattern UNKNOWN_KEY = java.util.regex.Pattern.compile("property '([^']+)' is not defined");
    private static final int MAX_MESSAGES_PER_PLACE = 4;

    private YamlProblems() {
    }

    static String describe(Path file, Set<ValidationMessage> problems) throws IOException {
        Map<String, JsonLocation> locations = locations(file);
        List<ValidationMessage> deepest = new ArrayList<>();
        for (ValidationMessage problem : problems) {
            JsonNodePath at = problem.getInstanceLocation();
            boolean echo = problems.stream().anyMatch(other -> other.getInstanceLocation().getNameCount() > at.getNameCount()
                    && other.getInstanceLocation().startsWith(at));
            boolean concrete = problems.stream().anyMatch(other -> other.getInstanceLocation().equals(at) && rank(text(other)) < 2);
            if (!echo || concrete) {
                deepest.add(problem);
            }
        }
        Map<String, Set<String>> byPlace = new LinkedHashMap<>();
        deepest.stream().sorted((a, b) -> a.getInstanceLocation().compareTo(b.getInstanceLocation()))
                .forEach(p -> byPlace.computeIfAbsent(key(p.getInstanceLocation()), k -> new LinkedHashSet<>()).add(text(p)));
        StringBuilder out = new StringBuilder();
        out.append(file).append(" does not match the Camel YAML DSL schema (schema/camelYamlDsl.json in camel-yaml-dsl):");
        int places = 0;
        for (Map.Entry<String, Set<String>> place : byPlace.entrySet()) {
            if (places++ == MAX_PLACES) {
                out.append("\n  ... and ").append(byPlace.size() - MAX_PLACES).append(" more place(s)");
                break;
            }
            // an unknown key is shown at its own line
            JsonLocation location = place.getValue().stream().map(UNKNOWN_KEY::matcher).filter(java.util.regex.Matcher::find)
                    .map(m -> locations.get(place.getKey() + "." + m.group(1))).filter(java.util.Objects::nonNull)
                    .findFirst().orElse(locations.get(place.getKey()));
            out.append("\n  ").append(file);
            if (location != null) {
                out.append(':').append(location.getLineNr()).append(':').append(location.getColumnNr());
            }
            out.append(" at ").append(readable(place.getKey())).append(':');
            List<String> messages = new ArrayList<>(place.getValue());
            messages.sort((a, b) -> Integer.compare(rank(a), rank(b)));
            for (int i = 0; i < messages.size() && i < MAX_MESSAGES_PER_PLACE; i++) {
                out.append("\n      ").append(messages.get(i));
            }
            if (messages.size() > MAX_MESSAGES_PER_PLACE) {
                out.append("\n      (").append(messages.size() - MAX_MESSAGES_PER_PLACE).append(" more alternatives the schema tried)");
            }
        }
        return out.toString();
    }

    /** An unknown key is the usual mistake (a typo): its message first, then missing keys, then the rest. */
    private static int rank(String message) {
        if (message.contains("is not defined in the schema")) {
            return 0;
        }
        return message.contains("required property") ? 1 : 2;
    }

    /** The schema's message without the JSON path it starts with (the place is printed once, readably). */
    private static String text(ValidationMessage problem) {
        String message = problem.getMessage();
        String path = problem.getInstanceLocation().toString();
        return message.startsWith(path + ": ") ? message.substring(path.length() + 2) : message;
    }

    private static String key(JsonNodePath path) {
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            Object element = path.getElement(i);
            key.append(element instanceof Integer index ? "[" + index + "]" : "." + element);
        }
        return key.toString();
    }

    /** ".route.from.steps[2].to" of the first document item "[0]" as "route > from > steps[2] > to" (item 1). */
    private static String readable(String key) {
        String text = key.replaceFirst("^\\[(\\d+)]", "");
        String item = key.startsWith("[") ? key.substring(1, key.indexOf(']')) : null;
        String place = text.isEmpty() ? "the top" : text.substring(1).replace(".", " > ").replace("[", " [").replace(" [", "[");
        return item == null ? place : place + " (item " + (Integer.parseInt(item) + 1) + " of the file)";
    }

    /** Where each key and list item of the file starts (its key's line for a mapping value). */
    private static Map<String, JsonLocation> locations(Path file) throws IOException {
        Map<String, JsonLocation> locations = new HashMap<>();
        try (JsonParser parser = new YAMLFactory().createParser(file.toFile())) {
            if (parser.nextToken() != null) {
                walk(parser, "", locations);
            }
        }
        return locations;
    }

    private static void walk(JsonParser parser, String path, Map<String, JsonLocation> locations) throws IOException {
        locations.putIfAbsent(path, parser.currentTokenLocation());
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String child = path + "." + parser.currentName();
                locations.put(child, parser.currentTokenLocation());
                parser.nextToken();
                walk(parser, child, locations);
            }
        } else if (token == JsonToken.START_ARRAY) {
            int index = 0;
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                walk(parser, path + "[" + index++ + "]", locations);
            }
        }
    }
}
