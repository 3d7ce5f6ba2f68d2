package com.jumiogateway.initiation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jumiogateway.api.BadRequestException;
import com.jumiogateway.reconciliation.JumioApiProperties.DataCenter;
import com.jumiogateway.reconciliation.JumioApiProperties;
import com.jumiogateway.routing.ExchangeNames;
import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.util.StringUtils;

/**
 * The rules the /api/transactions requests share, whichever Jumio product they go to: the body is a JSON object of
 * known fields, references are ours and short, URLs follow Jumio's constraints. A broken rule is the caller's mistake
 * (400, {@link BadRequestException}), found before anything is sent to Jumio.
 */
final class TransactionApi {

    static final int MAX_REFERENCE = 100;
    /** Jumio's token lifetime bounds, in minutes. */
    static final int MIN_LIFETIME = 5;
    static final int MAX_LIFETIME = 86400;
    private static final Pattern LOCALE = Pattern.compile("[a-zA-Z]{2,3}([-_][a-zA-Z0-9]{2,4})?");
    private static final int MAX_URL = 255;

    private TransactionApi() {
    }

    /**
     * A request body that must be a JSON object with only the allowed fields. Unknown field names are echoed only
     * when they are short and plain, never arbitrary input.
     */
    static ObjectNode jsonObject(ObjectMapper mapper, String body, Set<String> allowed, String context) {
        JsonNode node;
        try {
            node = body == null || body.isBlank() ? null : mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadRequestException("The body must be a JSON object");
        }
        if (!(node instanceof ObjectNode object)) {
            throw new BadRequestException("The body must be a JSON object");
        }
        for (String field : (Iterable<String>) object::fieldNames) {
            if (!allowed.contains(field)) {
                throw new BadRequestException("Unknown field '"
                        + (field.length() <= 40 && field.matches("[A-Za-z0-9_]+") ? field : "?") + "'" + context
                        + "; allowed: " + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
        return object;
    }

    /** A required reference of ours (customerInternalReference, userReference): text, no personal data, short. */
    static String reference(ObjectNode request, String field) {
        JsonNode node = request.get(field);
        if (node == null || !node.isTextual() || node.textValue().isBlank()) {
            throw new BadRequestException(field + " is required (our reference, no personal data, at most "
                    + MAX_REFERENCE + " characters)");
        }
        String value = node.textValue().strip();
        if (value.length() > MAX_REFERENCE) {
            throw new BadRequestException(field + " must have at most " + MAX_REFERENCE + " characters");
        }
        return value;
    }

    /** An optional text field, stripped; null when absent, null or blank. */
    static String optionalText(ObjectNode request, String field) {
        JsonNode node = request.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new BadRequestException(field + " must be a string");
        }
        return node.textValue().isBlank() ? null : node.textValue().strip();
    }

    static int positiveInt(ObjectNode request, String field) {
        JsonNode node = request.get(field);
        if (node == null || !node.canConvertToInt() || !node.isIntegralNumber() || node.intValue() <= 0) {
            throw new BadRequestException(field + " must be a positive whole number");
        }
        return node.intValue();
    }

    static int lifetime(int minutes, String field) {
        if (minutes < MIN_LIFETIME || minutes > MAX_LIFETIME) {
            throw new BadRequestException(field + " must be between " + MIN_LIFETIME + " and " + MAX_LIFETIME);
        }
        return minutes;
    }

    /** A locale for Jumio's web client (en, en-GB, zh-CN); null or blank is no locale. */
    static String locale(String locale) {
        if (!StringUtils.hasText(locale)) {
            return null;
        }
        if (!LOCALE.matcher(locale).matches()) {
            throw new BadRequestException("locale must look like en, en-GB or zh-CN");
        }
        return locale;
    }

    /** The request's data center (US, EU, SGP), or the configured default. */
    static DataCenter dataCenter(JumioApiProperties jumio, ObjectNode request) {
        String text = optionalText(request, "dataCenter");
        if (text == null) {
            return jumio.getDefaultDataCenter();
        }
        try {
            return DataCenter.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("dataCenter must be US, EU or SGP");
        }
    }

    /**
     * A URL handed to Jumio (callbackUrl, successUrl, errorUrl): the caller's, checked, or else the configured
     * fallback (null when none is configured).
     */
    static String url(ObjectNode request, String field, String fallback) {
        String url = optionalText(request, field);
        if (url == null) {
            return StringUtils.hasText(fallback) ? fallback : null;
        }
        checkUrl(field, url);
        return url;
    }

    /**
     * Jumio's URL constraints, for V4 and the Platform alike: HTTPS, a host name (no IP address), no port, no
     * fragment, at most 255 characters.
     */
    static void checkUrl(String field, String url) {
        if (url.length() > MAX_URL) {
            throw new BadRequestException(field + " must have at most " + MAX_URL + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new BadRequestException(field + " is not a valid URL");
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new BadRequestException(field + " must be an https:// URL with a host name");
        }
        String host = IDN.toASCII(uri.getHost());
        if (host.matches("[0-9.]+") || host.startsWith("[")) {
            throw new BadRequestException(field + " must use a host name, not an IP address");
        }
        if (uri.getPort() != -1) {
            throw new BadRequestException(field + " must not name a port");
        }
        if (uri.getRawFragment() != null) {
            throw new BadRequestException(field + " must not have a fragment");
        }
    }

    /** Our own answer as JSON (maps and lists of plain values: cannot fail but for a bug, hence unchecked). */
    static String json(ObjectMapper mapper, Object answer) {
        try {
            return mapper.writeValueAsString(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
