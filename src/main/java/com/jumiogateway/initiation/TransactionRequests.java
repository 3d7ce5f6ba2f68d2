package com.jumiogateway.initiation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jumiogateway.api.BadRequestException;
import com.jumiogateway.reconciliation.JumioApiProperties;
import com.jumiogateway.reconciliation.JumioApiProperties.DataCenter;
import com.jumiogateway.reconciliation.PendingTransactions;
import com.jumiogateway.reconciliation.PendingTransactions.Registration;
import com.jumiogateway.result.CallbackKind;
import java.net.IDN;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * The /api/transactions requests: validates them before anything is sent to Jumio, builds the V4 initiation body,
 * records initiated and registered transactions as pending, and turns Jumio's errors into clear JSON answers.
 */
@Component("transactionRequests")
public class TransactionRequests {

    public static final String BASE_URL_PROPERTY = "JumioBaseUrl";
    public static final String ANSWER_STATUS_PROPERTY = "AnswerStatus";
    private static final Logger log = LoggerFactory.getLogger(TransactionRequests.class);
    private static final int MAX_REFERENCE = 100;
    private static final Pattern SCAN_REFERENCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern PLATFORM_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,99}");
    private static final Pattern LOCALE = Pattern.compile("[a-zA-Z]{2,3}([-_][a-zA-Z0-9]{2,4})?");
    private static final Pattern ALPHA3 = Pattern.compile("[A-Z]{3}");
    private static final Set<String> ID_TYPES = Set.of("PASSPORT", "DRIVING_LICENSE", "ID_CARD", "VISA");
    private static final Set<String> INITIATION_FIELDS = Set.of("customerInternalReference", "userReference",
            "dataCenter", "callbackUrl", "successUrl", "errorUrl", "workflowId", "presets", "locale",
            "tokenLifetimeInMinutes", "reportingCriteria", "product");
    private static final Set<String> REGISTRATION_FIELDS = Set.of("scanReference", "kind", "dataCenter", "accountId",
            "customerInternalReference", "userReference", "initiatedAt", "tokenLifetimeMinutes");

    private final ObjectMapper mapper;
    private final JumioApiProperties jumio;
    private final PendingTransactions pending;
    private final Clock clock;

    private final org.springframework.beans.factory.ObjectProvider<com.jumiogateway.platform.PlatformTransactions> platform;

    public TransactionRequests(ObjectMapper mapper, JumioApiProperties jumio, PendingTransactions pending, Clock clock,
                               org.springframework.beans.factory.ObjectProvider<com.jumiogateway.platform.PlatformTransactions> platform) {
        this.platform = platform;
        this.mapper = mapper;
        this.jumio = jumio;
        this.pending = pending;
        this.clock = clock;
    }

    // --- POST /api/transactions -------------------------------------------------------------------------------

    /**
     * Validates the caller's request and returns the V4 initiation body. Remembers the data center's base URL and
     * the references in exchange properties for the answer.
     */
    public String initiation(@Body String body, Exchange exchange) {
        if (!jumio.credentialsConfigured()) {
            throw new ApiRequestException(503, "jumio-not-configured",
                    "Jumio API credentials are not configured (GATEWAY_JUMIO_API_TOKEN, GATEWAY_JUMIO_API_SECRET)");
        }
        ObjectNode request = object(body, INITIATION_FIELDS);
        JumioApiProperties.Initiation defaults = jumio.getInitiation();
        ObjectNode v4 = mapper.createObjectNode();
        String customerInternalReference = reference(request, "customerInternalReference");
        String userReference = reference(request, "userReference");
        v4.put("customerInternalReference", customerInternalReference);
        v4.put("userReference", userReference);
        DataCenter dataCenter = dataCenter(request);
        for (String field : new String[] {"callbackUrl", "successUrl", "errorUrl"}) {
            String url = optionalText(request, field);
            if (url == null) {
                url = switch (field) {
                    case "callbackUrl" -> defaults.getCallbackUrl();
                    case "successUrl" -> defaults.getSuccessUrl();
                    default -> defaults.getErrorUrl();
                };
                url = StringUtils.hasText(url) ? url : null;
            } else {
                checkUrl(field, url);
            }
            if (url != null) {
                v4.put(field, url);
            }
        }
        String reportingCriteria = optionalText(request, "reportingCriteria");
        if (reportingCriteria != null) {
            if (reportingCriteria.length() > MAX_REFERENCE) {
                throw badRequest("reportingCriteria must have at most " + MAX_REFERENCE + " characters");
            }
            v4.put("reportingCriteria", reportingCriteria);
        }
        Integer workflowId = request.has("workflowId") ? Integer.valueOf(positiveInt(request, "workflowId")) : defaults.getWorkflowId();
        if (workflowId != null) {
            v4.put("workflowId", workflowId);
        }
        if (request.has("presets")) {
            v4.set("presets", presets(request.get("presets")));
        }
        String locale = request.has("locale") ? optionalText(request, "locale") : defaults.getLocale();
        if (StringUtils.hasText(locale)) {
            if (!LOCALE.matcher(locale).matches()) {
                throw badRequest("locale must look like en, en-GB or zh-CN");
            }
            v4.put("locale", locale);
        }
        int lifetime = request.has("tokenLifetimeInMinutes") ? positiveInt(request, "tokenLifetimeInMinutes")
                : defaults.getTokenLifetimeMinutes();
        if (lifetime < 5 || lifetime > 86400) {
            throw badRequest("tokenLifetimeInMinutes must be between 5 and 86400");
        }
        v4.put("tokenLifetimeInMinutes", lifetime);
        exchange.setProperty(BASE_URL_PROPERTY, baseUrl(jumio.urls(dataCenter).getNetverifyUrl()));
        exchange.setProperty("InitiationDataCenter", dataCenter);
        exchange.setProperty("InitiationLifetime", lifetime);
        exchange.setProperty("InitiationCustomerInternalReference", customerInternalReference);
        exchange.setProperty("InitiationUserReference", userReference);
        return json(v4);
    }

    /** Jumio answered 200: records the transaction as pending and returns our answer. */
    public String initiated(@Body String jumioAnswer, Exchange exchange) {
        JsonNode answer;
        try {
            answer = mapper.readTree(jumioAnswer == null ? "" : jumioAnswer);
        } catch (JsonProcessingException e) {
            answer = null;
        }
        String transactionReference = answer == null ? null : text(answer, "transactionReference");
        String redirectUrl = answer == null ? null : text(answer, "redirectUrl");
        if (transactionReference == null || redirectUrl == null || !SCAN_REFERENCE.matcher(transactionReference).matches()) {
            throw new ApiRequestException(502, "jumio-bad-answer",
                    "Jumio's initiation answer has no usable transactionReference or redirectUrl");
        }
        DataCenter dataCenter = exchange.getProperty("InitiationDataCenter", DataCenter.class);
        int lifetime = exchange.getProperty("InitiationLifetime", Integer.class);
        Map<String, Object> row = pending.register(new Registration(transactionReference, CallbackKind.NETVERIFY,
                dataCenter, "INITIATED", exchange.getProperty("InitiationCustomerInternalReference", String.class),
                exchange.getProperty("InitiationUserReference", String.class), clock.instant(), lifetime));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("transactionReference", transactionReference);
        result.put("redirectUrl", redirectUrl);
        result.put("timestamp", text(answer, "timestamp"));
        result.put("dataCenter", dataCenter.name());
        result.put("tokenLifetimeInMinutes", lifetime);
        result.put("pending", row);
        exchange.setProperty(ANSWER_STATUS_PROPERTY, 201);
        log.info("Initiated Jumio transaction {} ({})", transactionReference, dataCenter);
        return json(result);
    }

    /** Jumio answered anything but 200: a clear error for our caller, never Jumio's body or a stack trace. */
    public String jumioRefused(@Header(Exchange.HTTP_RESPONSE_CODE) Integer code, Exchange exchange) {
        int jumioStatus = code == null ? 0 : code;
        log.warn("Jumio refused an initiation: HTTP {}", jumioStatus);
        ApiRequestException error;
        if (jumioStatus == 400 || jumioStatus == 422) {
            error = new ApiRequestException(422, "jumio-rejected-request", "Jumio rejected the initiation request (HTTP "
                    + jumioStatus + "); check workflowId, presets, locale and URLs");
        } else if (jumioStatus == 401 || jumioStatus == 403) {
            error = new ApiRequestException(502, "jumio-credentials-refused",
                    "Jumio refused the gateway's API credentials (HTTP " + jumioStatus + ")");
        } else if (jumioStatus == 429) {
            error = new ApiRequestException(503, "jumio-rate-limited", "Jumio asks to slow down (HTTP 429); retry later");
        } else if (jumioStatus >= 500) {
            error = new ApiRequestException(502, "jumio-unavailable", "Jumio is unavailable (HTTP " + jumioStatus + ")");
        } else {
            error = new ApiRequestException(502, "jumio-unexpected-answer", "Jumio answered HTTP " + jumioStatus);
        }
        throw error;
    }

    // --- POST /api/transactions/pending -----------------------------------------------------------------------

    /** Registers a scan reference initiated elsewhere; 201 when new, 200 when it was known already. */
    public String registration(@Body String body, Exchange exchange) {
        ObjectNode request = object(body, REGISTRATION_FIELDS);
        String scanReference = optionalText(request, "scanReference");
        if (scanReference == null || !SCAN_REFERENCE.matcher(scanReference).matches()) {
            throw badRequest("scanReference is required: Jumio's scan or transaction reference (letters, digits, '-', '.', '_', at most 100)");
        }
        CallbackKind kind = CallbackKind.NETVERIFY;
        String kindText = optionalText(request, "kind");
        if (kindText != null) {
            try {
                kind = CallbackKind.valueOf(kindText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                kind = null;
            }
            if (kind == null) {
                throw badRequest("kind must be NETVERIFY, DOCUMENT_VERIFICATION or PLATFORM");
            }
        }
        Instant initiatedAt = clock.instant();
        String initiatedText = optionalText(request, "initiatedAt");
        if (initiatedText != null) {
            try {
                initiatedAt = OffsetDateTime.parse(initiatedText).toInstant();
            } catch (DateTimeParseException e) {
                throw badRequest("initiatedAt must be an ISO-8601 timestamp with offset, e.g. 2024-03-01T10:00:00Z");
            }
            if (initiatedAt.isAfter(clock.instant().plusSeconds(300))) {
                throw badRequest("initiatedAt lies in the future");
            }
        }
        int lifetime = request.has("tokenLifetimeMinutes") ? positiveInt(request, "tokenLifetimeMinutes")
                : jumio.getInitiation().getTokenLifetimeMinutes();
        if (lifetime < 5 || lifetime > 86400) {
            throw badRequest("tokenLifetimeMinutes must be between 5 and 86400");
        }
        String customerInternalReference = request.has("customerInternalReference")
                ? reference(request, "customerInternalReference") : null;
        String userReference = request.has("userReference") ? reference(request, "userReference") : null;
        // a Jumio Platform workflow execution (scanReference) belongs to an account: the poller's URLs need it
        String accountId = optionalText(request, "accountId");
        if (kind == CallbackKind.PLATFORM) {
            if (accountId == null || !PLATFORM_ID.matcher(accountId).matches()) {
                throw badRequest("accountId is required for kind PLATFORM: the Jumio Platform account of the workflow execution");
            }
            platform.getObject().registerExecution(scanReference, accountId, userReference);
        } else if (accountId != null) {
            throw badRequest("accountId is for kind PLATFORM only");
        }
        Map<String, Object> row = pending.register(new Registration(scanReference, kind, dataCenter(request),
                "REGISTERED", customerInternalReference, userReference, initiatedAt, lifetime));
        exchange.setProperty(ANSWER_STATUS_PROPERTY, Boolean.TRUE.equals(row.get("created")) ? 201 : 200);
        return json(row);
    }

    // --- GET /api/transactions --------------------------------------------------------------------------------

    /** An unknown state: PendingTransactions throws BadRequestException, answered 400 bad-request by errorAnswer. */
    public String list(@Header("state") String state) {
        return json(pending.list(state));
    }

    // --- errors -----------------------------------------------------------------------------------------------

    /** Error step of the routes: sets the status and returns {"error", "message"} (never a stack trace). */
    public String errorAnswer(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int status;
        String error;
        String message;
        if (cause instanceof ApiRequestException api) {
            status = api.getStatus();
            error = api.getError();
            message = api.getMessage();
        } else if (cause instanceof BadRequestException bad) {
            // the caller's mistake found by a shared bean: the same 400 as http-errors' bad-request
            status = 400;
            error = "bad-request";
            message = bad.getMessage();
        } else if (isTransport(cause)) {
            status = 504;
            error = "jumio-unreachable";
            message = "Jumio could not be reached in time; retry later";
            log.warn("Jumio unreachable on {}: {}", exchange.getFromRouteId(), cause.getClass().getSimpleName());
        } else if (cause instanceof org.springframework.dao.DataAccessException || cause instanceof java.sql.SQLException) {
            status = 503;
            error = "unavailable";
            message = "Storage is unavailable; please retry";
            log.warn("Database unavailable on {}: {}", exchange.getFromRouteId(), cause.getClass().getSimpleName());
        } else {
            status = 500;
            error = "internal";
            message = "Internal error";
            log.error("Unexpected error on {}", exchange.getFromRouteId(), cause);
        }
        exchange.setProperty(ANSWER_STATUS_PROPERTY, status);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("error", error);
        answer.put("message", message);
        return json(answer);
    }

    private static boolean isTransport(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException || t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    // --- helpers ----------------------------------------------------------------------------------------------

    private ObjectNode object(String body, Set<String> allowed) {
        return jsonObject(mapper, body, allowed, "");
    }

    /**
     * A request body that must be a JSON object with only the allowed fields (400 otherwise, before anything is sent
     * to Jumio). Unknown field names are echoed only when they are short and plain, never arbitrary input.
     */
    public static ObjectNode jsonObject(ObjectMapper mapper, String body, Set<String> allowed, String context) {
        JsonNode node;
        try {
            node = body == null || body.isBlank() ? null : mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw badRequest("The body must be a JSON object");
        }
        if (!(node instanceof ObjectNode object)) {
            throw badRequest("The body must be a JSON object");
        }
        for (String field : (Iterable<String>) object::fieldNames) {
            if (!allowed.contains(field)) {
                throw badRequest("Unknown field '" + (field.length() <= 40 && field.matches("[A-Za-z0-9_]+") ? field : "?")
                        + "'" + context + "; allowed: " + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
        return object;
    }

    private String reference(ObjectNode request, String field) {
        JsonNode node = request.get(field);
        if (node == null || !node.isTextual() || node.textValue().isBlank()) {
            throw badRequest(field + " is required (our reference, no personal data, at most " + MAX_REFERENCE + " characters)");
        }
        String value = node.textValue().strip();
        if (value.length() > MAX_REFERENCE) {
            throw badRequest(field + " must have at most " + MAX_REFERENCE + " characters");
        }
        return value;
    }

    private DataCenter dataCenter(ObjectNode request) {
        String text = optionalText(request, "dataCenter");
        if (text == null) {
            return jumio.getDefaultDataCenter();
        }
        try {
            return DataCenter.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw badRequest("dataCenter must be US, EU or SGP");
        }
    }

    private static String optionalText(ObjectNode request, String field) {
        JsonNode node = request.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw badRequest(field + " must be a string");
        }
        return node.textValue().isBlank() ? null : node.textValue().strip();
    }

    private static int positiveInt(ObjectNode request, String field) {
        JsonNode node = request.get(field);
        if (node == null || !node.canConvertToInt() || !node.isIntegralNumber() || node.intValue() <= 0) {
            throw badRequest(field + " must be a positive whole number");
        }
        return node.intValue();
    }

    /** Jumio's URL constraints: HTTPS, a host name (no IP address), no port, no fragment, at most 255 characters. */
    static void checkUrl(String field, String url) {
        if (url.length() > 255) {
            throw badRequest(field + " must have at most 255 characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw badRequest(field + " is not a valid URL");
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw badRequest(field + " must be an https:// URL with a host name");
        }
        String host = IDN.toASCII(uri.getHost());
        if (host.matches("[0-9.]+") || host.startsWith("[")) {
            throw badRequest(field + " must use a host name, not an IP address");
        }
        if (uri.getPort() != -1) {
            throw badRequest(field + " must not name a port");
        }
        if (uri.getRawFragment() != null) {
            throw badRequest(field + " must not have a fragment");
        }
    }

    private ArrayNode presets(JsonNode node) {
        if (!node.isArray() || node.isEmpty() || node.size() > 3) {
            throw badRequest("presets must be an array of 1 to 3 objects {index, country, type}");
        }
        ArrayNode presets = mapper.createArrayNode();
        for (JsonNode preset : node) {
            if (!preset.isObject() || !preset.path("index").isIntegralNumber()
                    || !preset.path("country").isTextual() || !ALPHA3.matcher(preset.path("country").textValue()).matches()
                    || !preset.path("type").isTextual() || !ID_TYPES.contains(preset.path("type").textValue())) {
                throw badRequest("each preset needs index (number), country (ISO 3166-1 alpha-3, e.g. AUT) and type"
                        + " (PASSPORT, DRIVING_LICENSE, ID_CARD or VISA)");
            }
            ObjectNode copy = presets.addObject();
            copy.put("index", preset.get("index").intValue());
            copy.put("country", preset.get("country").textValue());
            copy.put("type", preset.get("type").textValue());
        }
        return presets;
    }

    private static String baseUrl(String url) {
        if (!StringUtils.hasText(url)) {
            throw new ApiRequestException(503, "jumio-not-configured", "No Jumio base URL configured for this data center");
        }
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || !value.isValueNode() || value.asText().isBlank() ? null : value.asText();
    }

    private static ApiRequestException badRequest(String message) {
        return new ApiRequestException(400, "bad-request", message);
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
