package com.jumiogateway.reconciliation;

import com.jumiogateway.alert.AlertOutbox;
import com.jumiogateway.routing.ExchangeNames;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Operations alerts of the reconciliation, emailed through the alert outbox in category OPERATIONS (recipients
 * gateway.alerts.categories.operations.to, template config/templates/operations-alert.*), with the outbox's
 * guarantees: stored before anything is sent, one alert per key ({@code <rule>:<reference>}), retried with back-off.
 * No personal data: scan references, counts and HTTP statuses only.
 *
 * <p>The routes build a body here ({key, rule, reference, subject, text, ...}) and hand it to direct:operations-alert,
 * whose step is {@link #raise}. Each alert is also raised once at its source: only the instance whose database update
 * started a credentials episode, ended it, or gave a transaction up raises it.
 */
@Component("operationsAlerts")
public class OperationsAlerts {

    public static final String CATEGORY = "OPERATIONS";
    private static final Logger log = LoggerFactory.getLogger(OperationsAlerts.class);

    private final AlertOutbox outbox;
    private final MeterRegistry meters;
    private final ReconciliationProperties properties;
    private final Clock clock;

    public OperationsAlerts(AlertOutbox outbox, MeterRegistry meters, ReconciliationProperties properties, Clock clock) {
        this.outbox = outbox;
        this.meters = meters;
        this.properties = properties;
        this.clock = clock;
    }

    public Map<String, Object> credentialsRefused(@Header("CamelHttpResponseCode") Integer httpStatus) {
        Map<String, Object> alert = alert("jumio-credentials-refused", "episode-" + clock.millis(),
                "Jumio refuses the gateway's API credentials (HTTP " + httpStatus + ")",
                "Jumio's Retrieval API answered HTTP " + httpStatus + " to the gateway's API credentials. Reconciliation"
                        + " of missed callbacks has stopped on every instance; one probe request is sent every "
                        + properties.getCredentialsProbeInterval() + " and polling resumes by itself once Jumio accepts it."
                        + " Check GATEWAY_JUMIO_API_TOKEN / GATEWAY_JUMIO_API_SECRET and the API credentials in Jumio's"
                        + " Customer Portal.");
        alert.put("httpStatus", httpStatus);
        return alert;
    }

    public Map<String, Object> credentialsAccepted() {
        return alert("jumio-credentials-accepted", "episode-" + clock.millis(),
                "Jumio accepts the gateway's API credentials again",
                "A retrieval request succeeded: reconciliation of missed callbacks has resumed on every instance.");
    }

    public Map<String, Object> unresolved(@ExchangeProperty(ExchangeNames.PENDING_TRANSACTION) PendingTransaction row) {
        int attempts = row.attempts() + 1;
        Map<String, Object> alert = alert("reconciliation-unresolved", row.scanReference(),
                "Jumio transaction " + row.scanReference() + " unresolved after " + attempts + " attempts",
                "No callback arrived for this transaction and Jumio's Retrieval API gave no final result after "
                        + attempts + " attempts, so polling has stopped. It is listed by"
                        + " GET /api/transactions?state=unresolved; check it in Jumio's Customer Portal. A callback that"
                        + " still arrives resolves it.");
        alert.put("scanReference", row.scanReference());
        alert.put("kind", row.kind().name());
        alert.put("dataCenter", row.dataCenter().name());
        alert.put("attempts", attempts);
        return alert;
    }

    private static Map<String, Object> alert(String rule, String reference, String subject, String text) {
        Map<String, Object> alert = new LinkedHashMap<>();
        alert.put("key", rule + ":" + reference);
        alert.put("rule", rule);
        alert.put("reference", reference);
        alert.put("subject", subject);
        alert.put("text", text);
        return alert;
    }

    /** Delivery step of direct:operations-alert: queued in the alert outbox (once per key), logged and counted. */
    public void raise(@Body Map<String, Object> alert) {
        String rule = String.valueOf(alert.get("rule"));
        String reference = String.valueOf(alert.get("reference"));
        Map<String, Object> data = new LinkedHashMap<>(alert);
        data.remove("key");
        data.remove("rule");
        data.remove("reference");
        boolean queued = outbox.enqueue(CATEGORY, rule, reference, data);
        if (queued) {
            meters.counter("gateway.alerts.operations.raised", "rule", rule).increment();
        }
        log.warn("OPERATIONS ALERT [{}] {}{}", alert.get("key"), alert.get("subject"), queued ? "" : " (already queued)");
    }
}
