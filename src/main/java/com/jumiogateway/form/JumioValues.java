package com.jumiogateway.form;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jumiogateway.result.InvalidCallbackException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reading Jumio's values the same way in every parser, mapper and enricher: its quirks are shared. */
public final class JumioValues {

    private static final String NOT_AVAILABLE = "N/A";

    /** Jumio documents YYYY-MM-DDThh:mm:ss.SSSZ but sends 0 to 3 fraction digits; no offset means UTC. */
    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .toFormatter(Locale.ROOT);

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

    /**
     * A Jumio timestamp (callback parameter or retrieval field), or null for null.
     *
     * @param problem the message when it is not one; names the field, never the value
     */
    public static Instant timestamp(String value, String problem) {
        if (value == null) {
            return null;
        }
        try {
            TemporalAccessor parsed = TIMESTAMP.parseBest(value, OffsetDateTime::from, LocalDateTime::from);
            return parsed instanceof OffsetDateTime withOffset
                    ? withOffset.toInstant()
                    : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new InvalidCallbackException(problem);
        }
    }

    /** A JSON object from Jumio (a retrieval answer); {@code what} names it in messages, which quote no payload. */
    public static JsonNode readObject(ObjectMapper mapper, String payload, String what) {
        if (payload == null || payload.isBlank()) {
            throw new InvalidCallbackException(what + " is empty");
        }
        try {
            JsonNode node = mapper.readTree(payload);
            if (node == null || !node.isObject()) {
                throw new InvalidCallbackException(what + " is not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the payload (personal data): not passed on
            throw new InvalidCallbackException(what + " is not valid JSON");
        }
    }

    /**
     * A retrieval answer about one scan (a JSON object): refused when its scanReference names another scan.
     *
     * @param what names the answer in messages, e.g. "Netverify retrieval data"
     */
    public static JsonNode readAnswer(ObjectMapper mapper, String payload, String what, String expectedScanReference) {
        JsonNode root = readObject(mapper, payload, what);
        JsonNode sent = root.get("scanReference");
        String scanReference = sent == null || sent.isNull()
                ? null : notAvailableToNull(sent.isValueNode() ? sent.asText() : sent.toString());
        if (scanReference != null && !scanReference.equals(expectedScanReference)) {
            throw new InvalidCallbackException(what + " is for another scan reference");
        }
        return root;
    }
}
