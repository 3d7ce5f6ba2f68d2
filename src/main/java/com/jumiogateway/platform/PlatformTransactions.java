package com.jumiogateway.platform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jumiogateway.initiation.ApiRequestException;
import com.jumiogateway.initiation.TransactionRequests;
import com.jumiogateway.platform.PlatformApi.Answer;
import com.jumiogateway.reconciliation.JumioApiProperties.DataCenter;
import com.jumiogateway.reconciliation.PendingTransaction;
import com.jumiogateway.reconciliation.PendingTransactions;
import com.jumiogateway.reconciliation.PendingTransactions.Registration;
import com.jumiogateway.result.CallbackKind;
import com.jumiogateway.result.VerificationResult;
import com.jumiogateway.result.VerificationResultStore;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
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
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.StringUtils;

/**
 * Jumio Platform transactions: initiation through the account API (POST for a new end user, PUT for the account we
 * remember per userReference), the workflow execution registry (account and end user of each execution, for the
 * lookup API and the poller's URLs) and the lookup of stored Platform results.
 */
public class PlatformTransactions {

    private static final Logger log = LoggerFactory.getLogger(PlatformTransactions.class);
    private static final int MAX_REFERENCE = 100;
    private static final Pattern LOCALE = Pattern.compile("[a-zA-Z]{2,3}([-_][a-zA-Z0-9]{2,4})?");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,99}");
    private static final Set<String> FIELDS = Set.of("product", "customerInternalReference", "userReference",
            "workflowKey", "callbackUrl", "successUrl", "errorUrl", "locale", "tokenLifetimeInMinutes");

    private final ObjectMapper mapper;
    private final PlatformProperties properties;
    private final PlatformApi api;
    private final PendingTransactions pending;
    private final VerificationResultStore results;
    private final JdbcTemplate jdbc;
    private final Clock clock;

    public PlatformTransactions(ObjectMapper mapper, PlatformProperties properties, PlatformApi api,
                                PendingTransactions pending, VerificationResultStore results, JdbcTemplate jdbc,
                                Clock clock) {
        this.mapper = mapper;
        this.properties = properties;
        this.api = api;
        this.pending = pending;
        this.results = results;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    // --- POST /api/transactions with the Platform selected -----------------------------------------------------

    /** Route predicate: the request asks for the Platform ("product": "PLATFORM"), or names none and it is the default. */
    public boolean selected(@Body String body) {
        String product = null;
        try {
            JsonNode node = body == null || body.isBlank() ? null : mapper.readTree(body);
            if (node != null && node.path("product").isTextual()) {
                product = node.path("product").textValue().strip().toUpperCase(Locale.ROOT);
            }
        } catch (JsonProcessingException e) {
            return false; // the V4 validation answers 400
        }
        if (product == null) {
            return properties.isEnabled() && properties.getDefaultProduct() == PlatformProperties.Product.PLATFORM;
        }
        if (product.equals("PLATFORM")) {
            if (!properties.isEnabled()) {
                throw new ApiRequestException(400, "bad-request", "The Jumio Platform is disabled on this gateway");
            }
            return true;
        }
        if (!product.equals("NETVERIFY")) {
            throw new ApiRequestException(400, "bad-request", "product must be NETVERIFY or PLATFORM");
        }
        return false;
    }

    /**
     * Validates the request (400 before anything is sent), creates the account (POST) or adds a transaction to the
     * account we know for the userReference (PUT), remembers the account, records the workflow execution as pending
     * and returns what the caller's front end needs.
     */
    public String initiate(@Body String body, Exchange exchange) throws IOException, InterruptedException {
        ObjectNode request = object(body);
        String customerInternalReference = reference(request, "customerInternalReference");
        String userReference = reference(request, "userReference");
        String workflowKey = request.has("workflowKey") && !request.get("workflowKey").isNull()
                ? request.get("workflowKey").asText().strip() : properties.getWorkflowKey();
        if (!StringUtils.hasText(workflowKey) || !workflowKey.matches("[A-Za-z0-9_.-]{1,50}")) {
            throw badRequest("workflowKey is required (or set GATEWAY_PLATFORM_WORKFLOW_KEY): the Platform workflow definition key");
        }
        int lifetime = properties.getTokenLifetimeMinutes();
        if (request.has("tokenLifetimeInMinutes")) {
            JsonNode node = request.get("tokenLifetimeInMinutes");
            if (!node.canConvertToInt() || !node.isIntegralNumber()) {
                throw badRequest("tokenLifetimeInMinutes must be a whole number");
            }
            lifetime = node.intValue();
        }
        if (lifetime < 5 || lifetime > 86400) {
            throw badRequest("tokenLifetimeInMinutes must be between 5 and 86400");
        }
        ObjectNode jumio = mapper.createObjectNode();
        jumio.put("customerInternalReference", customerInternalReference);
        jumio.put("userReference", userReference);
        ObjectNode definition = jumio.putObject("workflowDefinition");
        if (workflowKey.matches("\\d{1,9}")) {
            definition.put("key", Integer.parseInt(workflowKey));
        } else {
            definition.put("key", workflowKey);
        }
        String callbackUrl = url(request, "callbackUrl", properties.getCallbackUrl());
        if (callbackUrl != null) {
            jumio.put("callbackUrl", callbackUrl);
        }
        jumio.put("tokenLifetime", lifetime + "m");
        ObjectNode web = mapper.createObjectNode();
        String successUrl = url(request, "successUrl", properties.getSuccessUrl());
        String errorUrl = url(request, "errorUrl", properties.getErrorUrl());
        String locale = request.has("locale") ? text(request, "locale") : properties.getLocale();
        if (successUrl != null) {
            web.put("successUrl", successUrl);
        }
        if (errorUrl != null) {
            web.put("errorUrl", errorUrl);
        }
        if (StringUtils.hasText(locale)) {
            if (!LOCALE.matcher(locale).matches()) {
                throw badRequest("locale must look like en, en-GB or zh-CN");
            }
            web.put("locale", locale);
        }
        if (!web.isEmpty()) {
            jumio.set("web", web);
        }
        if (!properties.credentialsConfigured()) {
            throw new ApiRequestException(503, "jumio-platform-not-configured", "Jumio Platform credentials are not"
                    + " configured (GATEWAY_PLATFORM_CLIENT_ID, GATEWAY_PLATFORM_CLIENT_SECRET)");
        }
        String requestJson = mapper.writeValueAsString(jumio);
        String knownAccount = accountOf(userReference);
        Answer answer;
        boolean created;
        try {
            if (knownAccount != null) {
                answer = api.put(properties.accountBase() + "/api/v1/accounts/" + knownAccount, requestJson);
                created = false;
                if (answer.status() == 404) {
                    // the account is gone at Jumio (deleted): start a new one for this user
                    log.warn("Jumio Platform account of a known user is gone (404): creating a new one");
                    answer = api.post(properties.accountBase() + "/api/v1/accounts", requestJson);
                    created = true;
                }
            } else {
                answer = api.post(properties.accountBase() + "/api/v1/accounts", requestJson);
                created = true;
            }
        } catch (PlatformApiException e) {
            throw refused(e.getStatus(), "token");
        }
        if (answer.status() != 200 && answer.status() != 201) {
            throw refused(answer.status(), "account");
        }
        JsonNode reply;
        try {
            reply = mapper.readTree(answer.body() == null ? "" : answer.body());
        } catch (JsonProcessingException e) {
            reply = null;
        }
        String accountId = reply == null ? null : PlatformResults.text(reply.path("account"), "id");
        JsonNode execution = reply == null ? null : reply.path("workflowExecution");
        String executionId = execution == null ? null : PlatformResults.text(execution, "id");
        if (accountId == null || executionId == null || !ID.matcher(accountId).matches() || !ID.matcher(executionId).matches()) {
            throw new ApiRequestException(502, "jumio-bad-answer",
                    "Jumio's account answer has no usable account or workflow execution id");
        }
        rememberAccount(userReference, accountId);
        rememberExecution(executionId, accountId, userReference);
        Map<String, Object> row = pending.register(new Registration(executionId, CallbackKind.PLATFORM, dataCenter(),
                "INITIATED", customerInternalReference, userReference, clock.instant(), lifetime));

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("product", "PLATFORM");
        result.put("accountId", accountId);
        result.put("accountCreated", created);
        result.put("workflowExecutionId", executionId);
        result.put("webHref", PlatformResults.text(reply.path("web"), "href"));
        result.put("sdkToken", PlatformResults.text(reply.path("sdk"), "token"));
        ArrayNode credentials = mapper.createArrayNode();
        for (JsonNode credential : execution.path("credentials")) {
            ObjectNode c = credentials.addObject();
            c.put("id", PlatformResults.text(credential, "id"));
            c.put("category", PlatformResults.text(credential, "category"));
            if (credential.has("allowedChannels")) {
                c.set("allowedChannels", credential.get("allowedChannels"));
            }
        }
        result.put("credentials", credentials);
        result.put("timestamp", PlatformResults.text(reply, "timestamp"));
        result.put("region", properties.getRegion());
        result.put("tokenLifetimeInMinutes", lifetime);
        result.put("pending", row);
        exchange.setProperty(TransactionRequests.ANSWER_STATUS_PROPERTY, 201);
        log.info("Initiated Jumio Platform workflow execution {} ({} account)", executionId, created ? "new" : "existing");
        return mapper.writeValueAsString(result);
    }

    private static ApiRequestException refused(int status, String what) {
        log.warn("Jumio Platform refused an initiation ({} request): HTTP {}", what, status);
        if (status == 400 || status == 422) {
            return new ApiRequestException(422, "jumio-rejected-request", "Jumio rejected the account request (HTTP "
                    + status + "); check workflowKey, URLs and locale");
        }
        if (status == 401 || status == 403) {
            return new ApiRequestException(502, "jumio-credentials-refused",
                    "Jumio refused the gateway's Platform credentials (HTTP " + status + ")");
        }
        if (status == 429) {
            return new ApiRequestException(503, "jumio-rate-limited", "Jumio asks to slow down (HTTP 429); retry later");
        }
        if (status >= 500) {
            return new ApiRequestException(502, "jumio-unavailable", "Jumio is unavailable (HTTP " + status + ")");
        }
        return new ApiRequestException(502, "jumio-unexpected-answer", "Jumio answered HTTP " + status);
    }

    private DataCenter dataCenter() {
        return switch (properties.getRegion()) {
            case "emea-1" -> DataCenter.EU;
            case "apac-1" -> DataCenter.SGP;
            default -> DataCenter.US;
        };
    }

    // --- registry of accounts and executions ------------------------------------------------------------------

    public String accountOf(String userReference) {
        List<String> ids = jdbc.queryForList("SELECT account_id FROM platform_account WHERE user_reference = ?",
                String.class, userReference);
        return ids.isEmpty() ? null : ids.get(0);
    }

    private void rememberAccount(String userReference, String accountId) {
        Timestamp now = Timestamp.from(clock.instant());
        if (jdbc.update("UPDATE platform_account SET account_id = ?, updated_at = ? WHERE user_reference = ?",
                accountId, now, userReference) == 0) {
            try {
                jdbc.update("INSERT INTO platform_account (user_reference, account_id, created_at, updated_at)"
                        + " VALUES (?, ?, ?, ?)", userReference, accountId, now, now);
            } catch (DuplicateKeyException raced) {
                jdbc.update("UPDATE platform_account SET account_id = ?, updated_at = ? WHERE user_reference = ?",
                        accountId, now, userReference);
            }
        }
    }

    /** Records the account (and end user) of a workflow execution initiated elsewhere (POST /api/transactions/pending). */
    public void registerExecution(String executionId, String accountId, String userReference) {
        rememberExecution(executionId, accountId, userReference);
    }

    private void rememberExecution(String executionId, String accountId, String userReference) {
        try {
            jdbc.update("INSERT INTO platform_execution (workflow_execution_id, account_id, user_reference, region,"
                            + " created_at) VALUES (?, ?, ?, ?, ?)", executionId, accountId, userReference,
                    properties.getRegion(), Timestamp.from(clock.instant()));
        } catch (DuplicateKeyException known) {
            if (userReference != null) {
                jdbc.update("UPDATE platform_execution SET user_reference = ? WHERE workflow_execution_id = ?"
                        + " AND user_reference IS NULL", userReference, executionId);
            }
        }
    }

    /** Route step: records the account and end user of a Platform result's workflow execution (idempotent). */
    public void remember(@Body VerificationResult result) {
        if (result.kind() == CallbackKind.PLATFORM && result.details() instanceof Map<?, ?> details
                && details.get("accountId") instanceof String accountId) {
            Object user = details.get("userReference");
            rememberExecution(result.scanReference(), accountId, user instanceof String u ? u : null);
        }
    }

    /** Route step of the poller: the account id of the claimed workflow execution (for the retrieval URLs). */
    public String accountOfExecution(@ExchangeProperty(PendingTransactions.ROW_PROPERTY) PendingTransaction row) {
        List<String> ids = jdbc.queryForList("SELECT account_id FROM platform_execution WHERE workflow_execution_id = ?",
                String.class, row.scanReference());
        if (ids.isEmpty()) {
            throw new IllegalStateException("No account known for Platform workflow execution " + row.scanReference());
        }
        return ids.get(0);
    }

    // --- GET /api/platform/verifications ----------------------------------------------------------------------

    /** Stored Platform results by workflowExecutionId, accountId or userReference (newest first, at most 100). */
    public String find(@Header("workflowExecutionId") String executionId, @Header("accountId") String accountId,
                       @Header("userReference") String userReference) throws JsonProcessingException {
        Set<String> references = new LinkedHashSet<>();
        String order = " ORDER BY r.event_time DESC FETCH FIRST 100 ROWS ONLY";
        if (StringUtils.hasText(executionId)) {
            references.addAll(jdbc.queryForList("SELECT r.scan_reference FROM verification_result r WHERE"
                    + " r.kind = 'PLATFORM' AND r.scan_reference = ?" + order, String.class, executionId.strip()));
        } else if (StringUtils.hasText(accountId)) {
            references.addAll(jdbc.queryForList("SELECT r.scan_reference FROM verification_result r JOIN"
                    + " platform_execution e ON e.workflow_execution_id = r.scan_reference WHERE r.kind = 'PLATFORM'"
                    + " AND e.account_id = ?" + order, String.class, accountId.strip()));
        } else if (StringUtils.hasText(userReference)) {
            references.addAll(jdbc.queryForList("SELECT r.scan_reference FROM verification_result r JOIN"
                    + " platform_execution e ON e.workflow_execution_id = r.scan_reference WHERE r.kind = 'PLATFORM'"
                    + " AND e.user_reference = ?" + order, String.class, userReference.strip()));
        } else {
            throw new ApiRequestException(400, "bad-request",
                    "Give one of workflowExecutionId, accountId or userReference");
        }
        ArrayNode answer = mapper.createArrayNode();
        for (String reference : references) {
            String json = results.findJson(reference);
            if (json != null) {
                answer.add(mapper.readTree(json));
            }
        }
        return mapper.writeValueAsString(answer);
    }

    // --- helpers ----------------------------------------------------------------------------------------------

    private ObjectNode object(String body) {
        return TransactionRequests.jsonObject(mapper, body, FIELDS, " for the Platform");
    }

    private static String reference(ObjectNode request, String field) {
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

    private static String text(ObjectNode request, String field) {
        JsonNode node = request.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw badRequest(field + " must be a string");
        }
        return node.textValue().isBlank() ? null : node.textValue().strip();
    }

    private static String url(ObjectNode request, String field, String fallback) {
        String value = text(request, field);
        if (value == null) {
            return StringUtils.hasText(fallback) ? fallback : null;
        }
        try {
            URI uri = new URI(value);
            if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getFragment() != null
                    || value.length() > 255) {
                throw badRequest(field + " must be an https URL without fragment, at most 255 characters");
            }
        } catch (URISyntaxException e) {
            throw badRequest(field + " is not a valid URL");
        }
        return value;
    }

    private static ApiRequestException badRequest(String message) {
        return new ApiRequestException(400, "bad-request", message);
    }

}
