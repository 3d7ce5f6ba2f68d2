package com.jumiogateway.retention;

import com.jumiogateway.audit.AuditLog;
import com.jumiogateway.personaldata.PersonalDataRedaction;
import com.jumiogateway.storage.SqlValues;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The steps of routes/retention.camel.yaml: each purges one kind of personal data past its lifetime, in batches of
 * {@code gateway.retention.batch-size} rows, each batch its own short transaction whose rows are locked with SKIP
 * LOCKED (two instances purging at once take different rows, and the outcome is the same as with one). Counted as
 * {@code gateway.retention.purged{what}}; {@link #due()} is what the health shows.
 */
@Component("retentionPurge")
@EnableConfigurationProperties(RetentionProperties.class)
public class RetentionPurge {

    public static final String RAW_CALLBACKS = "raw-callbacks";
    public static final String FAILED_RAW_CALLBACKS = "failed-raw-callbacks";
    public static final String PERSONAL_DATA = "personal-data";
    public static final String ALERT_CONTENT = "alert-content";
    public static final String DELIVERY_PAYLOADS = "delivery-payloads";
    public static final String AUDIT = "audit";

    private static final Logger log = LoggerFactory.getLogger(RetentionPurge.class);

    private final RetentionProperties properties;
    private final PersonalDataRedaction redaction;
    private final AuditLog audit;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final MeterRegistry meters;
    private final Clock clock;

    public RetentionPurge(RetentionProperties properties, PersonalDataRedaction redaction, AuditLog audit,
                          JdbcTemplate jdbc, TransactionTemplate transactions, MeterRegistry meters, Clock clock) {
        this.properties = properties;
        this.redaction = redaction;
        this.audit = audit;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.meters = meters;
        this.clock = clock;
        for (String what : new String[] {RAW_CALLBACKS, FAILED_RAW_CALLBACKS, PERSONAL_DATA, ALERT_CONTENT, DELIVERY_PAYLOADS,
                AUDIT}) {
            meters.counter("gateway.retention.purged", "what", what);
        }
    }

    /** Route filter: false when retention is switched off. */
    public boolean enabled() {
        return properties.enabled();
    }

    /** Raw bodies of callbacks PROCESSED longer ago than gateway.retention.raw-callbacks (the row stays, marked purged). */
    public int rawCallbacks() {
        return inBatches(RAW_CALLBACKS, properties.rawCallbacks(),
                (cutoff) -> redaction.purgeDueRawBodies("PROCESSED", cutoff, properties.batchSize(), clock.instant()));
    }

    /** Raw bodies of callbacks FAILED longer ago than gateway.retention.failed-raw-callbacks (replayed ones are PROCESSED). */
    public int failedRawCallbacks() {
        return inBatches(FAILED_RAW_CALLBACKS, properties.failedRawCallbacks(),
                (cutoff) -> redaction.purgeDueRawBodies("FAILED", cutoff, properties.batchSize(), clock.instant()));
    }

    /** Personal fields of results last written longer ago than gateway.retention.personal-data. */
    public int personalData() {
        return inBatches(PERSONAL_DATA, properties.personalData(),
                (cutoff) -> redaction.redactDueResults(cutoff, properties.batchSize(), clock.instant()));
    }

    /** Content of alerts SENT longer ago than gateway.retention.personal-data. */
    public int alertContent() {
        return inBatches(ALERT_CONTENT, properties.personalData(),
                (cutoff) -> redaction.purgeDueAlertContent(cutoff, properties.batchSize(), clock.instant()));
    }

    /** Payloads of DELIVERED or FAILED deliveries finished longer ago than gateway.retention.personal-data. */
    public int deliveryPayloads() {
        return inBatches(DELIVERY_PAYLOADS, properties.personalData(),
                (cutoff) -> redaction.purgeDueDeliveryPayloads(cutoff, properties.batchSize(), clock.instant()));
    }

    /** Audit events recorded longer ago than gateway.retention.audit. */
    public int auditEvents() {
        int total = 0;
        for (int batch = 0; batch < properties.maxBatches(); batch++) {
            int purged = audit.purgeOlderThan(clock.instant().minus(properties.audit()), properties.batchSize());
            count(AUDIT, purged);
            total += purged;
            if (purged < properties.batchSize()) {
                break;
            }
        }
        return total;
    }

    private int inBatches(String what, Duration lifetime, Function<Instant, Integer> batch) {
        int total = 0;
        for (int round = 0; round < properties.maxBatches(); round++) {
            Instant cutoff = clock.instant().minus(lifetime);
            Integer purged = transactions.execute(tx -> batch.apply(cutoff));
            int count = purged == null ? 0 : purged;
            count(what, count);
            total += count;
            if (count < properties.batchSize()) {
                break;
            }
        }
        if (total > 0) {
            log.info("Retention purged {} {}", total, what);
        }
        return total;
    }

    private void count(String what, int purged) {
        if (purged > 0) {
            meters.counter("gateway.retention.purged", "what", what).increment(purged);
        }
    }

    /**
     * For the health: per kind, how many items are due for purge and the age (seconds since the item's own time) of
     * the oldest of them; 0 when none is due. A growing age means the purge is not running or not keeping up.
     */
    public Map<String, Object> due() {
        Instant now = clock.instant();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("enabled", properties.enabled());
        view.put(RAW_CALLBACKS, due(now, "SELECT COUNT(*) AS due, MIN(processed_at) AS oldest FROM callback_inbox WHERE"
                + " status = 'PROCESSED' AND processed_at < ? AND body_purged_at IS NULL", properties.rawCallbacks()));
        view.put(FAILED_RAW_CALLBACKS, due(now, "SELECT COUNT(*) AS due, MIN(processed_at) AS oldest FROM callback_inbox"
                + " WHERE status = 'FAILED' AND processed_at < ? AND body_purged_at IS NULL", properties.failedRawCallbacks()));
        view.put(PERSONAL_DATA, due(now, "SELECT COUNT(*) AS due, MIN(updated_at) AS oldest FROM verification_result"
                + " WHERE updated_at < ? AND personal_data_purged_at IS NULL", properties.personalData()));
        view.put(ALERT_CONTENT, due(now, "SELECT COUNT(*) AS due, MIN(sent_at) AS oldest FROM alert_outbox WHERE"
                + " status = 'SENT' AND sent_at < ? AND content_purged_at IS NULL", properties.personalData()));
        view.put(DELIVERY_PAYLOADS, due(now, "SELECT COUNT(*) AS due, MIN(COALESCE(delivered_at, last_attempt_at,"
                + " created_at)) AS oldest FROM delivery_outbox WHERE status IN ('DELIVERED', 'FAILED')"
                + " AND COALESCE(delivered_at, last_attempt_at, created_at) < ? AND payload_purged_at IS NULL",
                properties.personalData()));
        view.put(AUDIT, due(now, "SELECT COUNT(*) AS due, MIN(occurred_at) AS oldest FROM audit_event WHERE"
                + " occurred_at < ?", properties.audit()));
        return view;
    }

    private Map<String, Object> due(Instant now, String sql, Duration lifetime) {
        Map<String, Object> row = jdbc.queryForMap(sql, Timestamp.from(now.minus(lifetime)));
        Map<String, Object> view = new LinkedHashMap<>();
        Object count = row.get("DUE") != null ? row.get("DUE") : row.get("due");
        Object oldest = row.get("OLDEST") != null ? row.get("OLDEST") : row.get("oldest");
        view.put("retention", lifetime.toString());
        view.put("due", count == null ? 0 : ((Number) count).longValue());
        Instant oldestAt = SqlValues.instant(oldest);
        view.put("oldestDueAgeSeconds", oldestAt == null ? 0 : Duration.between(oldestAt, now).toSeconds());
        return view;
    }
}
