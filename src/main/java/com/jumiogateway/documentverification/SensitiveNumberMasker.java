package com.jumiogateway.documentverification;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Keeps card numbers (pan), bank account numbers and social security numbers out of storage, API answers and logs:
 * such a value is reduced to {@value #MASK_PREFIX} followed by its last four digits (a 16-digit card number ending
 * in 1234 becomes "****1234"). A value with at most four digits (already masked, Jumio's own "xxxxxxxxx"
 * placeholder, a real cardNumberLastFourDigits) has nothing left to hide and is kept as sent, so masking twice
 * changes nothing and a replayed, already redacted callback parses to the same result.
 *
 * <p>This bean decides which fields are protected and masks values and parsed JSON ({@link #maskTree(JsonNode)}, used
 * by the parser so that an old or unredacted body never yields a full number). The raw body is redacted at intake,
 * before it is stored, by {@link CallbackBodyRedactor} with the same rules.
 */
@Component("sensitiveNumberMasker")
public class SensitiveNumberMasker {

    public static final String MASK_PREFIX = "****";

    /** Always protected (field names, any case); cardNumberLastFourDigits only if Jumio ever sends more than four. */
    static final List<String> DEFAULT_PROTECTED_FIELDS =
            List.of("pan", "accountNumber", "ssn", "cardNumberLastFourDigits");

    /** The only protected fields a deployment may choose to keep in full. */
    static final List<String> MAY_BE_KEPT_IN_FULL = List.of("ssn", "accountNumber");

    private static final Logger log = LoggerFactory.getLogger(SensitiveNumberMasker.class);
    /** Levels of JSON held in a JSON string that are opened (object and array depth is bounded by Jackson: 1000). */
    private static final int MAX_NESTING = 16;
    /** Five or more digits, single spaces, dots or dashes between them: what the last-resort masking hides. */
    static final Pattern LONG_DIGIT_RUN = Pattern.compile("\\p{Nd}(?:[ .\\-]?\\p{Nd}){4,}");

    private final Set<String> protectedFields;
    private final ObjectMapper mapper;
    private final ObjectReader reader;
    private final Pattern protectedFieldMention;

    @Autowired
    public SensitiveNumberMasker(ObjectMapper mapper, DocumentVerificationProperties properties) {
        this.mapper = mapper;
        this.reader = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.protectedFields = protectedFields(properties);
        this.protectedFieldMention = Pattern.compile("(?<![A-Za-z0-9_])(?:" + protectedFieldAlternatives() + ")(?![A-Za-z0-9_])",
                Pattern.CASE_INSENSITIVE);
    }

    /** The default protection (pan, accountNumber, ssn), for tools and tests. */
    public SensitiveNumberMasker(ObjectMapper mapper) {
        this(mapper, new DocumentVerificationProperties());
    }

    /** The protected field names as regular expression alternatives ({@code pan|accountnumber|...}). */
    String protectedFieldAlternatives() {
        return protectedFields.stream().map(Pattern::quote).collect(Collectors.joining("|"));
    }

    /** Whether the text names a protected field as a whole word (any case). */
    boolean mentionsProtectedField(String text) {
        return protectedFieldMention.matcher(text).find();
    }

    private static Set<String> protectedFields(DocumentVerificationProperties properties) {
        Set<String> keptInFull = new LinkedHashSet<>();
        for (String name : properties.getUnmaskedFields()) {
            if (name == null || name.isBlank()) {
                continue;
            }
            String wanted = MAY_BE_KEPT_IN_FULL.stream().filter(allowed -> allowed.equalsIgnoreCase(name.strip()))
                    .findFirst().orElseThrow(() -> new IllegalStateException(
                            "gateway.document-verification.unmasked-fields may only name " + MAY_BE_KEPT_IN_FULL
                                    + "; card numbers (pan) and other protected fields are always masked"));
            keptInFull.add(wanted.toLowerCase(Locale.ROOT));
        }
        Set<String> fields = new LinkedHashSet<>();
        DEFAULT_PROTECTED_FIELDS.forEach(f -> fields.add(f.toLowerCase(Locale.ROOT)));
        properties.getExtraMaskedFields().stream().filter(f -> f != null && !f.isBlank())
                .forEach(f -> fields.add(f.strip().toLowerCase(Locale.ROOT)));
        fields.removeAll(keptInFull);
        if (!keptInFull.isEmpty()) {
            log.warn("Document Verification: {} kept in full (gateway.document-verification.unmasked-fields)", keptInFull);
        }
        return Collections.unmodifiableSet(fields);
    }

    // --- values -----------------------------------------------------------------------------------------------

    /**
     * {@value #MASK_PREFIX} and the last four digits; a value with at most four digits is returned as it is.
     * Null stays null.
     */
    public static String mask(String value) {
        if (value == null) {
            return null;
        }
        char[] lastFour = new char[4];
        int digits = 0;
        for (int i = value.length() - 1; i >= 0; i--) {
            char c = value.charAt(i);
            if (Character.isDigit(c)) {
                if (digits < 4) {
                    lastFour[3 - digits] = c;
                }
                digits++;
            }
        }
        return digits <= 4 ? value : MASK_PREFIX + new String(lastFour);
    }

    /** True when the value shows at most four digits (nothing to hide). */
    public static boolean isSafe(String value) {
        return value == null || value.chars().filter(Character::isDigit).count() <= 4;
    }

    /** Whether a field (JSON field or form parameter) of this name is protected; any case. */
    public boolean isProtected(String fieldName) {
        return fieldName != null && protectedFields.contains(fieldName.strip().toLowerCase(Locale.ROOT));
    }

    // --- parsed JSON ------------------------------------------------------------------------------------------

    /**
     * Masks every protected field anywhere in the tree, including JSON text held in string values. Objects and
     * arrays are changed in place; the tree to use from now on is returned (a string holding JSON is replaced).
     */
    public JsonNode maskTree(JsonNode node) {
        return maskTree(node, new int[1], 0);
    }

    /** As {@link #maskTree(JsonNode)}, adding the number of values masked to {@code count[0]}. */
    JsonNode maskTree(JsonNode node, int[] count) {
        return maskTree(node, count, 0);
    }

    /** How many protected values in the tree would be masked (the tree is not changed). */
    int countUnmasked(JsonNode node) {
        int[] count = new int[1];
        maskTree(node.deepCopy(), count, 0);
        return count[0];
    }

    private JsonNode maskTree(JsonNode node, int[] count, int depth) {
        if (node == null || depth > MAX_NESTING) {
            return node;
        }
        if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode value = object.get(name);
                JsonNode masked = isProtected(name) ? maskEveryValue(value, count)
                        : maskTree(value, count, depth);
                if (masked != value) {
                    object.set(name, masked);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode value = array.get(i);
                JsonNode masked = maskTree(value, count, depth);
                if (masked != value) {
                    array.set(i, masked);
                }
            }
        } else if (node.isTextual() && looksLikeJson(node.textValue())) {
            JsonNode nested = readOrNull(node.textValue());
            if (nested != null && (nested.isContainerNode() || nested.isTextual())) {
                int before = count[0];
                JsonNode masked = maskTree(nested, count, depth + 1);
                if (count[0] > before) {
                    return TextNode.valueOf(write(masked));
                }
            } else if (nested == null && mentionsProtectedField(node.textValue())) {
                // broken JSON text naming a protected field: hide every long digit run in it
                int before = count[0];
                String masked = maskDigitRuns(node.textValue(), count);
                if (count[0] > before) {
                    return TextNode.valueOf(masked);
                }
            }
        }
        return node;
    }

    /** The value of a protected field: every number or string in it is masked, whatever its shape. */
    private JsonNode maskEveryValue(JsonNode value, int[] count) {
        if (value == null) {
            return value;
        }
        if (value.isTextual() || value.isNumber()) {
            String text = value.isTextual() ? value.textValue()
                    : value.isIntegralNumber() ? value.bigIntegerValue().toString()
                    : value.decimalValue().toPlainString();
            if (isSafe(text)) {
                return value;
            }
            count[0]++;
            return TextNode.valueOf(mask(text));
        }
        if (value instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                object.set(name, maskEveryValue(object.get(name), count));
            }
        } else if (value instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, maskEveryValue(array.get(i), count));
            }
        }
        return value;
    }

    /** Every run of five or more digits in plain text masked, adding how many to {@code count[0]}. */
    static String maskDigitRuns(String text, int[] count) {
        Matcher m = LONG_DIGIT_RUN.matcher(text);
        return m.replaceAll(run -> {
            count[0]++;
            return Matcher.quoteReplacement(mask(run.group()));
        });
    }

    static boolean looksLikeJson(String text) {
        String stripped = text.strip();
        return stripped.startsWith("{") || stripped.startsWith("[") || stripped.startsWith("\"");
    }

    /** The text read as JSON (trailing tokens refused), or null when it is not. */
    JsonNode readOrNull(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return reader.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    String write(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write masked JSON", e);
        }
    }
}
