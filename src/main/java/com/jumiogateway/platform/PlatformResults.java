package com.jumiogateway.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jumiogateway.enrich.CountryNames;
import com.jumiogateway.form.JumioValues;
import com.jumiogateway.reconciliation.PendingTransaction;
import com.jumiogateway.reconciliation.PendingTransactions;
import com.jumiogateway.reconciliation.RetrievalResponses;
import com.jumiogateway.result.CallbackKind;
import com.jumiogateway.result.Decision;
import com.jumiogateway.result.InvalidCallbackException;
import com.jumiogateway.result.RejectReason;
import com.jumiogateway.result.ResultSource;
import com.jumiogateway.result.VerificationResult;
import com.jumiogateway.routing.ExchangeNames;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

/**
 * Jumio Platform payloads: parses the small JSON callback notice, builds the Retrieval API URLs from the ids (never
 * from the notice's href), and maps a workflow execution's details (or an expired session) onto the one
 * {@link VerificationResult} model every result becomes. The workflow execution id is the scan reference.
 */
public class PlatformResults {

    /** The workflow execution status with a result to fetch. */
    private static final String PROCESSED = "PROCESSED";
    /** Statuses of a finished workflow execution without a result to fetch. Any other (INITIATED, ACQUIRED, or one
     * Jumio adds later) is not final. */
    private static final Set<String> EXPIRED = Set.of("SESSION_EXPIRED", "TOKEN_EXPIRED");
    /** Jumio ids are UUIDs; anything else never goes into a URL. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,99}");

    /** The callback notice: ids and status only, no personal data. */
    public record Notice(Instant callbackSentAt, String userReference, String workflowExecutionId, String definitionKey,
                         String status, String accountId) {
    }

    private final ObjectMapper mapper;
    private final PlatformProperties properties;
    private final CountryNames countryNames;
    private final Clock clock;

    public PlatformResults(ObjectMapper mapper, PlatformProperties properties, CountryNames countryNames, Clock clock) {
        this.mapper = mapper;
        this.properties = properties;
        this.countryNames = countryNames;
        this.clock = clock;
    }

    // --- the callback ----------------------------------------------------------------------------------------

    /** Parses {callbackSentAt, userReference, workflowExecution{id, href, definitionKey, status}, account{id, href}}. */
    public Notice parse(@Body String body) {
        JsonNode root = object(body, "Platform callback");
        JsonNode execution = root.path("workflowExecution");
        JsonNode account = root.path("account");
        if (!execution.isObject() || !account.isObject()) {
            throw new InvalidCallbackException("Platform callback has no workflowExecution or account object");
        }
        String id = id(text(execution, "id"), "workflowExecution.id");
        String accountId = id(text(account, "id"), "account.id");
        String status = text(execution, "status");
        if (status == null) {
            throw new InvalidCallbackException("Platform callback has no workflowExecution.status");
        }
        String sentAt = text(root, "callbackSentAt");
        if (sentAt == null) {
            throw new InvalidCallbackException("Platform callback has no callbackSentAt");
        }
        Instant callbackSentAt = instant(sentAt, "callbackSentAt");
        return new Notice(callbackSentAt, text(root, "userReference"), id, text(execution, "definitionKey"),
                status.toUpperCase(Locale.ROOT), accountId);
    }

    // --- the workflow execution's status: interpreted here only, for the callback and the poller alike ---------

    /**
     * Route predicate: the status is PROCESSED (fetch the details). The status is the callback notice's, or the
     * poller's (exchange property JumioStatus) when there is no notice.
     */
    public boolean processed(@ExchangeProperty(ExchangeNames.PLATFORM_NOTICE) Notice notice,
                             @ExchangeProperty(ExchangeNames.JUMIO_STATUS) String polledStatus) {
        return PROCESSED.equals(statusOf(notice, polledStatus));
    }

    /** Route predicate: SESSION_EXPIRED or TOKEN_EXPIRED (record without fetching); the status as for processed. */
    public boolean expired(@ExchangeProperty(ExchangeNames.PLATFORM_NOTICE) Notice notice,
                           @ExchangeProperty(ExchangeNames.JUMIO_STATUS) String polledStatus) {
        return EXPIRED.contains(statusOf(notice, polledStatus));
    }

    private static String statusOf(Notice notice, String polledStatus) {
        return notice != null ? notice.status() : polledStatus;
    }

    public String detailsUrl(@ExchangeProperty(ExchangeNames.PLATFORM_NOTICE) Notice notice) {
        return executionUrl(notice.accountId(), notice.workflowExecutionId());
    }

    /** The details fetched for a callback: event time is callbackSentAt, so an older callback is STALE. */
    public VerificationResult fromCallback(@Body String details, @ExchangeProperty(ExchangeNames.PLATFORM_NOTICE) Notice notice) {
        return map(details, notice.workflowExecutionId(), notice.accountId(), notice.userReference(),
                notice.definitionKey(), notice.callbackSentAt(), ResultSource.CALLBACK);
    }

    /** An expired session: recorded as it is, nothing to fetch. */
    public VerificationResult expiredFromCallback(@ExchangeProperty(ExchangeNames.PLATFORM_NOTICE) Notice notice) {
        return expiredResult(notice.workflowExecutionId(), notice.accountId(), notice.userReference(),
                notice.definitionKey(), notice.status(), notice.callbackSentAt(), ResultSource.CALLBACK);
    }

    // --- the poller ------------------------------------------------------------------------------------------

    public String executionUrl(String accountId, String workflowExecutionId) {
        return properties.retrievalBase() + "/api/v1/accounts/" + id(accountId, "account id") + "/workflow-executions/"
                + id(workflowExecutionId, "workflow execution id");
    }

    public String pollStatusUrl(@ExchangeProperty(ExchangeNames.PLATFORM_ACCOUNT_ID) String accountId,
                                @ExchangeProperty(ExchangeNames.PENDING_TRANSACTION) PendingTransaction row) {
        return executionUrl(accountId, row.scanReference()) + "/status";
    }

    public String pollDetailsUrl(@ExchangeProperty(ExchangeNames.PLATFORM_ACCOUNT_ID) String accountId,
                                 @ExchangeProperty(ExchangeNames.PENDING_TRANSACTION) PendingTransaction row) {
        return executionUrl(accountId, row.scanReference());
    }

    /** Status of {@code {account{id}, workflowExecution{id, status}}} (a top-level status is accepted too). */
    public String status(@Body String payload, @ExchangeProperty(ExchangeNames.PENDING_TRANSACTION) PendingTransaction row) {
        JsonNode root = object(payload, "Platform status");
        JsonNode execution = root.path("workflowExecution");
        String id = text(execution, "id");
        if (id != null && !id.equals(row.scanReference())) {
            throw new InvalidCallbackException("Platform status is for another workflow execution");
        }
        String status = execution.isObject() ? text(execution, "status") : null;
        if (status == null) {
            status = text(root, "status");
        }
        if (status == null) {
            throw new InvalidCallbackException("Platform status answer has no status");
        }
        return status.toUpperCase(Locale.ROOT);
    }

    /** Details found by polling: event time is the execution's completion time (or now when Jumio sent none). */
    public VerificationResult fromRetrieval(@Body String details, @ExchangeProperty(ExchangeNames.PLATFORM_ACCOUNT_ID) String accountId,
                                           @ExchangeProperty(ExchangeNames.PENDING_TRANSACTION) PendingTransaction row) {
        JsonNode root = object(details, "Platform workflow execution details");
        String completedAt = text(root, "completedAt");
        Instant eventTime = completedAt != null ? instant(completedAt, "completedAt") : clock.instant();
        return map(details, row.scanReference(), accountId, row.userReference(), null, eventTime, ResultSource.RETRIEVAL);
    }

    public VerificationResult expiredFromRetrieval(@ExchangeProperty(ExchangeNames.PLATFORM_ACCOUNT_ID) String accountId,
                                                  @ExchangeProperty(ExchangeNames.JUMIO_STATUS) String status,
                                                  @ExchangeProperty(ExchangeNames.PENDING_TRANSACTION) PendingTransaction row) {
        return expiredResult(row.scanReference(), accountId, row.userReference(), null, status, clock.instant(),
                ResultSource.RETRIEVAL);
    }

    // --- mapping ---------------------------------------------------------------------------------------------

    VerificationResult map(String detailsJson, String workflowExecutionId, String accountId, String userReference,
                           String definitionKey, Instant eventTime, ResultSource source) {
        JsonNode root = object(detailsJson, "Platform workflow execution details");
        JsonNode workflow = root.path("workflow");
        String workflowId = text(workflow, "id");
        if (workflowId != null && !workflowId.equals(workflowExecutionId)) {
            throw new InvalidCallbackException("Platform details are for another workflow execution");
        }
        String detailsAccount = text(root.path("account"), "id");
        if (detailsAccount != null && !detailsAccount.equals(accountId)) {
            throw new InvalidCallbackException("Platform details are for another account");
        }
        JsonNode decisionNode = root.path("decision");
        String decisionType = upper(text(decisionNode, "type"));
        String decisionLabel = text(decisionNode.path("details"), "label");
        JsonNode riskScore = decisionNode.path("risk").path("score");

        Map<String, Object> details = new LinkedHashMap<>();
        details.put("workflowExecutionId", workflowExecutionId);
        details.put("accountId", accountId);
        String user = text(workflow, "userReference") != null ? text(workflow, "userReference") : userReference;
        details.put("userReference", user);
        String customerInternalReference = text(workflow, "customerInternalReference");
        details.put("customerInternalReference", customerInternalReference);
        details.put("definitionKey", text(workflow, "definitionKey") != null ? text(workflow, "definitionKey") : definitionKey);
        details.put("workflowStatus", text(workflow, "status"));
        Map<String, Object> decision = new LinkedHashMap<>();
        decision.put("type", decisionType);
        decision.put("label", decisionLabel);
        decision.put("riskScore", riskScore.isNumber() ? riskScore.numberValue() : null);
        details.put("decision", decision);

        JsonNode capabilities = root.path("capabilities");
        Rejections rejections = rejections(capabilities);
        if (capabilities.isObject()) {
            // every capability, known or added by Jumio later, with each entry's decision, label and data kept as sent
            details.put("capabilities", capabilities);
        }
        if (root.has("credentials")) {
            details.put("credentials", root.get("credentials"));
        }
        JsonNode extracted = firstData(capabilities.path("extraction"));
        if (extracted != null) {
            details.put("extractedData", extracted);
        }
        Decision mapped = decision(decisionType, rejections);
        RejectReason rejectReason = "REJECTED".equals(decisionType)
                ? new RejectReason(decisionLabel == null ? "REJECTED" : decisionLabel,
                        rejections.fraud() ? "Jumio Platform rejected the transaction with a fraud label"
                                : "Jumio Platform rejected the transaction",
                        rejections.fraud() ? "FRAUD" : "REJECTED", true, rejections.details())
                : null;
        String documentType = extracted == null ? null : text(extracted, "type");
        String country = extracted == null ? null : text(extracted, "issuingCountry");
        String startedAt = text(root, "startedAt") != null ? text(root, "startedAt") : text(root, "createdAt");
        Instant transactionDate = startedAt == null ? null : instant(startedAt, "startedAt");
        Long secondsToResult = transactionDate == null || text(root, "completedAt") == null ? null
                : Math.max(0, instant(text(root, "completedAt"), "completedAt").getEpochSecond() - transactionDate.getEpochSecond());
        return new VerificationResult(workflowExecutionId, CallbackKind.PLATFORM, source,
                decisionType == null ? "UNKNOWN" : decisionType, mapped, customerInternalReference, user, documentType,
                country, country == null ? null : countryNames.englishName(country), rejectReason, transactionDate,
                eventTime, secondsToResult, details);
    }

    /** What the rejected capability entries say: each as a reject detail, and whether any means fraud, an unusable
     * upload or an unsupported document. */
    private record Rejections(List<RejectReason.Detail> details, boolean fraud, boolean usability, boolean unsupported) {
    }

    private Rejections rejections(JsonNode capabilities) {
        List<RejectReason.Detail> rejected = new ArrayList<>();
        boolean fraud = false;
        boolean usability = false;
        boolean unsupported = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = capabilities.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> capability = it.next();
            for (JsonNode entry : entries(capability.getValue())) {
                String label = text(entry.path("decision").path("details"), "label");
                if (!"REJECTED".equals(upper(text(entry.path("decision"), "type")))) {
                    continue;
                }
                rejected.add(new RejectReason.Detail(label == null ? "REJECTED" : label,
                        capability.getKey() + " rejected", true));
                fraud |= properties.getFraudLabels().isFraud(capability.getKey(), label);
                usability |= "usability".equals(capability.getKey());
                unsupported |= label != null && label.toUpperCase(Locale.ROOT).startsWith("UNSUPPORTED");
            }
        }
        return new Rejections(rejected, fraud, usability, unsupported);
    }

    /** The Platform's decision type (PASSED, REJECTED, WARNING, NOT_EXECUTED) as the gateway's decision. */
    private static Decision decision(String decisionType, Rejections rejections) {
        return switch (decisionType == null ? "" : decisionType) {
            case "PASSED" -> Decision.APPROVED;
            case "REJECTED" -> rejections.fraud() ? Decision.FRAUD
                    : rejections.unsupported() ? Decision.UNSUPPORTED_DOCUMENT
                    : rejections.usability() ? Decision.RETRY_WITH_USER
                    : Decision.REJECTED;
            case "WARNING" -> Decision.REVIEW;
            default -> Decision.UNKNOWN;
        };
    }

    VerificationResult expiredResult(String workflowExecutionId, String accountId, String userReference,
                                     String definitionKey, String status, Instant eventTime, ResultSource source) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("workflowExecutionId", workflowExecutionId);
        details.put("accountId", accountId);
        details.put("userReference", userReference);
        details.put("definitionKey", definitionKey);
        details.put("workflowStatus", status);
        return new VerificationResult(workflowExecutionId, CallbackKind.PLATFORM, source, status,
                Decision.NOTHING_UPLOADED, null, userReference, null, null, null, null, null, eventTime, null, details);
    }

    private static List<JsonNode> entries(JsonNode capability) {
        List<JsonNode> entries = new ArrayList<>();
        if (capability.isArray()) {
            capability.forEach(entries::add);
        } else if (capability.isObject()) {
            entries.add(capability);
        }
        return entries;
    }

    private static JsonNode firstData(JsonNode extraction) {
        for (JsonNode entry : entries(extraction)) {
            if (entry.path("data").isObject()) {
                return entry.get("data");
            }
        }
        return null;
    }

    private JsonNode object(String payload, String what) {
        return JumioValues.readObject(mapper, payload, what);
    }

    private static String id(String value, String name) {
        if (value == null || !ID.matcher(value).matches()) {
            throw new InvalidCallbackException("Platform " + name + " is missing or not an id");
        }
        return value;
    }

    /** A JSON value as text: null when absent, null, a container or blank. */
    public static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || value.isNull() || value.isContainerNode()) {
            return null;
        }
        String text = value.asText();
        return text.isBlank() ? null : text;
    }

    private static String upper(String value) {
        return value == null ? null : value.toUpperCase(Locale.ROOT);
    }

    private static Instant instant(String value, String name) {
        return JumioValues.timestamp(value, "Platform field '" + name + "' is not a timestamp");
    }
}
