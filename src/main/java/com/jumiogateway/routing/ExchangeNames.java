package com.jumiogateway.routing;

/**
 * The contract between the YAML routes and the Java beans: every Camel header and exchange property they hand each
 * other, by name, with what it carries and who writes it. The YAML spells the same names (README, "Editing routes",
 * lists which route reads and writes which). A leaf: depends on nothing else of ours, so any package may use it.
 */
public final class ExchangeNames {

    private ExchangeNames() {
    }

    // --- headers: callback intake (edge beans, then routes/*-callback.camel.yaml -> callbackInbox.store) ---------

    /** Header: kind of callback (CallbackKind name); set by the intake routes, again by process-callback from the row. */
    public static final String CALLBACK_KIND = "CallbackKind";
    /** Header: the caller's address the allowlist accepted (for the inbox row); written by CallbackSourceAllowlist. */
    public static final String CALLBACK_SOURCE_ADDRESS = "CallbackSourceAddress";
    /** Header: the request's Content-Type as received; written by CallbackRequestGuard. */
    public static final String CALLBACK_CONTENT_TYPE = "CallbackContentType";
    /** Header: the raw callback body (bytes, sensitive numbers masked); written by CallbackRequestGuard and the masker. */
    public static final String CALLBACK_BODY = "CallbackBody";

    // --- headers: inbox worker (routes/callback-inbox.camel.yaml, process-callback) -----------------------------

    /** Header: id of the callback_inbox row being processed; set by process-callback, read by the inbox and store. */
    public static final String CALLBACK_INBOX_ID = "CallbackInboxId";
    /** Header: the how-many-th attempt at the row (1 = first); set by process-callback, read by callbackInbox.retryLater. */
    public static final String CALLBACK_ATTEMPTS = "CallbackAttempts";
    /** Header: when the gateway received (or retrieved) the result; set by process-callback and retrieve-result. */
    public static final String CALLBACK_RECEIVED_AT = "CallbackReceivedAt";
    /** Header: ResultSource (CALLBACK or RETRIEVAL); set by process-callback and retrieve-result, read by enrichers. */
    public static final String RESULT_SOURCE = "ResultSource";
    /** Header: the stored result's scan reference; set by verification-result, read by callbackInbox.markProcessed. */
    public static final String CALLBACK_SCAN_REFERENCE = "CallbackScanReference";
    /** Header: the result's CallbackKind name; set by verification-result (resultHeaders), read by the alert rules. */
    public static final String VERIFICATION_KIND = "VerificationKind";
    /** Header: the result's status as Jumio sent it (e.g. APPROVED_VERIFIED, DENIED_FRAUD); set with VerificationKind. */
    public static final String VERIFICATION_STATUS = "VerificationStatus";
    /** Header: the result's Decision name (e.g. APPROVED, FRAUD); set with VerificationKind. */
    public static final String VERIFICATION_DECISION = "VerificationDecision";
    /** Header: the result's ResultSource name (CALLBACK or RETRIEVAL); set with VerificationKind. */
    public static final String VERIFICATION_SOURCE = "VerificationSource";
    /** Header: VerificationResultStore.Outcome of storing the result; set by verification-result. */
    public static final String VERIFICATION_OUTCOME = "VerificationOutcome";
    /** Header: CallbackKind wanted by a result lookup; set by get-document-verification, read by the store. */
    public static final String RESULT_KIND = "ResultKind";

    // --- reconciliation (routes/reconciliation.camel.yaml, routes/platform-reconciliation.camel.yaml) -----------

    /** Property: the claimed PendingTransaction row being polled; set by reconcile-transaction. */
    public static final String PENDING_TRANSACTION = "PendingTransaction";
    /** Property: Jumio's status of the polled transaction (e.g. PENDING, DONE, FAILED); set by the reconcile routes. */
    public static final String JUMIO_STATUS = "JumioStatus";
    /** Property: the Jumio URL the retrieval GET calls; set by the reconcile and platform routes. */
    public static final String RETRIEVAL_URL = "RetrievalUrl";
    /** Header: PendingTransactions.PollOutcome of a poll that found no final result; set by the reconcile routes. */
    public static final String POLL_OUTCOME = "PollOutcome";
    /** Property: true when this refusal of our credentials started a block (only that one raises an alert); set by retrieval-credentials-refused. */
    public static final String FIRST_REFUSAL = "FirstRefusal";
    /** Property: Jumio's answer, kept while the "credentials accepted" alert is raised; set by retrieval-credentials-accepted. */
    public static final String RETRIEVAL_ANSWER = "RetrievalAnswer";

    // --- Jumio Platform (routes/platform-callback.camel.yaml, routes/platform-reconciliation.camel.yaml) --------

    /** Property: the Platform account id of the transaction; set by reconcile-platform-transaction. */
    public static final String PLATFORM_ACCOUNT_ID = "PlatformAccountId";
    /** Property: the parsed Platform callback notice; set by process-platform-callback. */
    public static final String PLATFORM_NOTICE = "PlatformNotice";

    // --- alerts (routes/alert-sender.camel.yaml, routes/alerts-api.camel.yaml) ----------------------------------

    /** Property: alert_outbox id of the alert being sent; set by send-alert (it removes every header). */
    public static final String ALERT_ID = "AlertId";
    /** Property: the rule that raised the alert being sent; set by send-alert. */
    public static final String ALERT_RULE = "AlertRule";
    /** Property: the how-many-th attempt at sending the alert; set by send-alert. */
    public static final String ALERT_ATTEMPTS = "AlertAttempts";
    /** Property: AlertOutbox.ResendOutcome of a resend request; set by resend-alert. */
    public static final String RESEND_OUTCOME = "ResendOutcome";

    // --- deliveries (routes/webhook-delivery.camel.yaml, routes/deliveries-api.camel.yaml) ------------------------

    /** Header: DELIVERED, RETRY or PERMANENT_FAILURE (DeliveryAnswer.Outcome) of the attempt; set by deliverySender.send. */
    public static final String DELIVERY_OUTCOME = "DeliveryOutcome";
    /** Property: the ClaimedDelivery being sent (the body becomes the receiver's answer); set by send-delivery. */
    public static final String DELIVERY = "Delivery";
    /** Property: DeliveryOutbox.RedeliverOutcome of a redeliver request; set by redeliver-delivery. */
    public static final String REDELIVER_OUTCOME = "RedeliverOutcome";

    // --- transaction initiation API (routes/transaction-initiation.camel.yaml) -------------------------------

    /** Property: HTTP status the API answers with (and the error configuration uses); set by the initiation beans. */
    public static final String ANSWER_STATUS = "AnswerStatus";
    /** Property: base URL of the Jumio data center the transaction is initiated at; set by V4Initiation. */
    public static final String JUMIO_BASE_URL = "JumioBaseUrl";
    /** Property: the full Jumio initiation URL; set by initiate-transaction. */
    public static final String JUMIO_INITIATE_URL = "JumioInitiateUrl";

    // --- encryption at rest (routes/data-key-rotation.camel.yaml) ------------------------------------------------

    /** Property: rows the last re-encryption batch changed (0: none left); set by reencrypt-data (dataKeyRotation). */
    public static final String REENCRYPTED_ROWS = "ReencryptedRows";

    /**
     * A header or property a bean needs: its value, or an IllegalArgumentException naming it (a route that forgot to
     * set it is a bug in the route, reported as such).
     */
    public static <T> T required(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException("header " + name + " is missing");
        }
        return value;
    }
}
