package com.jumiogateway.form;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Reading Jumio's values the same way in every parser, mapper and enricher: its quirks are shared. */
public final class JumioValues {

    private static final String NOT_AVAILABLE = "N/A";

    private JumioValues() {
    }

    /** Blank and "N/A" mean "not available": null; otherwise the value without surrounding whitespace. */
    public static String notAvailableToNull(String value) {
        if (value == null) {
            return null;
        }
        String stripped = value.strip();
        return stripped.isEmpty() || stripped.equalsIgnoreCase(NOT_AVAILABLE) ? null : stripped;
    }

    /** Jumio sends booleans as JSON booleans or as the strings "TRUE"/"FALSE"; anything else is null. */
    public static Boolean bool(JsonNode object, String field) {
        JsonNode node = object.get(field);
        if (node == null) {
            return null;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        String value = node.isTextual() ? node.textValue().strip() : "";
        if (value.equalsIgnoreCase("true")) {
            return Boolean.TRUE;
        }
        return value.equalsIgnoreCase("false") ? Boolean.FALSE : null;
    }

    /** Fields of a JSON object we do not model, kept as sent (text as text, anything else as JSON). */
    public static Map<String, String> additionalFields(JsonNode object, Set<String> knownFields) {
        Map<String, String> additional = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            if (!knownFields.contains(field.getKey())) {
                JsonNode value = field.getValue();
                additional.put(field.getKey(), value.isTextual() ? value.textValue() : value.toString());
            }
        }
        return Collections.unmodifiableMap(additional);
    }

    /** Camel has no converter to Instant; a header may come from JDBC (Timestamp), a clock or text. */
    public static Instant toInstant(Object value, String headerName) {
        if (value instanceof Date date) {
            return date.toInstant();
        }
        if (value instanceof TemporalAccessor temporal && temporal.isSupported(ChronoField.INSTANT_SECONDS)) {
            return Instant.from(temporal);
        }
        if (value instanceof Number epochMillis) {
            return Instant.ofEpochMilli(epochMillis.longValue());
        }
        if (value instanceof CharSequence text) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("header " + headerName + " is not an ISO-8601 timestamp");
            }
        }
        throw new IllegalArgumentException("header " + headerName + " has unsupported type " + value.getClass().getName());
    }
}
