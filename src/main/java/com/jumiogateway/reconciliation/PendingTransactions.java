package com.jumiogateway.reconciliation;

import com.jumiogateway.api.BadRequestException;
import com.jumiogateway.claims.ClaimQueue;
import com.jumiogateway.claims.ClaimTable;
import com.jumiogateway.claims.InstanceIdentity;
import com.jumiogateway.logging.LogText;
import com.jumiogateway.reconciliation.JumioApiProperties.DataCenter;
import com.jumiogateway.result.CallbackKind;
import com.jumiogateway.result.Decision;
import com.jumiogateway.result.VerificationResult;
import com.jumiogateway.routing.ExchangeNames;
import com.jumiogateway.storage.SqlValues;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The pending registry and the poller's bookkeeping. The database is the queue: the poller claims due rows with
 * FOR UPDATE SKIP LOCKED and a lease, so any number of instances share the work, no row is polled by two instances at
 * once, and a claim of an instance that died is taken over when its lease runs out. Every outcome update is fenced
 * by {@code claimed_by}: an instance that lost its claim changes nothing. Leases are short and renewed by the
 * {@link com.jumiogateway.claims.ClaimHeartbeat} while a claimed row waits for its turn or is being polled (a slow
 * Jumio keeps its claim); the claims of an instance that died run out within one lease.
 */
public class PendingTransactions implements ClaimQueue {

    private static final Logger log = LoggerFactory.getLogger(PendingTransactions.class);
    private static final String COLUMNS = "scan_reference, kind, data_center, customer_internal_reference,"
            + " user_reference, initiated_at, token_lifetime_minutes, overdue_at, attempts, consecutive_errors, next_poll_at";

    /** States of a pending transaction (column pending_transaction.state). */
    public enum State {
        /** Polled until a result arrives. */
        PENDING,
        /** A result arrived (callback or retrieval). */
        RESOLVED,
        /** Given up after the last attempt; an alert was raised. */
        UNRESOLVED,
        /** Jumio reported the transaction FAILED. */
        FAILED;

        /** The resolved state for a result: FAILED when the transaction failed. */
        static State of(boolean failed) {
            return failed ? FAILED : RESOLVED;
        }
    }

    /** What became of a poll without a final result; the routes compare with the names (header PollOutcome). */
    public enum PollOutcome {
        /** The next attempt is scheduled. */
        SCHEDULED,
        /** Given up now (last attempt done): the route raises the alert. */
        UNRESOLVED,
        /** A callback resolved the transaction meanwhile; the poll is recorded. */
        RESOLVED,
        /** Another instance took the claim over; nothing recorded. */
        NOT_CLAIMED,
        /** The failed attempt could not be recorded (database away); the row is given back later. */
        NOT_RECORDED
    }

    /** What the registry needs to know about a transaction. */
    public record Registration(String scanReference, CallbackKind kind, DataCenter dataCenter, String origin,
                               String customerInternalReference, String userReference, Instant initiatedAt,
                               int tokenLifetimeMinutes) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final ReconciliationProperties properties;
    private final RetrievalSchedule schedule;
    private final RetrievalCredentials credentials;
    private final MeterRegistry meters;
    private final Clock clock;
    private final String instanceId;
    private final AtomicLong unresolvedGauge = new AtomicLong();
    private final java.util.function.BooleanSupplier platformConfigured;
    private final ClaimTable<String> claims;

    /** @param platformConfigured whether Jumio Platform OAuth credentials are configured (PLATFORM rows are polled) */
    public PendingTransactions(JdbcTemplate jdbc, TransactionTemplate transactions, ReconciliationProperties properties,
                               RetrievalSchedule schedule, RetrievalCredentials credentials, MeterRegistry meters,
                               Clock clock, InstanceIdentity identity, java.util.function.BooleanSupplier platformConfigured) {
        this.platformConfigured = platformConfigured;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.properties = properties;
        this.schedule = schedule;
        this.credentials = credentials;
        this.meters = meters;
        this.clock = clock;
        // a given-back row is unclaimed: the claim query takes PENDING rows without a live lease
        this.claims = new ClaimTable<>("Pending transactions", "pending_transaction", "scan_reference",
                "state = 'PENDING'", "claimed_by = NULL, claimed_until = NULL", "", jdbc, clock, identity,
                properties::getClaimLease, log);
        this.instanceId = claims.owner();
        meters.gauge("gateway.reconciliation.unresolved.current", unresolvedGauge);
    }

    public String instanceId() {
        return instanceId;
    }

    // --- registry ---------------------------------------------------------------------------------------------

    /**
     * Records a transaction as pending. Idempotent per scan reference (an existing row is returned unchanged, with
     * created=false). A result already stored for it (the callback came first) resolves it at once.
     */
    public Map<String, Object> register(Registration registration) {
        Instant now = clock.instant();
        Instant overdueAt = schedule.overdueAt(registration.initiatedAt(), registration.tokenLifetimeMinutes());
        boolean created;
        try {
            jdbc.update("INSERT INTO pending_transaction (scan_reference, kind, data_center, origin,"
                            + " customer_internal_reference, user_reference, initiated_at, token_lifetime_minutes,"
                            + " overdue_at, state, attempts, consecutive_errors, next_poll_at, created_at, updated_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', 0, 0, ?, ?, ?)",
                    registration.scanReference(), registration.kind().name(), registration.dataCenter().name(),
                    registration.origin(), registration.customerInternalReference(), registration.userReference(),
                    Timestamp.from(registration.initiatedAt()), registration.tokenLifetimeMinutes(),
                    Timestamp.from(overdueAt), Timestamp.from(overdueAt), Timestamp.from(now), Timestamp.from(now));
            created = true;
            meters.counter("gateway.reconciliation.registered", "kind", registration.kind().name(),
                    "origin", registration.origin()).increment();
        } catch (DuplicateKeyException exists) {
            created = false;
        }
        if (created) {
            // the callback may have come before the registration: "at any time" includes before
            List<Map<String, Object>> stored = jdbc.queryForList(
                    "SELECT source, decision FROM verification_result WHERE scan_reference = ?", registration.scanReference());
            if (!stored.isEmpty()) {
                resolve(registration.scanReference(), State.of("FAILED".equals(stored.get(0).get("decision"))),
                        String.valueOf(stored.get(0).get("source")));
            }
        }
        Map<String, Object> view = find(registration.scanReference());
        view.put("created", created);
        return view;
    }

    /** Gateway step of the fan-out, not a team target: a result was stored (callback or retrieval); polling stops. */
    public void resolved(@Body VerificationResult result) {
        State state = State.of(result.decision() == Decision.FAILED);
        if (resolve(result.scanReference(), state, result.source().name())) {
            log.info("Pending transaction {} {} by {}", result.scanReference(), state.name().toLowerCase(Locale.ROOT),
                    result.source());
        }
    }

    private boolean resolve(String scanReference, State state, String source) {
        Instant now = clock.instant();
        int updated = jdbc.update("UPDATE pending_transaction SET state = ?, resolved_at = ?, resolution_source = ?,"
                        + " next_poll_at = NULL, updated_at = ? WHERE scan_reference = ? AND state <> 'RESOLVED'",
                state.name(), Timestamp.from(now), source, Timestamp.from(now), scanReference);
        if (updated == 1) {
            meters.counter("gateway.reconciliation.resolved", "state", state.name(), "source", source).increment();
        }
        return updated == 1;
    }

    /** One pending transaction for the API, or null. */
    public Map<String, Object> find(String scanReference) {
        List<Map<String, Object>> rows = jdbc.queryForList(VIEW_SELECT + " WHERE scan_reference = ?", scanReference);
        return rows.isEmpty() ? null : view(rows.get(0));
    }

    /** Pending transactions by state (pending, resolved, unresolved, failed, all), newest first, at most 500. */
    public List<Map<String, Object>> list(@Header("state") String state) {
        String wanted = state == null || state.isBlank() ? "PENDING" : state.strip().toUpperCase(Locale.ROOT);
        if (wanted.equals("ALL")) {
            return jdbc.queryForList(VIEW_SELECT + " ORDER BY created_at DESC FETCH FIRST 500 ROWS ONLY")
                    .stream().map(PendingTransactions::view).toList();
        }
        if (java.util.Arrays.stream(State.values()).noneMatch(known -> known.name().equals(wanted))) {
            throw new BadRequestException("state must be one of pending, resolved, unresolved, failed, all");
        }
        return jdbc.queryForList(VIEW_SELECT + " WHERE state = ? ORDER BY created_at DESC FETCH FIRST 500 ROWS ONLY",
                wanted).stream().map(PendingTransactions::view).toList();
    }

    private static final String VIEW_SELECT = "SELECT scan_reference, kind, data_center, origin, customer_internal_reference,"
            + " user_reference, initiated_at, token_lifetime_minutes, overdue_at, state, attempts, next_poll_at,"
            + " last_polled_at, last_status, last_error, resolved_at, resolution_source FROM pending_transaction";

    private static Map<String, Object> view(Map<String, Object> row) {
        Map<String, Object> view = new LinkedHashMap<>();
        row.forEach((column, value) -> view.put(camel(column), value instanceof Timestamp || value instanceof java.time.OffsetDateTime
                ? SqlValues.instant(value).toString() : value));
        return view;
    }

    private static String camel(String column) {
        StringBuilder name = new StringBuilder();
        boolean upper = false;
        for (char c : column.toLowerCase(Locale.ROOT).toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                name.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return name.toString();
    }

    // --- poller -----------------------------------------------------------------------------------------------

    /**
     * Claims due rows: PENDING, next_poll_at passed, not claimed by a live lease. Nothing without credentials; while
     * Jumio refuses our credentials, one row as a probe per probe interval across the service.
     */
    public List<PendingTransaction> claimDue() {
        // Netverify / Document Verification rows need the API token and secret, Jumio Platform rows the OAuth client
        boolean netverify = credentials.configured();
        boolean platform = platformConfigured.getAsBoolean();
        if (!netverify && !platform) {
            return List.of();
        }
        String kinds = netverify && platform ? "" : netverify ? " AND kind <> 'PLATFORM'" : " AND kind = 'PLATFORM'";
        return claims.claim(() -> {
            boolean probe = credentials.blocked();
            if (probe && !credentials.takeProbe()) {
                return List.of();
            }
            int limit = probe ? 1 : properties.effectiveBatchSize();
            Instant now = clock.instant();
            Timestamp leaseUntil = Timestamp.from(now.plus(properties.getClaimLease()));
            claims.giveBackOrphans();
            List<PendingTransaction> rows = claimRows(kinds, limit, now, leaseUntil);
            return probe && rows != null ? rows.stream().map(PendingTransaction::asProbe).toList() : rows;
        }, PendingTransaction::scanReference);
    }

    private List<PendingTransaction> claimRows(String kinds, int limit, Instant now, Timestamp leaseUntil) {
        return transactions.execute(status -> {
            List<PendingTransaction> rows = jdbc.query("SELECT " + COLUMNS + " FROM pending_transaction"
                            + " WHERE state = 'PENDING' AND next_poll_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)" + kinds
                            + " ORDER BY next_poll_at FETCH FIRST " + limit + " ROWS ONLY FOR UPDATE SKIP LOCKED",
                    PendingTransactions::row, Timestamp.from(now), Timestamp.from(now));
            if (!rows.isEmpty()) {
                jdbc.batchUpdate("UPDATE pending_transaction SET claimed_by = ?, claimed_until = ? WHERE scan_reference = ?",
                        rows.stream().map(r -> new Object[] {instanceId, leaseUntil, r.scanReference()}).toList());
            }
            return rows;
        });
    }

    /**
     * Before a claimed row is polled: true when it must not be. Either Jumio refused our credentials meanwhile and
     * this row is not the probe (the claim is given back, nothing counted), or the claim is no longer ours or the row
     * no longer pending (a callback resolved it while it waited in the queue, or the lease ran out and another
     * instance may have taken it). Otherwise the lease is renewed for this poll: no row is ever polled by two
     * instances, however long it waited.
     */
    public boolean holdBack(@ExchangeProperty(ExchangeNames.PENDING_TRANSACTION) PendingTransaction row) {
        if (!row.probe() && credentials.blockedLocally()) {
            release(row);
            return true;
        }
        Instant now = clock.instant();
        int renewed = jdbc.update("UPDATE pending_transaction SET claimed_until = ? WHERE scan_reference = ?"
                        + " AND claimed_by = ? AND claimed_until > ? AND state = 'PENDING'",
                Timestamp.from(now.plus(properties.getClaimLease())), row.scanReference(), instanceId, Timestamp.from(now));
        if (renewed == 0) {
            claims.forget(row.scanReference());
            log.debug("Pending transaction {} resolved or claim lost while queued: not polled", row.scanReference());
            return true;
        }
        return false;
    }

    /** Jumio refused our credentials for this row's request: the attempt does not count, the row keeps its due time. */
    public void release(@ExchangeProperty(ExchangeNames.PENDING_TRANSACTION) PendingTransaction row) {
        claims.forget(row.scanReference());
        jdbc.update("UPDATE pending_transaction SET claimed_by = NULL, claimed_until = NULL WHERE scan_reference = ?"
                + " AND claimed_by = ?", row.scanReference(), instanceId);
    }

    /**
     * Jumio answered without a final result (status PENDING, or 404 for a scan it does not show yet): the next
     * attempt follows the schedule; after the last one the transaction is given up.
     *
     * @return SCHEDULED, UNRESOLVED (given up now: raise the alert), RESOLVED or NOT_CLAIMED
     */
    public PollOutcome notFinal(@ExchangeProperty(ExchangeNames.PENDING_TRANSACTION) PendingTransaction row,
                           @Header(Exchange.HTTP_RESPONSE_CODE) Integer httpStatus,
                           @ExchangeProperty(ExchangeNames.JUMIO_STATUS) String jumioStatus) {
        String status = httpStatus != null && httpStatus == 404 ? "NOT_FOUND" : String.valueOf(jumioStatus);
        meters.counter("gateway.reconciliation.polls", "outcome", status).increment();
        return advance(row, status, null, false);
    }

    /**
     * A 5xx, an unexpected answer, a timeout, a refused connection or a payload we could not read: back off, never
     * sooner than the schedule.
     */
    public PollOutcome failedPoll(Exchange exchange) {
        PendingTransaction row = exchange.getProperty(ExchangeNames.PENDING_TRANSACTION, PendingTransaction.class);
        Integer code = exchange.getIn().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        // a database exception's message quotes SQL parameters (personal values): its class only
        String error = cause != null ? safe(LogText.describe(cause)) : "HTTP " + code;
        meters.counter("gateway.reconciliation.polls", "outcome", cause != null ? "ERROR" : "HTTP_" + code).increment();
        log.warn("Retrieval of {} (attempt {}) failed: {}; backing off", row.scanReference(), row.attempts() + 1, error);
        try {
            return advance(row, cause != null ? "ERROR" : "HTTP_" + code, error, true);
        } catch (RuntimeException e) {
            // an error step never throws (the database is likely away): no heartbeat renews the claim, its lease
            // runs out and the transaction is polled again
            claims.forget(row.scanReference());
            claims.outageSeen();
            log.warn("Pending transaction {}: failed attempt not recorded ({}); given back once the database is back",
                    row.scanReference(), e.getClass().getSimpleName());
            return PollOutcome.NOT_RECORDED;
        }
    }

    private PollOutcome advance(PendingTransaction row, String status, String error, boolean isError) {
        claims.forget(row.scanReference());
        Instant now = clock.instant();
        int attemptsDone = row.attempts() + 1;
        int errors = isError ? row.consecutiveErrors() + 1 : 0;
        Instant next = isError ? schedule.nextAfterError(attemptsDone, errors, now) : schedule.nextAfter(attemptsDone, now);
        if (next == null) {
            int updated = jdbc.update("UPDATE pending_transaction SET state = 'UNRESOLVED', attempts = ?,"
                            + " consecutive_errors = ?, next_poll_at = NULL, last_polled_at = ?, last_polled_by = ?,"
                            + " last_status = ?, last_error = ?, claimed_by = NULL, claimed_until = NULL, updated_at = ?"
                            + " WHERE scan_reference = ? AND claimed_by = ? AND state = 'PENDING'",
                    attemptsDone, errors, Timestamp.from(now), instanceId, status, error, Timestamp.from(now),
                    row.scanReference(), instanceId);
            if (updated == 1) {
                meters.counter("gateway.reconciliation.unresolved", "kind", row.kind().name()).increment();
                unresolvedGauge.set(countUnresolved());
                log.error("Pending transaction {} given up after {} attempts (last: {}): marked UNRESOLVED",
                        row.scanReference(), attemptsDone, status);
                return PollOutcome.UNRESOLVED;
            }
            return finishLostClaim(row, now, attemptsDone, status, error, errors);
        }
        int updated = jdbc.update("UPDATE pending_transaction SET attempts = ?, consecutive_errors = ?, next_poll_at = ?,"
                        + " last_polled_at = ?, last_polled_by = ?, last_status = ?, last_error = ?, claimed_by = NULL,"
                        + " claimed_until = NULL, updated_at = ? WHERE scan_reference = ? AND claimed_by = ? AND state = 'PENDING'",
                attemptsDone, errors, Timestamp.from(next), Timestamp.from(now), instanceId, status, error,
                Timestamp.from(now), row.scanReference(), instanceId);
        if (updated == 1) {
            log.debug("Pending transaction {} attempt {}: {}; next at {}", row.scanReference(), attemptsDone, status, next);
            return PollOutcome.SCHEDULED;
        }
        return finishLostClaim(row, now, attemptsDone, status, error, errors);
    }

    /** Resolved meanwhile (a callback arrived) or claim lost: record the poll, change nothing else. */
    private PollOutcome finishLostClaim(PendingTransaction row, Instant now, int attemptsDone, String status, String error,
                                   int errors) {
        int updated = jdbc.update("UPDATE pending_transaction SET attempts = ?, consecutive_errors = ?, last_polled_at = ?,"
                        + " last_polled_by = ?, last_status = ?, last_error = ?, claimed_by = NULL, claimed_until = NULL,"
                        + " updated_at = ? WHERE scan_reference = ? AND claimed_by = ?",
                attemptsDone, errors, Timestamp.from(now), instanceId, status, error, Timestamp.from(now),
                row.scanReference(), instanceId);
        if (updated == 0) {
            log.warn("Pending transaction {}: claim lost before the poll was recorded", row.scanReference());
            return PollOutcome.NOT_CLAIMED;
        }
        return PollOutcome.RESOLVED;
    }

    /**
     * A final status was handled (DONE: the result went through the fan-out; FAILED: recorded). The fan-out step
     * has normally resolved the row already; this records the attempt and makes sure polling stops.
     */
    public void completed(@ExchangeProperty(ExchangeNames.PENDING_TRANSACTION) PendingTransaction row,
                          @ExchangeProperty(ExchangeNames.JUMIO_STATUS) String jumioStatus) {
        claims.forget(row.scanReference());
        Instant now = clock.instant();
        State state = State.of(RetrievalResponses.isFailed(jumioStatus));
        meters.counter("gateway.reconciliation.polls", "outcome", String.valueOf(jumioStatus)).increment();
        jdbc.update("UPDATE pending_transaction SET attempts = attempts + 1, consecutive_errors = 0, last_polled_at = ?,"
                        + " last_polled_by = ?, last_status = ?, last_error = NULL, claimed_by = NULL, claimed_until = NULL,"
                        + " updated_at = ? WHERE scan_reference = ? AND claimed_by = ?",
                Timestamp.from(now), instanceId, jumioStatus, Timestamp.from(now), row.scanReference(), instanceId);
        resolve(row.scanReference(), state, "RETRIEVAL");
    }

    @Override
    public ClaimTable<String> claimTable() {
        return claims;
    }

    private long countUnresolved() {
        Long count = jdbc.queryForObject("SELECT COUNT(*) FROM pending_transaction WHERE state = 'UNRESOLVED'", Long.class);
        return count == null ? 0 : count;
    }

    /** Counts by state, for the API and health. */
    public Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (State state : State.values()) {
            counts.put(state.name().toLowerCase(Locale.ROOT), 0L);
        }
        // queryForList rows are case-insensitive maps (H2 answers upper case, PostgreSQL lower case)
        jdbc.queryForList("SELECT state, COUNT(*) AS n FROM pending_transaction GROUP BY state").forEach(r ->
                counts.put(String.valueOf(r.get("state")).toLowerCase(Locale.ROOT), ((Number) r.get("n")).longValue()));
        unresolvedGauge.set(counts.get("unresolved"));
        return counts;
    }

    private static String safe(String message) {
        if (message == null) {
            return "";
        }
        return message.length() > 300 ? message.substring(0, 300) : message;
    }

    private static PendingTransaction row(ResultSet rs, int i) throws SQLException {
        return new PendingTransaction(rs.getString("scan_reference"), CallbackKind.valueOf(rs.getString("kind")),
                DataCenter.valueOf(rs.getString("data_center")), rs.getString("customer_internal_reference"),
                rs.getString("user_reference"), rs.getTimestamp("initiated_at").toInstant(),
                rs.getInt("token_lifetime_minutes"), rs.getTimestamp("overdue_at").toInstant(), rs.getInt("attempts"),
                rs.getInt("consecutive_errors"), rs.getTimestamp("next_poll_at").toInstant(), false);
    }
}
