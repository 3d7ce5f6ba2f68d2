package com.jumiogateway.form;

import com.jumiogateway.result.InvalidCallbackException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decodes an application/x-www-form-urlencoded body (UTF-8, '+' is a space). Messages name no values: a callback
 * body is personal data. Shared by the parsers of every form-encoded callback kind.
 */
public final class FormBody {

    private FormBody() {
    }

    /**
     * Returns the parameters in the order posted. A repeated name keeps its FIRST value, as the Servlet API's
     * {@code getParameter} does, so this parser and anything reading the same request agree. A pair without
     * '=' is a name with an empty value; empty pairs ("a=1&&b=2") are skipped.
     *
     * @param callbackName how messages name the callback, e.g. "Netverify callback"
     * <p>Jumio sends UTF-8. A name or value that is not valid UTF-8 (raw bytes or %-escaped; they arrive here as
     * U+FFFD, the replacement character) or that holds a NUL character is refused rather than stored altered or
     * cut: the raw callback stays in the inbox byte for byte, marked FAILED with a reason naming the parameter, and
     * can be replayed once the parser is changed.
     *
     * @throws InvalidCallbackException when the body is empty, JSON, XML, has no name=value pair at all, or holds
     *                                  a broken %-escape, invalid UTF-8 or a NUL character
     */
    public static Map<String, String> decode(String body, String callbackName) {
        String text = body == null ? "" : body.strip();
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1).strip();
        }
        if (text.isEmpty()) {
            throw new InvalidCallbackException(callbackName + " body is empty");
        }
        if (text.startsWith("{") || text.startsWith("[")) {
            throw new InvalidCallbackException(
                    callbackName + " body is JSON, expected application/x-www-form-urlencoded");
        }
        if (text.startsWith("<")) {
            throw new InvalidCallbackException(
                    callbackName + " body is XML or HTML, expected application/x-www-form-urlencoded");
        }
        if (text.indexOf('=') < 0) {
            throw new InvalidCallbackException(
                    callbackName + " body has no name=value pair, expected application/x-www-form-urlencoded");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decodeName(equals < 0 ? pair : pair.substring(0, equals), callbackName);
            if (name.isEmpty()) {
                continue;
            }
            String value = equals < 0 ? "" : decodeValue(pair.substring(equals + 1), name, callbackName);
            if (unusable(name)) {
                throw new InvalidCallbackException(callbackName + " has a parameter name that is not valid UTF-8"
                        + " or holds a NUL character");
            }
            if (unusable(value)) {
                throw new InvalidCallbackException(callbackName + " parameter '" + safeName(name)
                        + "' is not valid UTF-8 or holds a NUL character");
            }
            parameters.putIfAbsent(name, value);
        }
        return Collections.unmodifiableMap(parameters);
    }

    /** U+FFFD stands for bytes that were not UTF-8; NUL cannot be stored in PostgreSQL text. */
    private static boolean unusable(String text) {
        return text.indexOf('\uFFFD') >= 0 || text.indexOf('\u0000') >= 0;
    }

    private static String decodeName(String encoded, String callbackName) {
        try {
            return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // the name itself may be anything, so it is not quoted
            throw new InvalidCallbackException(callbackName + " has a parameter name with a broken %-escape");
        }
    }

    private static String decodeValue(String encoded, String name, String callbackName) {
        try {
            return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidCallbackException(
                    callbackName + " parameter '" + safeName(name) + "' has a broken %-escape");
        }
    }

    /**
     * A parameter name fit for a message: names are Jumio's identifiers, but an unexpected one could be anything,
     * so only short plain identifiers are quoted.
     */
    public static String safeName(String name) {
        return name.length() <= 40 && name.matches("[A-Za-z0-9_.\\-]+") ? name : "(unprintable name)";
    }
}
