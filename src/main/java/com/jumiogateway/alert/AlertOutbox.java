package com.jumiogateway.alert;

import com.jumiogateway.routing.ExchangeNames;
import com.jumiogateway.claims.IdlePolling;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jumiogateway.api.BadRequestException;
import com.jumiogateway.result.VerificationResult;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.component.mail.MailConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import com.jumiogateway.claims.ClaimQueue;
import com.jumiogateway.claims.DatabaseErrors;
import com.jumiogateway.claims.ClaimTable;
import com.jumiogateway.claims.InstanceIdentity;
import com.jumiogateway.logging.LogText;
import com.jumiogateway.storage.SqlValues;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The alert outbox: the database is the queue, as for callbacks. Rules enqueue (an INSERT whose unique alert key
 * makes a second enqueue of the same rule and scan a no-op), the sender route claims due alerts with a lease, sends,
 * and marks them SENT, or schedules a retry with exponential backoff until {@code gateway.alerts.max-attempts},
 * then marks them FAILED (kept, listed by the API, re-sendable).
 *
 * <p>Generic over categories: FRAUD today; another category only needs its recipients and template configured
 * under {@code gateway.alerts.categories} and a call of {@link #enqueue(String, String, String, Map)}.
 *
 * <p>Claims are short leases renewed by the {@link com.jumiogateway.claims.ClaimHeartbeat} while an alert is being
 * sent (a slow SMTP server keeps its claim). An alert the SMTP server accepted is never sent again by this instance:
 * when marking it SENT fails (database away), the mark is kept in memory and retried, before anything new is
 * claimed, until the database is back; meanwhile its claim stays held and renewed. Each alert carries a stable
 * Message-ID (see {@link AlertRenderer}), so if another instance ever sends it again, mail systems can drop the copy.
 */
@Component("alertOutbox")
public class AlertOutbox implements ClaimQueue {

    public static final String PENDING = "PENDING";
    public static final String SENT = "SENT";
    public static final String FAILED = "FAILED";

    /** What a resend request did; resend-alert compares with the names (property ResendOutcome). */
    public enum ResendOutcome {
        /** The FAILED alert is PENDING again. */
        RESENT,
        /** No alert with that id. */
        NOT_FOUND,
        /** The alert exists but is PENDING or SENT. */
        NOT_FAILED
    }

    private static final Logger log = LoggerFactory.getLogger(AlertOutbox.class);
    private static final Set<String> STATUSES = Set.of(PENDING, SENT, FAILED);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final AlertProperties properties;
    private final AlertRenderer renderer;
    private final ObjectMapper mapper;
    private final MeterRegistry meters;
    private final Clock clock;
    private final String instanceId;
    private final ClaimTable<Long> claims;
    /** Alerts the SMTP server accepted whose SENT mark has not reached the database yet: id to rule. */
    private final Map<Long, String> unconfirmedSent = new ConcurrentHashMap<>();
    /** Chat channels (besides email), each with its own outbox; looked up lazily (they may depend on this outbox). */
    private final org.springframework.beans.factory.ObjectProvider<AlertChannels> channels;
    private final IdlePolling pacing;

    public AlertOutbox(JdbcTemplate jdbc, TransactionTemplate transactions, AlertProperties properties,
                       AlertRenderer renderer, ObjectMapper mapper, MeterRegistry meters, Clock clock,
                       InstanceIdentity identity, org.springframework.beans.factory.ObjectProvider<AlertChannels> channels,
                       IdlePolling pacing) {
        this.pacing = pacing;
        this.channels = channels;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.properties = properties;
        this.renderer = renderer;
        this.mapper = mapper;
        this.meters = meters;
        this.clock = clock;
        // a given-back alert has no lease: the claim query takes PENDING alerts without one
        this.claims = new ClaimTable<>("Alert outbox", "alert_outbox", "id", "status = 'PENDING'",
                "claimed_until = NULL", "claimed_until IS NOT NULL", jdbc, clock, identity, properties::getClaimLease, log);
        this.instanceId = claims.owner();
        Gauge.builder("gateway.alerts.pending", this, AlertOutbox::pendingOrNaN)
                .description("Alerts queued and not sent yet").register(meters);
    }

    @EventListener(ContextRefreshedEvent.class)
    void reportSendingState() {
        if (!properties.getSmtp().isConfigured()) {
            log.warn("No SMTP host configured (GATEWAY_ALERTS_SMTP_HOST): alerts are queued as PENDING and sent once it is set");
        }
        properties.getCategories().forEach((name, category) -> {
            if (!category.hasRecipients()) {
                log.warn("No recipients configured for {} alerts: they are queued as PENDING and sent once recipients are set",
                        name.toUpperCase(Locale.ROOT));
            }
        });
    }

    /**
     * Rule step ({@code alertOutbox?method=enqueue(${body}, 'rule-name')}): queues a FRAUD alert for the result,
     * once per rule and scan reference. The result (the exchange body) is left untouched.
     */
    public void enqueue(@Body VerificationResult result, String rule) {
        enqueue(AlertRenderer.FRAUD, rule, result.scanReference(), renderer.fraudAlertData(result, rule));
    }

    /**
     * Queues an alert unless one with the same key ({@code <rule>:<subject>}) exists: duplicate callbacks, a later
     * retrieval result, a retried fan-out and concurrent instances all end in one row.
     *
     * @param subject what the alert is about, usually a scan reference
     * @param data    the alert fields; only allowed, non-personal values
     * @return true when this call queued the alert
     */
    public boolean enqueue(String category, String rule, String subject, Map<String, Object> data) {
        String key = rule + ":" + subject;
        Timestamp now = Timestamp.from(clock.instant());
        // chat channels first and at every enqueue (idempotent per rule, subject and channel): a message a crash
        // left unqueued is queued when the fan-out is retried, although the email alert already exists
        channels.orderedStream().forEach(c -> c.alertQueued(category.toUpperCase(Locale.ROOT), rule, subject, data));
        try {
            jdbc.update("INSERT INTO alert_outbox (alert_key, rule, category, scan_reference, status, attempts,"
                            + " next_attempt_at, alert_json, created_at) VALUES (?, ?, ?, ?, 'PENDING', 0, ?, ?, ?)",
                    key, rule, category.toUpperCase(Locale.ROOT), subject, now, toJson(data), now);
        } catch (DuplicateKeyException alreadyQueued) {
            meters.counter("gateway.alerts.duplicates", "rule", rule).increment();
            log.debug("Alert {} already queued", rule);
            return false;
        }
        pacing.wake(IdlePolling.ALERTS);
        meters.counter("gateway.alerts.queued", "rule", rule).increment();
        log.info("Alert {} queued for scan {}", rule, subject);
        return true;
    }

    /**
     * Claims due alerts for this instance: PENDING, due, and not claimed by a live lease. Nothing is claimed while no
     * SMTP host is configured, nor alerts of a category without recipients: they wait as PENDING.
     * SKIP LOCKED lets instances poll concurrently; the conditional UPDATE makes a double claim impossible.
     */
    public List<ClaimedAlert> claim() {
        if (!properties.getSmtp().isConfigured()) {
            return List.of();
        }
        List<String> categories = properties.getCategories().entrySet().stream()
                .filter(e -> e.getValue().hasRecipients()).map(e -> e.getKey().toUpperCase(Locale.ROOT)).toList();
        if (categories.isEmpty()) {
            return List.of();
        }
        // an alert the SMTP server accepted is marked SENT before anything new is claimed
        if (!confirmSentMarks()) {
            return List.of();
        }
        // idle: the database is asked every gateway.polling.idle-delay only (enqueue wakes the sender)
        if (!pacing.pollNow(IdlePolling.ALERTS)) {
            return List.of();
        }
        List<ClaimedAlert> claimed = claims.claim(() -> {
            claims.giveBackOrphans();
            return claimRows(categories);
        }, ClaimedAlert::id);
        pacing.polled(IdlePolling.ALERTS, !claimed.isEmpty());
        return claimed;
    }

    private List<ClaimedAlert> claimRows(List<String> categories) {
        Instant now = clock.instant();
        Timestamp nowTs = Timestamp.from(now);
        Timestamp leaseUntil = Timestamp.from(now.plus(properties.getClaimLease()));
        String placeholders = String.join(", ", categories.stream().map(c -> "?").toList());
        List<Object> args = new ArrayList<>(categories);
        args.add(nowTs);
        args.add(nowTs);
        return transactions.execute(status -> {
            List<ClaimedAlert> rows = jdbc.query(
                    "SELECT id, alert_key, rule, category, scan_reference, attempts, created_at, alert_json"
                            + " FROM alert_outbox WHERE status = 'PENDING' AND category IN (" + placeholders + ")"
                            + " AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)"
                            + " ORDER BY id FETCH FIRST " + properties.getBatchSize() + " ROWS ONLY"
                            + " FOR UPDATE SKIP LOCKED",
                    this::claimedAlert, args.toArray());
            List<ClaimedAlert> won = new ArrayList<>();
            for (ClaimedAlert row : rows) {
                int updated = jdbc.update("UPDATE alert_outbox SET claimed_by = ?, claimed_until = ?,"
                                + " attempts = attempts + 1 WHERE id = ? AND status = 'PENDING'"
                                + " AND (claimed_until IS NULL OR claimed_until < ?)",
                        instanceId, leaseUntil, row.id(), nowTs);
                if (updated == 1) {
                    won.add(row);
                }
            }
            return won;
        });
    }

    /**
     * Sender step, just before sending: extends this instance's lease on the alert. True when the claim was lost
     * (the lease ran out while earlier alerts of the batch were being sent, and another instance took the alert
     * over): then this instance must not send it.
     */
    public boolean claimLost(@ExchangeProperty(ExchangeNames.ALERT_ID) long id, Exchange exchange) {
        // shutting down: nothing new is sent; the alert is given back at the hand-over, after which it may be a peer's
        if (!claims.startWork(id, exchange, this::recordCutOff)) {
            return true;
        }
        Timestamp leaseUntil = Timestamp.from(clock.instant().plus(properties.getClaimLease()));
        // a claim given back (claimed_until NULL) is not ours any more, though it still carries our name
        int renewed = jdbc.update("UPDATE alert_outbox SET claimed_until = ? WHERE id = ? AND claimed_by = ?"
                + " AND status = 'PENDING' AND claimed_until IS NOT NULL", leaseUntil, id, instanceId);
        if (renewed == 0) {
            claims.forget(id);
            log.warn("Alert {} was taken over by another instance (or re-queued) before this one sent it", id);
        }
        return renewed == 0;
    }

    /**
     * A forced stop (the end of the graceful shutdown) cut the route while this instance held the alert: when that
     * happened after the SMTP server accepted the mail (camel-mail sets {@code CamelMailMessageId} once it has, and
     * every header is removed before the send) and before mark-alert-sent, the sending is recorded here; otherwise
     * the hand-over would give the alert to a peer, which would mail it again.
     */
    private void recordCutOff(Exchange done) {
        Long id = done.getProperty(ExchangeNames.ALERT_ID, Long.class);
        if (id == null || unconfirmedSent.containsKey(id)) {
            return;
        }
        if (done.getMessage().getHeader(MailConstants.MAIL_MESSAGE_ID) == null) {
            // cut before the server's answer (an interrupted send may still have arrived): sent again, same Message-ID
            log.info("Alert {} cut off by the forced end of the shutdown before its sending was recorded", id);
            return;
        }
        log.info("Alert {} accepted by the mail server as the routes were stopped: marking it SENT", id);
        markSent(id, done.getProperty(ExchangeNames.ALERT_RULE, String.class));
    }

    /**
     * Sender step: the email was accepted by the SMTP server. Never throws: a failed retry step would send the
     * alert again. If the database is away the mark waits in memory (the claim stays held and renewed) and is
     * retried before the next claim.
     */
    public void markSent(@ExchangeProperty(ExchangeNames.ALERT_ID) long id, @ExchangeProperty(ExchangeNames.ALERT_RULE) String rule) {
        meters.counter("gateway.alerts.sent", "rule", String.valueOf(rule)).increment();
        unconfirmedSent.put(id, String.valueOf(rule));
        if (confirmSent(id, rule)) {
            log.info("Alert {} ({}) sent", id, rule);
        } else {
            log.warn("Alert {} ({}) sent, but the database is unavailable: marking it SENT is retried until it is back",
                    id, rule);
        }
    }

    /** Retries the SENT marks that failed; true when none is left. */
    boolean confirmSentMarks() {
        for (Map.Entry<Long, String> mark : unconfirmedSent.entrySet()) {
            if (!confirmSent(mark.getKey(), mark.getValue())) {
                return false;
            }
            log.info("Alert {} ({}) marked SENT now that the database is back", mark.getKey(), mark.getValue());
        }
        return true;
    }

    private boolean confirmSent(long id, String rule) {
        try {
            // not fenced by claimed_by: whoever holds the claim now, the server has accepted this alert
            jdbc.update("UPDATE alert_outbox SET status = 'SENT', sent_at = ?, claimed_until = NULL, last_error = NULL"
                    + " WHERE id = ? AND status <> 'SENT'", Timestamp.from(clock.instant()), id);
        } catch (RuntimeException e) {
            claims.databaseUnavailable(e);
            return false;
        }
        unconfirmedSent.remove(id);
        claims.forget(id);
        return true;
    }

    /**
     * Sender error step: the alert stays PENDING and is tried again after an exponential backoff; after
     * {@code max-attempts} attempts it is marked FAILED and counted.
     */
    public void retryLater(Exchange exchange) {
        long id = exchange.getProperty(ExchangeNames.ALERT_ID, Long.class);
        claims.forget(id);
        try {
            scheduleRetry(exchange, id);
        } catch (RuntimeException e) {
            // an error step never throws (the database is likely away): the alert is given back at the first poll
            // after the outage (or, should this instance die first, its lease runs out)
            claims.outageSeen();
            log.warn("Alert {} could not be given back now ({}); given back once the database is back", id,
                    e.getClass().getSimpleName());
        }
    }

    private void scheduleRetry(Exchange exchange, long id) {
        String rule = exchange.getProperty(ExchangeNames.ALERT_RULE, String.class);
        Integer attempts = exchange.getProperty(ExchangeNames.ALERT_ATTEMPTS, Integer.class);
        int attempt = attempts == null ? properties.getMaxAttempts() : attempts;
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String error = describe(cause);
        Instant now = clock.instant();
        if (attempt >= properties.getMaxAttempts()) {
            int updated = jdbc.update("UPDATE alert_outbox SET status = 'FAILED', last_error = ?, claimed_until = NULL"
                    + " WHERE id = ? AND claimed_by = ?", error, id, instanceId);
            if (updated == 0) {
                return;
            }
            meters.counter("gateway.alerts.failed", "rule", String.valueOf(rule)).increment();
            log.error("Alert {} ({}) FAILED after {} attempts: {}", id, rule, attempt, error);
            return;
        }
        // a send that failed only because the database was away (and is back: this update works) is not delayed
        Duration wait = DatabaseErrors.connectionLost(cause) ? Duration.ZERO : properties.backoff(attempt);
        // only while the claim is ours: an instance that took the alert over owns its schedule now
        jdbc.update("UPDATE alert_outbox SET next_attempt_at = ?, last_error = ?, claimed_until = NULL WHERE id = ?"
                + " AND claimed_by = ?", Timestamp.from(now.plus(wait)), error, id, instanceId);
        meters.counter("gateway.alerts.retries", "rule", String.valueOf(rule)).increment();
        log.warn("Alert {} ({}) attempt {} failed ({}); next attempt in {}", id, rule, attempt, error, wait);
    }

    /**
     * API: puts a FAILED alert back in the queue with its attempts reset.
     *
     * @return RESENT, NOT_FOUND or NOT_FAILED (the alert exists but is PENDING or SENT)
     */
    public ResendOutcome resend(@Header("id") String idText) {
        long id;
        try {
            id = Long.parseLong(idText == null ? "" : idText.trim());
        } catch (NumberFormatException e) {
            return ResendOutcome.NOT_FOUND;
        }
        int updated = jdbc.update("UPDATE alert_outbox SET status = 'PENDING', attempts = 0, next_attempt_at = ?,"
                + " claimed_until = NULL, claimed_by = NULL WHERE id = ? AND status = 'FAILED'",
                Timestamp.from(clock.instant()), id);
        if (updated == 1) {
            meters.counter("gateway.alerts.resent").increment();
            log.info("Alert {} re-queued for sending", id);
            pacing.wake(IdlePolling.ALERTS);
            return ResendOutcome.RESENT;
        }
        Long exists = jdbc.queryForObject("SELECT COUNT(*) FROM alert_outbox WHERE id = ?", Long.class, id);
        return exists != null && exists > 0 ? ResendOutcome.NOT_FAILED : ResendOutcome.NOT_FOUND;
    }

    /**
     * API: alerts with their state, newest first (at most 500), optionally of one status.
     *
     * @throws BadRequestException (answered 400 by http-errors) for a status other than PENDING, SENT or FAILED
     */
    public List<AlertView> list(@Header("status") String status) {
        String sql = "SELECT id, alert_key, rule, category, scan_reference, status, attempts, next_attempt_at, last_error,"
                + " created_at, sent_at FROM alert_outbox";
        if (status == null || status.isBlank()) {
            return jdbc.query(sql + " ORDER BY id DESC FETCH FIRST 500 ROWS ONLY", AlertOutbox::view);
        }
        String wanted = status.trim().toUpperCase(Locale.ROOT);
        if (!STATUSES.contains(wanted)) {
            throw new BadRequestException("status must be PENDING, SENT or FAILED");
        }
        return jdbc.query(sql + " WHERE status = ? ORDER BY id DESC FETCH FIRST 500 ROWS ONLY", AlertOutbox::view, wanted);
    }

    /** Counts for health: pending and failed alerts, and the age of the oldest pending one. */
    public Map<String, Object> summary() {
        Map<String, Object> view = new LinkedHashMap<>();
        Map<String, Object> row = jdbc.queryForMap("SELECT COUNT(*) AS pending, MIN(created_at) AS oldest"
                + " FROM alert_outbox WHERE status = 'PENDING'");
        view.put("sending", properties.getSmtp().isConfigured() ? "on" : "off: no SMTP host configured");
        view.put("pending", ((Number) row.get("PENDING")).longValue());
        Instant oldest = SqlValues.instant(row.get("OLDEST"));
        view.put("oldestPendingAgeSeconds", oldest == null ? 0 : Duration.between(oldest, clock.instant()).toSeconds());
        view.put("failed", jdbc.queryForObject("SELECT COUNT(*) FROM alert_outbox WHERE status = 'FAILED'", Long.class));
        return view;
    }

    private double pendingOrNaN() {
        try {
            Long pending = jdbc.queryForObject("SELECT COUNT(*) FROM alert_outbox WHERE status = 'PENDING'", Long.class);
            return pending == null ? Double.NaN : pending;
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    /** What went wrong, for last_error and the log: one bounded line, no database message (it quotes values). */
    static String describe(Throwable cause) {
        return LogText.describe(cause);
    }

    @Override
    public ClaimTable<Long> claimTable() {
        return claims;
    }

    /** The heartbeat also retries SENT marks that failed: once the database is back, a sent alert is marked SENT. */
    @Override
    public int renewHeld() {
        confirmSentMarks();
        return claims.renewHeld();
    }

    /** Shutdown: SENT marks still waiting are written before the rest is given back (a peer would mail them again). */
    @Override
    public int handOver() {
        return claims.handOver(this::confirmSentMarks);
    }

    private ClaimedAlert claimedAlert(ResultSet rs, int row) throws SQLException {
        return new ClaimedAlert(rs.getLong("id"), rs.getString("alert_key"), rs.getString("rule"),
                rs.getString("category"), rs.getString("scan_reference"), rs.getInt("attempts") + 1,
                rs.getTimestamp("created_at").toInstant(), fromJson(rs.getString("alert_json")));
    }

    private static AlertView view(ResultSet rs, int row) throws SQLException {
        return new AlertView(rs.getLong("id"), rs.getString("alert_key"), rs.getString("rule"), rs.getString("category"),
                rs.getString("scan_reference"), rs.getString("status"), rs.getInt("attempts"),
                instant(rs.getTimestamp("next_attempt_at")), rs.getString("last_error"),
                instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("sent_at")));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private String toJson(Map<String, Object> data) {
        try {
            return mapper.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialize alert data", e);
        }
    }

    private Map<String, Object> fromJson(String json) {
        try {
            return mapper.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored alert data is not valid JSON", e);
        }
    }
}
