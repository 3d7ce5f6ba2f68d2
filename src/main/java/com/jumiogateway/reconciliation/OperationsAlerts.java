package com.jumiogateway.reconciliation;

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
 * Operations alerts of the reconciliation (no personal data: scan references, counts and HTTP statuses only).
 * Builds the alert bodies ({key, subject, text}) the routes hand to direct:operations-alert, and {@link #raise}
 * is that route's delivery step until the alert outbox takes over. Each alert is raised once per event at its source:
 * only the instance whose database update started a credentials episode or gave a transaction up raises it.
 */
@Component("operationsAlerts")
public class OperationsAlerts {

    private static final Logger log = LoggerFactory.getLogger(OperationsAlerts.class);

    private final MeterRegistry meters;
    private final ReconciliationProperties properties;
    private final Clock clock;

    public OperationsAlerts(MeterRegistry meters, ReconciliationProperties properties, Clock clock) {
        this.meters = meters;
        this.properties = properties;
        this.clock = clock;
    }

    public Map<String, String> credentialsRefused(@Header("CamelHttpResponseCode") Integer httpStatus) {
        long now = clock.millis();
        return alert("jumio-credentials-refused-" + now,
                "Jumio refuses the gateway's API credentials (HTTP " + httpStatus + ")",
                "Jumio's Retrieval API answered HTTP " + httpStatus + " to the gateway's API credentials.\n"
                        + "Reconciliation of missed callbacks has stopped on every instance; one probe request is sent every "
                        + properties.getCredentialsProbeInterval() + " and polling resumes by itself once Jumio accepts it.\n"
                        + "Check GATEWAY_JUMIO_API_TOKEN / GATEWAY_JUMIO_API_SECRET and the credentials in Jumio's Customer Portal.");
    }

    public Map<String, String> credentialsAccepted() {
        return alert("jumio-credentials-accepted-" + clock.millis(),
                "Jumio accepts the gateway's API credentials again",
                "A retrieval request succeeded: reconciliation of missed callbacks has resumed.");
    }

    public Map<String, String> unresolved(@ExchangeProperty(PendingTransactions.ROW_PROPERTY) PendingTransaction row) {
        return alert("reconciliation-unresolved-" + row.scanReference(),
                "Jumio transaction " + row.scanReference() + " unresolved after " + (row.attempts() + 1) + " attempts",
                "No callback arrived for scan reference " + row.scanReference() + " (" + row.kind() + ", data center "
                        + row.dataCenter() + ") and Jumio's Retrieval API gave no final result after " + (row.attempts() + 1)
                        + " attempts. It is listed by GET /api/transactions?state=unresolved; check it in Jumio's"
                        + " Customer Portal.");
    }

    private static Map<String, String> alert(String key, String subject, String text) {
        Map<String, String> alert = new LinkedHashMap<>();
        alert.put("key", key);
        alert.put("subject", subject);
        alert.put("text", text);
        return alert;
    }

    /** Delivery step of direct:operations-alert: logged and counted. */
    public void raise(@Body Map<String, String> alert) {
        meters.counter("gateway.alerts.operations.raised").increment();
        log.warn("OPERATIONS ALERT [{}] {}", alert.get("key"), alert.get("subject"));
    }
}
