package com.jumiogateway.documentverification;

import com.fasterxml.jackson.databind.JsonNode;
import com.jumiogateway.form.DecodedFormValue;
import com.jumiogateway.intake.CallbackRequestGuard;
import com.jumiogateway.routing.ExchangeNames;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Redacts a raw form-encoded callback at intake, before it is stored: every protected value (see
 * {@link SensitiveNumberMasker}) is masked and only its characters change, every other byte of the body is kept as
 * received. Protected fields are found in the form-encoded JSON at any nesting (JSON sent as a string inside JSON),
 * as strings or as numbers. The result is then read back as JSON: if a protected value survived in some unusual
 * spelling (escaped quotes, \\u-escaped key names), that one parameter is rewritten from its parsed, masked JSON
 * instead (same content, different bytes); a parameter that is not readable JSON but names a protected field has
 * every run of five or more digits masked. Nothing here throws: a bug falls back to masking every long digit run of
 * the whole body, so a callback is never refused or stored in full because of masking.
 */
@Component("callbackBodyRedactor")
public class CallbackBodyRedactor {

    private static final Logger log = LoggerFactory.getLogger(CallbackBodyRedactor.class);

    /** The outcome of {@link #redact(String)}: the body to store and how many protected values were masked. */
    public record Redaction(String body, int maskedValues) {
    }

    private record Span(int start, int end, String replacement) {
    }

    private final SensitiveNumberMasker masker;
    private final MeterRegistry meters;
    /** "name": at any JSON-in-a-string escaping level (group 1: the backslashes before each quote at that level). */
    private final Pattern protectedValue;

    public CallbackBodyRedactor(SensitiveNumberMasker masker, MeterRegistry meters) {
        this.masker = masker;
        this.meters = meters;
        // at most 15 backslashes (four levels of JSON in a string): keeps the search linear on hostile input
        this.protectedValue = Pattern.compile("(\\\\{0,15})\"(?:" + masker.protectedFieldAlternatives() + ")\\1\"\\s*:\\s*"
                + "(?:\\1\"((?:(?!\\1\").)*)\\1\"|(-?\\d[\\d.eE+\\-]*))", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    }

    /**
     * Route step at intake, after the request guard: replaces the raw body held in the {@code CallbackBody} header
     * (and the message body) by its redacted copy, which is what gets stored.
     */
    public void redactCallbackBody(Exchange exchange) {
        // ISO-8859-1 maps every byte to one char and back, so every byte but the masked digits is stored as received
        byte[] raw = exchange.getIn().getHeader(ExchangeNames.CALLBACK_BODY, byte[].class);
        Redaction redaction = redact(raw == null ? null : new String(raw, StandardCharsets.ISO_8859_1));
        byte[] redacted = redaction.body() == null ? raw : redaction.body().getBytes(StandardCharsets.ISO_8859_1);
        exchange.getIn().setHeader(ExchangeNames.CALLBACK_BODY, redacted);
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
            String masked = maskDigitRuns(body, DecodedFormValue.of(body), runs);
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
        if (masker.isProtected(DecodedFormValue.of(encodedName).text())) {
            String value = DecodedFormValue.of(encodedValue).text();
            if (SensitiveNumberMasker.isSafe(value)) {
                return pair;
            }
            count[0]++;
            return encodedName + "=" + encode(SensitiveNumberMasker.mask(value));
        }
        return encodedName + "=" + redactValue(encodedValue, count);
    }

    private String redactValue(String encoded, int[] count) {
        DecodedFormValue decoded = DecodedFormValue.of(encoded);
        String text = decoded.text();
        if (!masker.mentionsProtectedField(text) && !text.contains("\\u")) {
            // nothing protected in it: byte for byte as received
            return encoded;
        }
        // 1. surgical: only the characters of each protected value change
        List<Span> spans = new ArrayList<>();
        Matcher m = protectedValue.matcher(text);
        while (m.find()) {
            if (m.group(2) != null && !SensitiveNumberMasker.isSafe(m.group(2))) {
                spans.add(new Span(m.start(2), m.end(2), SensitiveNumberMasker.mask(m.group(2))));
            } else if (m.group(3) != null && !SensitiveNumberMasker.isSafe(m.group(3))) {
                String quote = m.group(1) + "\"";
                spans.add(new Span(m.start(3), m.end(3), quote + SensitiveNumberMasker.mask(m.group(3)) + quote));
            }
        }
        String surgical = replace(encoded, decoded, spans);
        // 2. read back what would be stored
        DecodedFormValue after = spans.isEmpty() ? decoded : DecodedFormValue.of(surgical);
        JsonNode tree = masker.readOrNull(after.text());
        if (tree == null) {
            // not JSON, yet it names a protected field (or hides names behind \\u escapes): hide every long digit run
            return maskDigitRuns(surgical, after, count);
        }
        int left = masker.countUnmasked(tree);
        if (left == 0) {
            count[0] += spans.size();
            return surgical;
        }
        // 3. an unusual spelling survived: this parameter is written from its parsed, masked JSON
        log.info("A protected number in an unusual JSON spelling: one callback parameter is stored re-encoded");
        int[] structural = new int[1];
        JsonNode masked = masker.maskTree(tree, structural);
        count[0] += spans.size() + structural[0];
        return encode(masker.write(masked));
    }

    /** Every long digit run of the decoded value masked in the encoded one. */
    private static String maskDigitRuns(String encoded, DecodedFormValue decoded, int[] count) {
        List<Span> spans = new ArrayList<>();
        Matcher m = SensitiveNumberMasker.LONG_DIGIT_RUN.matcher(decoded.text());
        while (m.find()) {
            spans.add(new Span(m.start(), m.end(), SensitiveNumberMasker.mask(m.group())));
        }
        count[0] += spans.size();
        return replace(encoded, decoded, spans);
    }

    /** Replaces decoded-text spans in the encoded text (form-encoding each replacement); the rest stays as it was. */
    private static String replace(String encoded, DecodedFormValue decoded, List<Span> spans) {
        if (spans.isEmpty()) {
            return encoded;
        }
        StringBuilder result = new StringBuilder(encoded);
        spans.stream().sorted(Comparator.comparingInt(Span::start).reversed()).forEach(span ->
                result.replace(decoded.offset(span.start()), decoded.offset(span.end()), encode(span.replacement())));
        return result.toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
