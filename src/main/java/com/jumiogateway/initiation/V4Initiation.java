package com.jumiogateway.initiation;

import static com.jumiogateway.initiation.TransactionApi.MAX_REFERENCE;
import static com.jumiogateway.initiation.TransactionApi.lifetime;
import static com.jumiogateway.initiation.TransactionApi.optionalText;
import static com.jumiogateway.initiation.TransactionApi.positiveInt;
import static com.jumiogateway.initiation.TransactionApi.reference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jumiogateway.api.ApiProblem;
import com.jumiogateway.api.BadRequestException;
import com.jumiogateway.reconciliation.JumioApiProperties;
import com.jumiogateway.reconciliation.JumioApiProperties.DataCenter;
import com.jumiogateway.reconciliation.PendingTransactions;
import com.jumiogateway.reconciliation.PendingTransactions.Registration;
import com.jumiogateway.result.CallbackKind;
import com.jumiogateway.routing.ExchangeNames;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * POST /api/transactions through Jumio's V4 initiation: validates the caller's request and builds Jumio's body
 * (before anything is sent), records the initiated transaction as pending, and turns Jumio's refusals into clear
 * errors.
 */
@Component("v4Initiation")
public class V4Initiation {

    // what initiation() reads from the request and initiated() records: exchange properties between the two calls
    private static final String DATA_CENTER = "InitiationDataCenter";
    private static final String LIFETIME = "InitiationLifetime";
    private static final String CUSTOMER_INTERNAL_REFERENCE = "InitiationCustomerInternalReference";
    private static final String USER_REFERENCE = "InitiationUserReference";

    private static final Logger log = LoggerFactory.getLogger(V4Initiation.class);
    private static final Pattern SCAN_REFERENCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern ALPHA3 = Pattern.compile("[A-Z]{3}");
    private static final Set<String> ID_TYPES = Set.of("PASSPORT", "DRIVING_LICENSE", "ID_CARD", "VISA");
    private static final Set<String> FIELDS = Set.of("customerInternalReference", "userReference",
            "dataCenter", "callbackUrl", "successUrl", "errorUrl", "workflowId", "presets", "locale",
            "tokenLifetimeInMinutes", "reportingCriteria", "product");

    private final ObjectMapper mapper;
    private final JumioApiProperties jumio;
    private final PendingTransactions pending;
    private final Clock clock;

    public V4Initiation(ObjectMapper mapper, JumioApiProperties jumio, PendingTransactions pending, Clock clock) {
        this.mapper = mapper;
        this.jumio = jumio;
        this.pending = pending;
        this.clock = clock;
    }

    /**
     * Validates the caller's request and returns the V4 initiation body. Remembers the data center's base URL and
     * the references in exchange properties for the answer.
     */
    public String initiation(@Body String body, Exchange exchange) {
        if (!jumio.credentialsConfigured()) {
            throw new ApiProblem(503, "jumio-not-configured",
                    "Jumio API credentials are not configured (GATEWAY_JUMIO_API_TOKEN, GATEWAY_JUMIO_API_SECRET)");
        }
        ObjectNode request = TransactionApi.jsonObject(mapper, body, FIELDS, "");
        JumioApiProperties.Initiation defaults = jumio.getInitiation();
        ObjectNode v4 = mapper.createObjectNode();
        String customerInternalReference = reference(request, "customerInternalReference");
        String userReference = reference(request, "userReference");
        v4.put("customerInternalReference", customerInternalReference);
        v4.put("userReference", userReference);
        DataCenter dataCenter = TransactionApi.dataCenter(jumio, request);
        putIfPresent(v4, "callbackUrl", TransactionApi.url(request, "callbackUrl", defaults.getCallbackUrl()));
        putIfPresent(v4, "successUrl", TransactionApi.url(request, "successUrl", defaults.getSuccessUrl()));
        putIfPresent(v4, "errorUrl", TransactionApi.url(request, "errorUrl", defaults.getErrorUrl()));
        String reportingCriteria = optionalText(request, "reportingCriteria");
        if (reportingCriteria != null && reportingCriteria.length() > MAX_REFERENCE) {
            throw new BadRequestException("reportingCriteria must have at most " + MAX_REFERENCE + " characters");
        }
        putIfPresent(v4, "reportingCriteria", reportingCriteria);
        Integer workflowId = request.has("workflowId") ? Integer.valueOf(positiveInt(request, "workflowId")) : defaults.getWorkflowId();
        if (workflowId != null) {
            v4.put("workflowId", workflowId);
        }
        if (request.has("presets")) {
            v4.set("presets", presets(request.get("presets")));
        }
        putIfPresent(v4, "locale", TransactionApi.locale(request.has("locale") ? optionalText(request, "locale")
                : defaults.getLocale()));
        int lifetime = lifetime(request.has("tokenLifetimeInMinutes") ? positiveInt(request, "tokenLifetimeInMinutes")
                : defaults.getTokenLifetimeMinutes(), "tokenLifetimeInMinutes");
        v4.put("tokenLifetimeInMinutes", lifetime);
        exchange.setProperty(ExchangeNames.JUMIO_BASE_URL, baseUrl(jumio.urls(dataCenter).getNetverifyUrl()));
        exchange.setProperty(DATA_CENTER, dataCenter);
        exchange.setProperty(LIFETIME, lifetime);
        exchange.setProperty(CUSTOMER_INTERNAL_REFERENCE, customerInternalReference);
        exchange.setProperty(USER_REFERENCE, userReference);
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
            throw JumioRefusals.badAnswer("Jumio's initiation answer has no usable transactionReference or redirectUrl");
        }
        DataCenter dataCenter = exchange.getProperty(DATA_CENTER, DataCenter.class);
        int lifetime = exchange.getProperty(LIFETIME, Integer.class);
        Map<String, Object> row = pending.register(new Registration(transactionReference, CallbackKind.NETVERIFY,
                dataCenter, "INITIATED", exchange.getProperty(CUSTOMER_INTERNAL_REFERENCE, String.class),
                exchange.getProperty(USER_REFERENCE, String.class), clock.instant(), lifetime));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("transactionReference", transactionReference);
        result.put("redirectUrl", redirectUrl);
        result.put("timestamp", text(answer, "timestamp"));
        result.put("dataCenter", dataCenter.name());
        result.put("tokenLifetimeInMinutes", lifetime);
        result.put("pending", row);
        exchange.setProperty(ExchangeNames.ANSWER_STATUS, 201);
        log.info("Initiated Jumio transaction {} ({})", transactionReference, dataCenter);
        return json(result);
    }

    /** Jumio answered anything but 200: a clear error for our caller, never Jumio's body or a stack trace. */
    public void jumioRefused(@Header(Exchange.HTTP_RESPONSE_CODE) Integer code) {
        int jumioStatus = code == null ? 0 : code;
        log.warn("Jumio refused an initiation: HTTP {}", jumioStatus);
        throw JumioRefusals.refusal(jumioStatus, "initiation", "workflowId, presets, locale and URLs", "API");
    }

    private ArrayNode presets(JsonNode node) {
        if (!node.isArray() || node.isEmpty() || node.size() > 3) {
            throw new BadRequestException("presets must be an array of 1 to 3 objects {index, country, type}");
        }
        ArrayNode presets = mapper.createArrayNode();
        for (JsonNode preset : node) {
            if (!preset.isObject() || !preset.path("index").isIntegralNumber()
                    || !preset.path("country").isTextual() || !ALPHA3.matcher(preset.path("country").textValue()).matches()
                    || !preset.path("type").isTextual() || !ID_TYPES.contains(preset.path("type").textValue())) {
                throw new BadRequestException("each preset needs index (number), country (ISO 3166-1 alpha-3, e.g. AUT)"
                        + " and type (PASSPORT, DRIVING_LICENSE, ID_CARD or VISA)");
            }
            ObjectNode copy = presets.addObject();
            copy.put("index", preset.get("index").intValue());
            copy.put("country", preset.get("country").textValue());
            copy.put("type", preset.get("type").textValue());
        }
        return presets;
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static String baseUrl(String url) {
        if (!StringUtils.hasText(url)) {
            throw new ApiProblem(503, "jumio-not-configured", "No Jumio base URL configured for this data center");
        }
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || !value.isValueNode() || value.asText().isBlank() ? null : value.asText();
    }

    private String json(Object value) {
        return TransactionApi.json(mapper, value);
    }
}
