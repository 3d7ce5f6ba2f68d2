package com.jumiogateway.documentverification;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.jumiogateway.intake.CallbackRequestGuard;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Keeps card numbers (pan), bank account numbers and social security numbers out of storage, API answers and logs:
 * such a value is reduced to {@value #MASK_PREFIX} followed by its last four digits ("4111 1111 1111 1234" becomes
 * "****1234"). A value with at most four digits (already masked, Jumio's own "xxxxxxxxx" placeholder, a real
 * cardNumberLastFourDigits) has nothing left to hide and is kept as sent, so masking twice changes nothing and a
 * replayed, already redacted callback parses to the same result.
 *
 * <p>Used in two places:
 * <ol>
 *   <li>at intake, before the raw callback is stored ({@link #redactCallbackBody(Exchange)}): only the characters of
 *   a protected value change, every other byte of the body is kept as received. Protected fields are found in the
 *   form-encoded JSON at any nesting (JSON sent as a string inside JSON), as strings or as numbers. The result is
 *   then read back as JSON: if a protected value survived in some unusual spelling (escaped quotes, \\u-escaped key
 *   names), that one parameter is rewritten from its parsed, masked JSON instead (same content, different bytes);
 *   a parameter that is not readable JSON but names a protected field has every run of five or more digits
 *   masked. Nothing here throws: a bug falls back to masking every long digit run of the whole body, so a callback
 *   is never refused or stored in full because of masking;</li>
 *   <li>in the parser ({@link #maskTree(JsonNode)}), so that an old or unredacted body never yields a full number.</li>
 * </ol>
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
    private static final Pattern LONG_DIGIT_RUN = Pattern.compile("\\p{Nd}(?:[ .\\-]?\\p{Nd}){4,}");

    private final Set<String> protectedFields;
    private final ObjectMapper mapper;
    private final ObjectReader reader;
    private final MeterRegistry meters;
    /** "name": at any JSON-in-a-string escaping level (group 1: the backslashes before each quote at that level). */
    private final Pattern protectedValue;
    private final Pattern protectedFieldMention;

    @Autowired
    public SensitiveNumberMasker(ObjectMapper mapper, DocumentVerificationProperties properties, MeterRegistry meters) {
        this.mapper = mapper;
        this.reader = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.meters = meters;
        this.protectedFields = protectedFields(properties);
        String names = protectedFields.stream().map(Pattern::quote).collect(Collectors.joining("|"));
        // at most 15 backslashes (four levels of JSON in a string): keeps the search linear on hostile input
        this.protectedValue = Pattern.compile("(\\\\{0,15})\"(?:" + names + ")\\1\"\\s*:\\s*"
                + "(?:\\1\"((?:(?!\\1\").)*)\\1\"|(-?\\d[\\d.eE+\\-]*))", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
        this.protectedFieldMention = Pattern.compile("(?<![A-Za-z0-9_])(?:" + names + ")(?![A-Za-z0-9_])",
                Pattern.CASE_INSENSITIVE);
    }

    /** The default protection (pan, accountNumber, ssn), for tools and tests. */
    public SensitiveNumberMasker(ObjectMapper mapper) {
        this(mapper, new DocumentVerificationProperties(), new SimpleMeterRegistry());
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
            } else if (nested == null && protectedFieldMention.matcher(node.textValue()).find()) {
                // broken JSON text naming a protected field: hide every long digit run in it
                String text = node.textValue();
                int before = count[0];
                String masked = maskDigitRuns(text, Decoded.literal(text), count, false);
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

    // --- raw form bodies --------------------------------------------------------------------------------------

    /** The outcome of {@link #redact(String)}: the body to store and how many protected values were masked. */
    public record Redaction(String body, int maskedValues) {
    }

    /**
     * Route step at intake, after the request guard: replaces the raw body held in the {@code CallbackBody} header
     * (and the message body) by its redacted copy, which is what gets stored.
     */
    public void redactCallbackBody(Exchange exchange) {
        // ISO-8859-1 maps every byte to one char and back, so every byte but the masked digits is stored as received
        byte[] raw = exchange.getIn().getHeader(CallbackRequestGuard.BODY_HEADER, byte[].class);
        Redaction redaction = redact(raw == null ? null : new String(raw, StandardCharsets.ISO_8859_1));
        byte[] redacted = redaction.body() == null ? raw : redaction.body().getBytes(StandardCharsets.ISO_8859_1);
        exchange.getIn().setHeader(CallbackRequestGuard.BODY_HEADER, redacted);
        exchange.getIn().setBody(redacted);
        if (redaction.maskedValues() > 0) {
            meters.counter("gateway.intake.masked.values").increment(redaction.maskedValues());
            log.debug("Reduced {} protected numbers to their last four digits before storing the callback",
                    redaction.maskedValues());
        }
    }

    /** The body with every protected value masked; see the class comment. */
    public String redactFormBody(String body) {
        return redact(body).body();
    }

    public Redaction redact(String body) {
        if (body == null || body.isEmpty()) {
            return new Redaction(body, 0);
        }
        int[] count = new int[1];
        try {
            StringBuilder redacted = new StringBuilder(body.length());
            int start = 0;
            while (true) {
                int ampersand = body.indexOf('&', start);
                redacted.append(redactPair(ampersand < 0 ? body.substring(start) : body.substring(start, ampersand),
                        count));
                if (ampersand < 0) {
                    break;
                }
                redacted.append('&');
                start = ampersand + 1;
            }
            return new Redaction(redacted.toString(), count[0]);
        } catch (RuntimeException e) {
            // never lose a callback over masking, never store it in full either
            log.warn("Masking a callback body failed ({}); every long digit run of the body is masked instead",
                    e.getClass().getSimpleName());
            int[] runs = new int[1];
            String masked = maskDigitRuns(body, Decoded.of(body), runs, true);
            return new Redaction(masked, runs[0]);
        }
    }

    private String redactPair(String pair, int[] count) {
        int equals = pair.indexOf('=');
        if (equals < 0) {
            // not name=value: a stray JSON body or text, checked as a whole
            return redactValue(pair, count);
        }
        String encodedName = pair.substring(0, equals);
        String encodedValue = pair.substring(equals + 1);
        if (isProtected(Decoded.of(encodedName).text())) {
            String value = Decoded.of(encodedValue).text();
            if (isSafe(value)) {
                return pair;
            }
            count[0]++;
            return encodedName + "=" + encode(mask(value));
        }
        return encodedName + "=" + redactValue(encodedValue, count);
    }

    private String redactValue(String encoded, int[] count) {
        Decoded decoded = Decoded.of(encoded);
        String text = decoded.text();
        if (!protectedFieldMention.matcher(text).find() && !text.contains("\\u")) {
            // nothing protected in it: byte for byte as received
            return encoded;
        }
        // 1. surgical: only the characters of each protected value change
        List<Span> spans = new ArrayList<>();
        Matcher m = protectedValue.matcher(text);
        while (m.find()) {
            if (m.group(2) != null && !isSafe(m.group(2))) {
                spans.add(new Span(m.start(2), m.end(2), mask(m.group(2))));
            } else if (m.group(3) != null && !isSafe(m.group(3))) {
                String quote = m.group(1) + "\"";
                spans.add(new Span(m.start(3), m.end(3), quote + mask(m.group(3)) + quote));
            }
        }
        String surgical = replace(encoded, decoded, spans, true);
        // 2. read back what would be stored
        Decoded after = spans.isEmpty() ? decoded : Decoded.of(surgical);
        JsonNode tree = readOrNull(after.text());
        if (tree == null) {
            // not JSON, yet it names a protected field (or hides names behind \\u escapes): hide every long digit run
            return maskDigitRuns(surgical, after, count, true);
        }
        int left = countUnmasked(tree);
        if (left == 0) {
            count[0] += spans.size();
            return surgical;
        }
        // 3. an unusual spelling survived: this parameter is written from its parsed, masked JSON
        log.info("A protected number in an unusual JSON spelling: one callback parameter is stored re-encoded");
        int[] structural = new int[1];
        JsonNode masked = maskTree(tree, structural, 0);
        count[0] += spans.size() + structural[0];
        return encode(write(masked));
    }

    private static String maskDigitRuns(String encoded, Decoded decoded, int[] count, boolean formEncoded) {
        List<Span> spans = new ArrayList<>();
        Matcher m = LONG_DIGIT_RUN.matcher(decoded.text());
        while (m.find()) {
            spans.add(new Span(m.start(), m.end(), mask(m.group())));
        }
        count[0] += spans.size();
        return replace(encoded, decoded, spans, formEncoded);
    }

    /** Replaces decoded-text spans in the encoded text; everything outside them stays as it was. */
    private static String replace(String encoded, Decoded decoded, List<Span> spans, boolean formEncoded) {
        if (spans.isEmpty()) {
            return encoded;
        }
        StringBuilder result = new StringBuilder(encoded);
        spans.stream().sorted(Comparator.comparingInt(Span::start).reversed()).forEach(span ->
                result.replace(decoded.offset(span.start()), decoded.offset(span.end()),
                        formEncoded ? encode(span.replacement()) : span.replacement()));
        return result.toString();
    }

    private record Span(int start, int end, String replacement) {
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static boolean looksLikeJson(String text) {
        String stripped = text.strip();
        return stripped.startsWith("{") || stripped.startsWith("[") || stripped.startsWith("\"");
    }

    private JsonNode readOrNull(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return reader.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private String write(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write masked JSON", e);
        }
    }

    /**
     * A form value decoded leniently (a broken %-escape stays literal, malformed UTF-8 becomes U+FFFD), with the
     * position in the encoded text at which each decoded character starts, so that a span of the decoded text can
     * be replaced in the encoded one.
     */
    record Decoded(String text, int[] offsets) {

        static Decoded of(String encoded) {
            int length = encoded.length();
            byte[] bytes = new byte[length * 4];
            int[] byteOffsets = new int[length * 4];
            int b = 0;
            for (int i = 0; i < length; ) {
                char c = encoded.charAt(i);
                int high = i + 2 < length ? Character.digit(encoded.charAt(i + 1), 16) : -1;
                int low = i + 2 < length ? Character.digit(encoded.charAt(i + 2), 16) : -1;
                if (c == '+') {
                    byteOffsets[b] = i;
                    bytes[b++] = ' ';
                    i++;
                } else if (c == '%' && high >= 0 && low >= 0) {
                    byteOffsets[b] = i;
                    bytes[b++] = (byte) (high << 4 | low);
                    i += 3;
                } else {
                    int codePoint = encoded.codePointAt(i);
                    for (byte x : new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8)) {
                        byteOffsets[b] = i;
                        bytes[b++] = x;
                    }
                    i += Character.charCount(codePoint);
                }
            }
            StringBuilder text = new StringBuilder(b);
            int[] offsets = new int[b + 1];
            int t = 0;
            for (int k = 0; k < b; ) {
                int lead = bytes[k] & 0xFF;
                int continuation;
                int codePoint;
                if (lead < 0x80) {
                    continuation = 0;
                    codePoint = lead;
                } else if (lead >= 0xC2 && lead < 0xE0) {
                    continuation = 1;
                    codePoint = lead & 0x1F;
                } else if (lead >= 0xE0 && lead < 0xF0) {
                    continuation = 2;
                    codePoint = lead & 0x0F;
                } else if (lead >= 0xF0 && lead < 0xF5) {
                    continuation = 3;
                    codePoint = lead & 0x07;
                } else {
                    continuation = -1;
                    codePoint = 0xFFFD;
                }
                boolean valid = continuation >= 0 && k + continuation < b;
                for (int j = 1; valid && j <= continuation; j++) {
                    int next = bytes[k + j] & 0xFF;
                    valid = (next & 0xC0) == 0x80;
                    codePoint = codePoint << 6 | (next & 0x3F);
                }
                if (valid && (codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF))) {
                    valid = false;
                }
                for (char ch : Character.toChars(valid ? codePoint : 0xFFFD)) {
                    offsets[t++] = byteOffsets[k];
                    text.append(ch);
                }
                k += valid ? continuation + 1 : 1;
            }
            offsets[t] = length;
            return new Decoded(text.toString(), Arrays.copyOf(offsets, t + 1));
        }

        /** Plain text, not form-encoded: each character is at its own position. */
        static Decoded literal(String text) {
            int[] offsets = new int[text.length() + 1];
            Arrays.setAll(offsets, i -> i);
            return new Decoded(text, offsets);
        }

        int offset(int index) {
            return offsets[index];
        }
    }
}
