package com.jumiogateway.initiation;

import static com.jumiogateway.initiation.TransactionApi.optionalText;
import static com.jumiogateway.initiation.TransactionApi.reference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jumiogateway.api.ApiProblem;
import com.jumiogateway.api.BadRequestException;
import com.jumiogateway.platform.PlatformAccounts;
import com.jumiogateway.platform.PlatformApi;
import com.jumiogateway.platform.PlatformApi.Answer;
import com.jumiogateway.platform.PlatformApiException;
import com.jumiogateway.platform.PlatformProperties;
import com.jumiogateway.platform.PlatformResults;
import com.jumiogateway.reconciliation.JumioApiProperties.DataCenter;
import com.jumiogateway.reconciliation.PendingTransactions;
import com.jumiogateway.reconciliation.PendingTransactions.Registration;
import com.jumiogateway.result.CallbackKind;
import com.jumiogateway.routing.ExchangeNames;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * POST /api/transactions with the Jumio Platform selected: validates the request (400 before anything is sent),
 * creates the account (POST) or adds a transaction to the account known for the userReference (PUT), remembers the
 * account and workflow execution, records the execution as pending and answers what the caller's front end needs.
 */
@Component("platformInitiation")
public class PlatformInitiation {

    private static final Logger log = LoggerFactory.getLogger(PlatformInitiation.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,99}");
    private static final Set<String> FIELDS = Set.of("product", "customerInternalReference", "userReference",
            "workflowKey", "callbackUrl", "successUrl", "errorUrl", "locale", "tokenLifetimeInMinutes");

    /** The validated request: Jumio's body and what our answer and the pending row need. */
    private record Request(String customerInternalReference, String userReference, int lifetime, ObjectNode jumio) {
    }

    /** Jumio's answer to the account request, and whether it created a new account. */
    private record Sent(Answer answer, boolean created) {
    }

    private final ObjectMapper mapper;
    private final PlatformProperties properties;
    private final PlatformApi api;
    private final PlatformAccounts accounts;
    private final PendingTransactions pending;
    private final Clock clock;

    public PlatformInitiation(ObjectMapper mapper, PlatformProperties properties, PlatformApi api,
                              PlatformAccounts accounts, PendingTransactions pending, Clock clock) {
        this.mapper = mapper;
        this.properties = properties;
        this.api = api;
        this.accounts = accounts;
        this.pending = pending;
        this.clock = clock;
    }

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
                throw new BadRequestException("The Jumio Platform is disabled on this gateway");
            }
            return true;
        }
        if (!product.equals("NETVERIFY")) {
            throw new BadRequestException("product must be NETVERIFY or PLATFORM");
        }
        return false;
    }

    /** Validates, sends the account request, records the workflow execution and returns our answer (201). */
    public String initiate(@Body String body, Exchange exchange) throws IOException, InterruptedException {
        Request request = request(TransactionApi.jsonObject(mapper, body, FIELDS, " for the Platform"));
        if (!properties.credentialsConfigured()) {
            throw new ApiProblem(503, "jumio-platform-not-configured", "Jumio Platform credentials are not"
                    + " configured (GATEWAY_PLATFORM_CLIENT_ID, GATEWAY_PLATFORM_CLIENT_SECRET)");
        }
        Sent sent = send(request.userReference(), mapper.writeValueAsString(request.jumio()));
        JsonNode reply;
        try {
            reply = mapper.readTree(sent.answer().body() == null ? "" : sent.answer().body());
        } catch (JsonProcessingException e) {
            reply = null;
        }
        String accountId = reply == null ? null : PlatformResults.text(reply.path("account"), "id");
        JsonNode execution = reply == null ? null : reply.path("workflowExecution");
        String executionId = execution == null ? null : PlatformResults.text(execution, "id");
        if (accountId == null || executionId == null || !ID.matcher(accountId).matches() || !ID.matcher(executionId).matches()) {
            throw JumioRefusals.badAnswer("Jumio's account answer has no usable account or workflow execution id");
        }
        accounts.rememberAccount(request.userReference(), accountId);
        accounts.rememberExecution(executionId, accountId, request.userReference());
        Map<String, Object> row = pending.register(new Registration(executionId, CallbackKind.PLATFORM, dataCenter(),
                "INITIATED", request.customerInternalReference(), request.userReference(), clock.instant(),
                request.lifetime()));
        exchange.setProperty(ExchangeNames.ANSWER_STATUS, 201);
        log.info("Initiated Jumio Platform workflow execution {} ({} account)", executionId,
                sent.created() ? "new" : "existing");
        return mapper.writeValueAsString(answer(reply, accountId, sent.created(), executionId, request.lifetime(), row));
    }

    /** The caller's request, checked field by field, as the body of Jumio's account request. */
    private Request request(ObjectNode request) {
        String customerInternalReference = reference(request, "customerInternalReference");
        String userReference = reference(request, "userReference");
        String workflowKey = request.has("workflowKey") && !request.get("workflowKey").isNull()
                ? request.get("workflowKey").asText().strip() : properties.getWorkflowKey();
        if (!StringUtils.hasText(workflowKey) || !workflowKey.matches("[A-Za-z0-9_.-]{1,50}")) {
            throw new BadRequestException("workflowKey is required (or set GATEWAY_PLATFORM_WORKFLOW_KEY): the Platform"
                    + " workflow definition key");
        }
        int lifetime = properties.getTokenLifetimeMinutes();
        if (request.has("tokenLifetimeInMinutes")) {
            JsonNode node = request.get("tokenLifetimeInMinutes");
            if (!node.canConvertToInt() || !node.isIntegralNumber()) {
                throw new BadRequestException("tokenLifetimeInMinutes must be a whole number");
            }
            lifetime = node.intValue();
        }
        TransactionApi.lifetime(lifetime, "tokenLifetimeInMinutes");
        ObjectNode jumio = mapper.createObjectNode();
        jumio.put("customerInternalReference", customerInternalReference);
        jumio.put("userReference", userReference);
        ObjectNode definition = jumio.putObject("workflowDefinition");
        if (workflowKey.matches("\\d{1,9}")) {
            definition.put("key", Integer.parseInt(workflowKey));
        } else {
            definition.put("key", workflowKey);
        }
        String callbackUrl = TransactionApi.url(request, "callbackUrl", properties.getCallbackUrl());
        if (callbackUrl != null) {
            jumio.put("callbackUrl", callbackUrl);
        }
        jumio.put("tokenLifetime", lifetime + "m");
        ObjectNode web = mapper.createObjectNode();
        String successUrl = TransactionApi.url(request, "successUrl", properties.getSuccessUrl());
        String errorUrl = TransactionApi.url(request, "errorUrl", properties.getErrorUrl());
        String locale = TransactionApi.locale(request.has("locale") ? optionalText(request, "locale") : properties.getLocale());
        if (successUrl != null) {
            web.put("successUrl", successUrl);
        }
        if (errorUrl != null) {
            web.put("errorUrl", errorUrl);
        }
        if (locale != null) {
            web.put("locale", locale);
        }
        if (!web.isEmpty()) {
            jumio.set("web", web);
        }
        return new Request(customerInternalReference, userReference, lifetime, jumio);
    }

    /** PUT to the account known for the user (a new one when Jumio deleted it), else POST a new account. */
    private Sent send(String userReference, String requestJson) throws IOException, InterruptedException {
        String knownAccount = accounts.accountOfUser(userReference);
        Sent sent;
        try {
            if (knownAccount == null) {
                sent = new Sent(api.post(properties.accountBase() + "/api/v1/accounts", requestJson), true);
            } else {
                sent = new Sent(api.put(properties.accountBase() + "/api/v1/accounts/" + knownAccount, requestJson), false);
                if (sent.answer().status() == 404) {
                    // the account is gone at Jumio (deleted): start a new one for this user
                    log.warn("Jumio Platform account of a known user is gone (404): creating a new one");
                    sent = new Sent(api.post(properties.accountBase() + "/api/v1/accounts", requestJson), true);
                }
            }
        } catch (PlatformApiException e) {
            throw refused(e.getStatus(), "token");
        }
        if (sent.answer().status() != 200 && sent.answer().status() != 201) {
            throw refused(sent.answer().status(), "account");
        }
        return sent;
    }

    private Map<String, Object> answer(JsonNode reply, String accountId, boolean created, String executionId,
                                       int lifetime, Map<String, Object> row) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("product", "PLATFORM");
        result.put("accountId", accountId);
        result.put("accountCreated", created);
        result.put("workflowExecutionId", executionId);
        result.put("webHref", PlatformResults.text(reply.path("web"), "href"));
        result.put("sdkToken", PlatformResults.text(reply.path("sdk"), "token"));
        ArrayNode credentials = mapper.createArrayNode();
        for (JsonNode credential : reply.path("workflowExecution").path("credentials")) {
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
        return result;
    }

    private static ApiProblem refused(int status, String what) {
        log.warn("Jumio Platform refused an initiation ({} request): HTTP {}", what, status);
        return JumioRefusals.refusal(status, "account", "workflowKey, URLs and locale", "Platform");
    }

    private DataCenter dataCenter() {
        return switch (properties.getRegion()) {
            case "emea-1" -> DataCenter.EU;
            case "apac-1" -> DataCenter.SGP;
            default -> DataCenter.US;
        };
    }
}
