package com.jumiogateway.inbox;

import com.jumiogateway.api.BadRequestException;
import com.jumiogateway.claims.ClaimHeartbeat;
import com.jumiogateway.claims.ClaimQueue;
import com.jumiogateway.claims.ClaimTable;
import com.jumiogateway.claims.DatabaseErrors;
import com.jumiogateway.claims.IdlePolling;
import com.jumiogateway.claims.InstanceIdentity;
import com.jumiogateway.dataprotection.DataProtection;
import com.jumiogateway.dataprotection.ProtectedColumn;
import com.jumiogateway.intake.CallbackRefusedException;
import com.jumiogateway.logging.LogText;
import com.jumiogateway.routing.ExchangeNames;
import com.jumiogateway.storage.SqlValues;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The database is the queue: the intake route inserts, the worker route claims, processes and marks rows.
 * Claims are short leases renewed by the {@link ClaimHeartbeat} while a row is being processed, so a row claimed by
 * an instance that died is taken over within one lease, and never while its instance still works on it. Every
 * finishing update is fenced by {@code claimed_by}; the error steps never throw (when the database is away the row
 * keeps its claim until the lease runs out, and is then found by the next poll).
 */
@Component("callbackInbox")
public class CallbackInbox implements ClaimQueue {

    private static final Logger log = LoggerFactory.getLogger(CallbackInbox.class);
    /** The states of a stored callback (column callback_inbox.status). */
    private static final Set<String> STATUSES = Set.of("RECEIVED", "CLAIMED", "PROCESSED", "FAILED");

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final InboxProperties properties;
    private final MeterRegistry meters;
    private final Clock clock;
    private final String instanceId;
    private final AtomicLong lastBacklog = new AtomicLong();
    private final ClaimTable<Long> claims;

    private final InboxWriter writer;
    private final DataProtection protection;
    private final IdlePolling pacing;
    private final Map<String, io.micrometer.core.instrument.Counter> received = new java.util.concurrent.ConcurrentHashMap<>();

    public CallbackInbox(JdbcTemplate jdbc, TransactionTemplate transactions, InboxProperties properties,
                         MeterRegistry meters, Clock clock, InboxWriter writer, InstanceIdentity identity,
                         DataProtection protection, IdlePolling pacing) {
        this.pacing = pacing;
        this.writer = writer;
        this.protection = protection;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.properties = properties;
        this.meters = meters;
        this.clock = clock;
        // a claim is given back by letting its lease end now: the claim query takes expired CLAIMED rows
        this.claims = new ClaimTable<>("Callback inbox", "callback_inbox", "id", "status = 'CLAIMED'",
                "claimed_until = :now", "claimed_until > :now", jdbc, clock, identity, properties::claimLease, log);
        this.instanceId = claims.owner();
        meters.gauge("gateway.inbox.backlog", lastBacklog);
    }

    /**
     * Intake step: commits the raw callback (group commit with concurrent callbacks) and returns only once it is
     * committed. A database failure propagates, and the intake route answers 503.
     */
    public void store(@Header(ExchangeNames.CALLBACK_KIND) String kind,
                      @Header(ExchangeNames.CALLBACK_SOURCE_ADDRESS) String sourceAddress,
                      @Header(ExchangeNames.CALLBACK_CONTENT_TYPE) String contentType,
                      @Header(ExchangeNames.CALLBACK_BODY) byte[] body) {
        try {
            // sealed here, on the request's own thread, so the writer threads only commit
            DataProtection.SealedBytes sealed = protection.seal(ProtectedColumn.CALLBACK_BODY, body);
            writer.write(kind, sourceAddress, contentType, sealed.value(), sealed.keyId());
            // committed: this instance's worker claims it at its next tick, however long the inbox was idle
            pacing.wake(IdlePolling.INBOX);
        } catch (CallbackRefusedException e) {
            // the database refused this callback's own values (its neighbours in the batch were stored): 422
            meters.counter("gateway.callbacks.refused", "reason", e.getReason()).increment();
            throw e;
        }
        received.computeIfAbsent(String.valueOf(kind), k -> meters.counter("gateway.callbacks.received", "kind", k)).increment();
    }

    /**
     * Claims up to a batch of unprocessed rows (new ones, and ones whose claim lease expired). SKIP LOCKED lets
     * several instances claim concurrently without waiting on each other or taking the same row.
     */
    public List<InboxEntry> claim() {
        // idle: the database is asked every gateway.polling.idle-delay only (intake wakes the worker)
        if (!pacing.pollNow(IdlePolling.INBOX)) {
            return List.of();
        }
        Instant now = clock.instant();
        Timestamp leaseUntil = Timestamp.from(now.plus(properties.claimLease()));
        List<InboxEntry> claimed = claims.claim(() -> {
            claims.giveBackOrphans();
            return claimRows(now, leaseUntil);
        }, InboxEntry::id);
        pacing.polled(IdlePolling.INBOX, !claimed.isEmpty());
        return claimed;
    }

    private List<InboxEntry> claimRows(Instant now, Timestamp leaseUntil) {
        return transactions.execute(status -> {
            List<InboxEntry> rows = jdbc.query(
                    "SELECT id, kind, source_address, content_type, body, data_key_id, received_at, attempts FROM callback_inbox"
                            + " WHERE status = 'RECEIVED' OR (status = 'CLAIMED' AND claimed_until < ?)"
                            + " ORDER BY id FETCH FIRST " + properties.batchSize() + " ROWS ONLY"
                            + " FOR UPDATE SKIP LOCKED",
                    CallbackInbox::entry, Timestamp.from(now));
            if (!rows.isEmpty()) {
                jdbc.batchUpdate("UPDATE callback_inbox SET status = 'CLAIMED', claimed_by = ?, claimed_until = ?,"
                                + " attempts = attempts + 1 WHERE id = ?",
                        rows.stream().map(r -> new Object[] {instanceId, leaseUntil, r.id()}).toList());
            }
            return rows;
        });
    }

    /**
     * Worker step: the claimed row's id, kind, attempt number and received time as the headers CallbackInboxId,
     * CallbackKind, CallbackAttempts and CallbackReceivedAt, which the later steps read (one bean call per row rather
     * than a bean-language lookup per header).
     */
    public void describeRow(@org.apache.camel.Body InboxEntry entry, @org.apache.camel.Headers Map<String, Object> headers) {
        headers.put(ExchangeNames.CALLBACK_INBOX_ID, entry.id());
        headers.put(ExchangeNames.CALLBACK_KIND, entry.kind());
        headers.put(ExchangeNames.CALLBACK_ATTEMPTS, entry.attempts());
        headers.put(ExchangeNames.CALLBACK_RECEIVED_AT, entry.receivedAt());
    }

    /**
     * Worker step: the claimed row's raw body, decrypted when it is stored encrypted. Decrypted per row in the
     * worker (not in the claim), so a row that cannot be decrypted fails alone, as a processing error of that row.
     */
    public byte[] openBody(@org.apache.camel.Body InboxEntry entry) {
        return protection.open(ProtectedColumn.CALLBACK_BODY, entry.dataKeyId(), entry.body());
    }

    /** Worker step: the claimed row was handled; its outcome (applied, duplicate, stale...) is kept with it. */
    public void markProcessed(@Header(ExchangeNames.CALLBACK_INBOX_ID) long id,
                              @Header(ExchangeNames.CALLBACK_SCAN_REFERENCE) String scanReference,
                              @Header(ExchangeNames.VERIFICATION_OUTCOME) String outcome) {
        claims.forget(id);
        int updated = jdbc.update("UPDATE callback_inbox SET status = 'PROCESSED', processed_at = ?, scan_reference = ?,"
                            + " outcome = ?, failure_reason = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?"
                            + " AND status = 'CLAIMED'",
                Timestamp.from(clock.instant()), scanReference, outcome, id, instanceId);
        if (updated == 0) {
            log.info("Callback inbox row {} was taken over by another instance before this one marked it", id);
        }
    }

    /** Worker step: the row cannot be processed as it is; it stays stored for inspection and replay. */
    public void markFailed(Exchange exchange) {
        long id = exchange.getIn().getHeader(ExchangeNames.CALLBACK_INBOX_ID, Long.class);
        claims.forget(id);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        // a database exception's message quotes SQL parameters (callback values): its class only
        String reason = cause == null ? "unknown" : LogText.isDatabaseException(cause)
                ? cause.getClass().getSimpleName() : cause.getMessage();
        if (reason != null && reason.length() > 1000) {
            reason = reason.substring(0, 1000);
        }
        String kind = exchange.getIn().getHeader(ExchangeNames.CALLBACK_KIND, String.class);
        try {
            jdbc.update("UPDATE callback_inbox SET status = 'FAILED', processed_at = ?, failure_reason = ?,"
                    + " claimed_until = NULL WHERE id = ? AND claimed_by = ? AND status = 'CLAIMED'",
                    Timestamp.from(clock.instant()), reason, id, instanceId);
        } catch (RuntimeException e) {
            // an error step never throws: the row is given back after the outage (or its lease runs out)
            claims.outageSeen();
            log.warn("Callback inbox row {} ({}) could not be marked FAILED ({}); given back once the database is back",
                    id, kind, e.getClass().getSimpleName());
            return;
        }
        meters.counter("gateway.callbacks.failed", "kind", String.valueOf(kind)).increment();
        log.warn("Callback inbox row {} ({}) marked FAILED: {}", id, kind, cause == null ? "" : cause.getClass().getSimpleName());
    }

    /**
     * Worker step for unexpected errors (database, a bug): the row is left claimed until the retry delay has
     * passed, then taken again; after max attempts it is marked FAILED so it cannot loop forever.
     */
    public void retryLater(Exchange exchange) {
        long id = exchange.getIn().getHeader(ExchangeNames.CALLBACK_INBOX_ID, Long.class);
        claims.forget(id);
        Integer attempts = exchange.getIn().getHeader(ExchangeNames.CALLBACK_ATTEMPTS, Integer.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        meters.counter("gateway.worker.errors", "exception", cause == null ? "unknown" : cause.getClass().getSimpleName())
                .increment();
        if (attempts != null && attempts >= properties.maxAttempts()) {
            markFailed(exchange);
            return;
        }
        // the database was away and is back (this update works): the next poll takes the row again
        Duration delay = DatabaseErrors.connectionLost(cause) ? Duration.ZERO : properties.retryDelay();
        if (delay.isZero()) {
            pacing.wake(IdlePolling.INBOX);
        }
        log.warn("Callback inbox row {} attempt {} hit {}; retrying in {}", id, attempts,
                cause == null ? "an error" : cause.getClass().getSimpleName(), delay);
        try {
            jdbc.update("UPDATE callback_inbox SET claimed_until = ? WHERE id = ? AND claimed_by = ? AND status = 'CLAIMED'",
                    Timestamp.from(clock.instant().plus(delay)), id, instanceId);
        } catch (RuntimeException e) {
            // never throws (the database is likely away): the row is given back at the first poll after the outage
            // (or, should this instance die first, no heartbeat renews it and its lease runs out)
            claims.outageSeen();
            log.warn("Callback inbox row {} could not be given back now ({}); given back once the database is back", id,
                    e.getClass().getSimpleName());
        }
    }

    @Override
    public ClaimTable<Long> claimTable() {
        return claims;
    }

    /** Puts one FAILED or PROCESSED row back in the queue, for example after a parser fix. Returns how many. */
    public int requeue(@Header("id") long id) {
        int count = jdbc.update("UPDATE callback_inbox SET status = 'RECEIVED', claimed_until = NULL WHERE id = ?"
                + " AND status IN ('FAILED', 'PROCESSED')", id);
        log.info("Re-queued callback inbox row {}: {}", id, count == 1 ? "done" : "not found or still pending");
        pacing.wake(IdlePolling.INBOX);
        return count;
    }

    /** Puts every FAILED row back in the queue. Returns how many. */
    public int requeueFailed() {
        int count = jdbc.update("UPDATE callback_inbox SET status = 'RECEIVED', claimed_until = NULL WHERE status = 'FAILED'");
        log.info("Re-queued {} failed callback inbox rows", count);
        pacing.wake(IdlePolling.INBOX);
        return count;
    }

    /** Stored callbacks by status (default FAILED), newest first, without their bodies; 400 for an unknown status. */
    public List<Map<String, Object>> list(@Header("status") String status) {
        String wanted = status == null || status.isBlank() ? "FAILED" : status.trim().toUpperCase(java.util.Locale.ROOT);
        if (!STATUSES.contains(wanted)) {
            throw new BadRequestException("status must be RECEIVED, CLAIMED, PROCESSED or FAILED");
        }
        return jdbc.queryForList("SELECT id, kind, source_address, content_type, received_at, status, attempts,"
                + " processed_at, scan_reference, outcome, failure_reason FROM callback_inbox WHERE status = ?"
                + " ORDER BY id DESC FETCH FIRST 500 ROWS ONLY", wanted);
    }

    /** Backlog for health and metrics: unprocessed rows and the age of the oldest. */
    public Map<String, Object> backlog() {
        Map<String, Object> view = new LinkedHashMap<>();
        Map<String, Object> row = jdbc.queryForMap("SELECT COUNT(*) AS pending, MIN(received_at) AS oldest FROM callback_inbox"
                + " WHERE status IN ('RECEIVED', 'CLAIMED')");
        long pending = ((Number) row.get("PENDING")).longValue();
        lastBacklog.set(pending);
        view.put("pending", pending);
        Object oldest = row.get("OLDEST");
        Instant oldestAt = oldest == null ? null : SqlValues.instant(oldest);
        view.put("oldestPendingAgeSeconds", oldestAt == null ? 0 : Duration.between(oldestAt, clock.instant()).toSeconds());
        view.put("failed", jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox WHERE status = 'FAILED'", Long.class));
        return view;
    }

    private static InboxEntry entry(ResultSet rs, int row) throws SQLException {
        return new InboxEntry(rs.getLong("id"), rs.getString("kind"), rs.getString("source_address"),
                rs.getString("content_type"), rs.getBytes("body"), rs.getString("data_key_id"),
                rs.getTimestamp("received_at").toInstant(),
                rs.getInt("attempts") + 1);
    }
}
