package com.jumiogateway.webhook;

import com.jumiogateway.claims.IdlePolling;
import com.jumiogateway.alert.AlertOutbox;
import com.jumiogateway.api.ApiProblem;
import com.jumiogateway.api.BadRequestException;
import com.jumiogateway.claims.ClaimQueue;
import com.jumiogateway.claims.ClaimTable;
import com.jumiogateway.claims.InstanceIdentity;
import com.jumiogateway.logging.LogText;
import com.jumiogateway.routing.ExchangeNames;
import com.jumiogateway.storage.SqlValues;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The delivery outbox (webhooks and chat messages): claimed with short leases like the other queues (shared
 * {@link ClaimTable}, renewed by the heartbeat), sent by routes/webhook-delivery.camel.yaml, then marked DELIVERED,
 * scheduled again with exponential backoff and jitter (Retry-After honoured), or FAILED (permanent answer, or out of
 * attempts; re-sendable). Every attempt is recorded in delivery_attempt.
 *
 * <p>Ordering: per destination and scan reference only the oldest PENDING row can be claimed, so an older result
 * never overtakes a newer one, even while it waits for a retry. Health: a destination failing without success for
 * {@code pause-after} is paused (its rows wait as PENDING, an operations alert goes out); resumed through the API,
 * it continues with its oldest undelivered row.
 */
@Component("deliveryOutbox")
public class DeliveryOutbox implements ClaimQueue {

    public static final String PENDING = "PENDING";
    public static final String DELIVERED = "DELIVERED";
    public static final String FAILED = "FAILED";
    private static final Set<String> STATUSES = Set.of(PENDING, DELIVERED, FAILED);
    private static final Logger log = LoggerFactory.getLogger(DeliveryOutbox.class);

    /** What a redeliver request did (compared by name in routes/deliveries-api.camel.yaml). */
    public enum RedeliverOutcome { REDELIVERED, NOT_FOUND, PENDING, PURGED }

    private final JdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate named;
    private final TransactionTemplate transactions;
    private final WebhookProperties properties;
    private final AlertOutbox alerts;
    private final MeterRegistry meters;
    private final Clock clock;
    private final ClaimTable<Long> claims;
    private final String instanceId;
    private final IdlePolling pacing;
    private final Map<String, io.micrometer.core.instrument.Counter> deliveredCounters = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Timer> latencies = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * Deliveries the receiver accepted whose DELIVERED mark is not in the database yet: written together (one JDBC
     * batch) once half a claim batch (at least as many as the sender has threads) are waiting, before every claim,
     * and by the heartbeat. Their
     * claims stay held (and renewed) until then; should this instance die first, they are sent again, with the same
     * webhook-id, like the deliveries in flight.
     */
    private final java.util.concurrent.ConcurrentLinkedQueue<Mark> unconfirmed = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final Object flushing = new Object();
    /**
     * Rows a page of a claim's walk reads beyond the rows wanted and the rows this instance holds (those come first:
     * they are the oldest PENDING ones): room for a few newer results waiting behind an older one of their scan, and
     * for other instances' rows in flight. A page of four times the rows wanted read twice what a claim took.
     */
    private static final int WALK_SLACK = 16;
    /**
     * Per destination: below this id no row was PENDING at the last walk, so the next one starts here rather than at
     * the index's first entry: stepping over the dead entries that finished rows leave until the next VACUUM (two
     * per delivery) took 1,145 buffers per claim on average over 225,000 deliveries, 238 from here. Rows only become
     * PENDING again through a redeliver, which resets it on this instance; a full walk every
     * {@link #FULL_WALK_EVERY} finds those of other instances.
     */
    private final Map<String, Long> walkFrom = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Instant> lastFullWalk = new java.util.concurrent.ConcurrentHashMap<>();
    static final Duration FULL_WALK_EVERY = Duration.ofSeconds(10);
    /** Step 2 of a claim: the chosen rows still claimable, leased to this instance, returned as they now are. */
    private final String takeRows;
    /** Rows per DELIVERED-mark statement: the smallest that holds a flush; a larger flush takes several of the last. */
    private static final int[] MARK_SIZES = {4, 16, 64};
    /** The DELIVERED marks of n deliveries, each with its own time and status code: one statement. */
    private final java.util.function.IntFunction<String> markDelivered;
    /** Which active destination the next claim starts with. */
    private volatile int claimRound;

    private record Mark(long id, Integer statusCode, Instant at) { }

    /** Per destination: when this instance last cleared its failing_since after a success (at most once a second). */
    private final Map<String, Instant> healthyMarked = new java.util.concurrent.ConcurrentHashMap<>();

    public DeliveryOutbox(JdbcTemplate jdbc, TransactionTemplate transactions, WebhookProperties properties,
                          AlertOutbox alerts, MeterRegistry meters, Clock clock, InstanceIdentity identity,
                          IdlePolling pacing) {
        this.pacing = pacing;
        this.jdbc = jdbc;
        this.named = new NamedParameterJdbcTemplate(jdbc);
        this.transactions = transactions;
        this.properties = properties;
        this.alerts = alerts;
        this.meters = meters;
        this.clock = clock;
        this.claims = new ClaimTable<>("Delivery outbox", "delivery_outbox", "id", "status = 'PENDING'",
                "claimed_until = NULL", "claimed_until IS NOT NULL", jdbc, clock, identity, properties::getClaimLease, log);
        this.instanceId = claims.owner();
        boolean postgres = SqlValues.isPostgres(jdbc);
        this.takeRows = takeRowsStatement(postgres);
        this.markDelivered = n -> markDeliveredStatement(postgres, n);
        for (String name : names()) {
            if (properties.getDestinations().containsKey(name) && properties.getChat().containsKey(name)) {
                throw new IllegalStateException("A webhook destination and a chat channel are both named " + name);
            }
            ensureDestinationRow(name);
            Gauge.builder("gateway.webhooks.backlog", this, o -> o.backlog(name).count)
                    .tag("destination", name).description("Deliveries waiting (PENDING)").register(meters);
            Gauge.builder("gateway.webhooks.backlog.age", this, o -> o.backlog(name).oldestAgeSeconds)
                    .tag("destination", name).baseUnit("seconds").description("Age of the oldest waiting delivery")
                    .register(meters);
        }
    }

    /** The destination's health row (kept from an earlier start with its paused state, else a new one). */
    private void ensureDestinationRow(String name) {
        try {
            jdbc.update("INSERT INTO delivery_destination (name, paused) VALUES (?, FALSE)", name);
        } catch (DuplicateKeyException known) {
            // exists
        }
    }

    private List<String> names() {
        List<String> names = new ArrayList<>(properties.getDestinations().keySet());
        names.addAll(properties.getChat().keySet());
        return names;
    }

    private record Backlog(double count, double oldestAgeSeconds) { }

    private Backlog backlog(String destination) {
        try {
            Map<String, Object> row = jdbc.queryForMap("SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM delivery_outbox"
                    + " WHERE destination = ? AND status = 'PENDING'", destination);
            Instant oldest = SqlValues.instant(row.get("OLDEST") != null ? row.get("OLDEST") : row.get("oldest"));
            Object n = row.get("N") != null ? row.get("N") : row.get("n");
            return new Backlog(((Number) n).doubleValue(),
                    oldest == null ? 0 : Duration.between(oldest, clock.instant()).toMillis() / 1000.0);
        } catch (RuntimeException e) {
            return new Backlog(Double.NaN, Double.NaN);
        }
    }

    /** Destinations (and chat channels) configured, enabled and not paused: the only ones whose rows are claimed. */
    private List<String> activeDestinations() {
        Set<String> active = new LinkedHashSet<>();
        properties.getDestinations().forEach((name, d) -> {
            if (d.isEnabled()) {
                active.add(name);
            }
        });
        properties.getChat().forEach((name, c) -> {
            if (c.isEnabled()) {
                active.add(name);
            }
        });
        if (!active.isEmpty()) {
            active.removeAll(jdbc.queryForList("SELECT name FROM delivery_destination WHERE paused = TRUE", String.class));
        }
        return new ArrayList<>(active);
    }

    /**
     * Claim step of the sender loop: due PENDING rows of active destinations, not leased by another instance, and
     * only the oldest PENDING row of each destination and scan reference.
     */
    public List<ClaimedDelivery> claim() {
        if (!properties.isEnabled()) {
            return List.of();
        }
        // what the receivers accepted is marked DELIVERED before anything new is claimed
        if (!confirmDelivered()) {
            return List.of();
        }
        // idle: the database is asked every gateway.polling.idle-delay only (queuing a delivery wakes the sender)
        if (!pacing.pollNow(IdlePolling.DELIVERIES)) {
            return List.of();
        }
        List<ClaimedDelivery> claimed = claims.claim(() -> {
            claims.giveBackOrphans();
            List<String> active = activeDestinations();
            return active.isEmpty() ? List.of() : claimRows(active);
        }, ClaimedDelivery::id);
        pacing.polled(IdlePolling.DELIVERIES, !claimed.isEmpty());
        return claimed;
    }

    /**
     * Per active destination, starting with a different one each time (none waits behind another's backlog):
     * <ol>
     * <li>its due rows that are their scan's oldest PENDING row, found in one walk over its PENDING rows in id order
     * (rows in backoff or in flight hold their scan back, so an older result is never overtaken);</li>
     * <li>the rows taken, read (on PostgreSQL locked, skipping rows another instance is claiming) by id.</li>
     * </ol>
     * The cost of a claim is that of the rows it walks (those in flight or in backoff, and the ones it takes),
     * whatever the rest of the backlog and the table statistics: the single query with a correlated NOT EXISTS planned
     * on statistics taken while the table was empty (a burst of results) ran the anti-join over the whole backlog,
     * then sorted it: 100 ms per claim at 10,000 rows on PostgreSQL, and H2 runs a correlated subquery per row at
     * ~50 us.
     */
    private List<ClaimedDelivery> claimRows(List<String> active) {
        Timestamp now = Timestamp.from(clock.instant());
        Timestamp leaseUntil = Timestamp.from(clock.instant().plus(properties.getClaimLease()));
        int batch = properties.getBatchSize();
        int first = Math.floorMod(claimRound++, active.size());
        return transactions.execute(tx -> {
            List<Long> chosen = new ArrayList<>();
            for (int i = 0; i < active.size() && chosen.size() < batch; i++) {
                chosen.addAll(oldestOfTheirScans(active.get((first + i) % active.size()), batch - chosen.size(), now));
            }
            if (chosen.isEmpty()) {
                return List.<ClaimedDelivery>of();
            }
            // one statement takes them all and returns what it took (H2 would otherwise run one UPDATE per row:
            // two thirds of the claim's cost); a row another instance took meanwhile no longer matches
            List<ClaimedDelivery> won = new ArrayList<>(named.query(takeRows, new MapSqlParameterSource("ids", chosen)
                    .addValue("now", now).addValue("owner", instanceId).addValue("until", leaseUntil),
                    (rs, row) -> claimed(rs, now.toInstant())));
            won.sort(java.util.Comparator.comparingLong(ClaimedDelivery::id));
            return won;
        });
    }

    /**
     * Step 1 of a claim for one destination: ids of up to {@code wanted} due rows, each its scan's oldest. One walk
     * over the destination's PENDING rows in id order (PostgreSQL: delivery_outbox_pending_idx, H2:
     * delivery_outbox_claim_idx), a page at a time: a row not due (backoff) or in flight makes its scan wait, and a
     * due row goes only when no older PENDING row of its scan came before it. One statement per page, sized to hold
     * this instance's rows in flight and the rows wanted, rather than two per claim (the due rows, then the scans
     * with an older row not due), each of which visited every row in flight and read four rows per row taken.
     */
    private List<Long> oldestOfTheirScans(String destination, int wanted, Timestamp now) {
        int page = wanted + claims.heldCount() + WALK_SLACK;
        Set<String> waiting = new java.util.HashSet<>();
        List<Long> ids = new ArrayList<>();
        Instant lastFull = lastFullWalk.get(destination);
        boolean full = lastFull == null || !lastFull.plus(FULL_WALK_EVERY).isAfter(now.toInstant());
        if (full) {
            lastFullWalk.put(destination, now.toInstant());
        }
        long after = full ? 0 : walkFrom.getOrDefault(destination, 0L);
        boolean first = true;
        while (true) {
            record Row(long id, String scanReference, boolean due) { }
            List<Row> rows = jdbc.query("SELECT id, scan_reference, next_attempt_at <= ? AND (claimed_until IS NULL"
                            + " OR claimed_until < ?) FROM delivery_outbox WHERE destination = ? AND status = 'PENDING'"
                            + " AND id > ? ORDER BY destination, status, id FETCH FIRST ? ROWS ONLY",
                    (rs, row) -> new Row(rs.getLong(1), rs.getString(2), rs.getBoolean(3)), now, now, destination, after,
                    page);
            if (first && !rows.isEmpty()) {
                walkFrom.put(destination, rows.get(0).id() - 1);
            }
            first = false;
            for (Row r : rows) {
                // chat messages have no scan order to keep
                boolean oldestOfScan = r.scanReference() == null || waiting.add(r.scanReference());
                if (r.due() && oldestOfScan) {
                    ids.add(r.id());
                    if (ids.size() == wanted) {
                        return ids;
                    }
                }
            }
            if (rows.size() < page) {
                return ids;
            }
            after = rows.get(rows.size() - 1).id();
        }
    }

    private static ClaimedDelivery claimed(ResultSet rs, Instant claimedAt) throws SQLException {
        return new ClaimedDelivery(rs.getLong("id"), rs.getString("message_id"), rs.getString("destination"),
                rs.getString("channel"), rs.getString("scan_reference"), rs.getInt("attempts"), rs.getString("payload"),
                claimedAt);
    }

    /**
     * PostgreSQL: UPDATE ... RETURNING, instances claiming at once skip each other's rows (SKIP LOCKED) instead of
     * waiting for them. H2 (one embedded instance): the same UPDATE read through FINAL TABLE. On both the conditions
     * are checked again on the row as it is when updated, so a row goes to one claim only.
     * The rows are found by id only ({@link ClaimTable#checkedOnly}).
     */
    private static String takeRowsStatement(boolean postgres) {
        String claimable = ClaimTable.checkedOnly("status = 'PENDING'")
                + " AND (claimed_until IS NULL OR claimed_until < :now)";
        String set = "UPDATE delivery_outbox SET claimed_by = :owner, claimed_until = :until, attempts = attempts + 1";
        String columns = "id, message_id, destination, channel, scan_reference, attempts, payload";
        return postgres
                ? set + " WHERE id IN (SELECT id FROM delivery_outbox WHERE id IN (:ids) AND " + claimable
                        + " FOR UPDATE SKIP LOCKED) AND " + claimable + " RETURNING " + columns
                : "SELECT " + columns + " FROM FINAL TABLE (" + set + " WHERE id IN (:ids) AND " + claimable + ")";
    }

    /**
     * Parameters: per delivery its id, answer time and status code. Not fenced by the claim: the receiver has it,
     * whoever holds the claim now. PostgreSQL: UPDATE ... FROM (VALUES ...); H2 has no UPDATE ... FROM: MERGE.
     */
    private static String markDeliveredStatement(boolean postgres, int n) {
        String row = postgres ? "(?::bigint, ?::timestamptz, ?::integer)"
                : "(CAST(? AS BIGINT), CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS INTEGER))";
        String rows = String.join(", ", java.util.Collections.nCopies(n, row));
        String set = " SET status = 'DELIVERED', delivered_at = m.at, last_attempt_at = m.at, last_status_code = m.code,"
                + " last_error = NULL, claimed_until = NULL";
        return postgres
                ? "UPDATE delivery_outbox o" + set + " FROM (VALUES " + rows + ") AS m (id, at, code)"
                        + " WHERE o.id = m.id AND o.status <> 'DELIVERED'"
                : "MERGE INTO delivery_outbox o USING (VALUES " + rows + ") AS m (id, at, code) ON o.id = m.id"
                        + " WHEN MATCHED AND o.status <> 'DELIVERED' THEN UPDATE" + set;
    }

    /**
     * Sender step before posting: true when another instance took the row over meanwhile. Within the first half of
     * the lease nobody else can hold it (no database round trip); later (a long batch) the lease is renewed here.
     */
    public boolean claimLost(@ExchangeProperty(ExchangeNames.DELIVERY) ClaimedDelivery delivery, Exchange exchange) {
        long id = delivery.id();
        // shutting down: nothing new is sent; the row is given back at the hand-over, after which it may be a peer's
        if (!claims.startWork(id, exchange, this::recordCutOff)) {
            return true;
        }
        if (clock.instant().isBefore(delivery.claimedAt().plusMillis(properties.getClaimLease().toMillis() / 2))) {
            return false;
        }
        // a claim given back (claimed_until NULL) is not ours any more, though it still carries our name
        int renewed = jdbc.update("UPDATE delivery_outbox SET claimed_until = ? WHERE id = ? AND claimed_by = ?"
                + " AND status = 'PENDING' AND claimed_until IS NOT NULL",
                Timestamp.from(clock.instant().plus(properties.getClaimLease())), id, instanceId);
        if (renewed == 0) {
            claims.forget(id);
            log.warn("Delivery {} was taken over by another instance before this one sent it", id);
        }
        return renewed == 0;
    }

    /**
     * A forced stop (the end of the graceful shutdown) cut the route while this instance held the row: when that
     * happened after the receiver accepted the POST (the posting step sets the outcome header itself) and before
     * mark-delivered, the answer is recorded here; otherwise the hand-over would give the row to a peer, which would
     * post it again.
     */
    private void recordCutOff(Exchange done) {
        ClaimedDelivery delivery = done.getProperty(ExchangeNames.DELIVERY, ClaimedDelivery.class);
        if (delivery == null || unconfirmed.stream().anyMatch(mark -> mark.id() == delivery.id())) {
            return;
        }
        if (!"DELIVERED".equals(done.getMessage().getHeader(ExchangeNames.DELIVERY_OUTCOME))
                || !(done.getMessage().getBody() instanceof DeliveryAnswer answer)) {
            // cut before an answer came (an interrupted POST may still have arrived): sent again, same webhook-id
            log.info("Delivery {} to {} cut off by the forced end of the shutdown before its answer was recorded",
                    delivery.id(), delivery.destination());
            return;
        }
        log.info("Delivery {} to {} accepted by the receiver as the routes were stopped: marked DELIVERED", delivery.id(),
                delivery.destination());
        markDelivered(answer, delivery);
    }

    /** Sender step: the receiver answered 2xx. Not fenced by the claim: the receiver has it, whoever holds it now. */
    public void markDelivered(@Body DeliveryAnswer answer, @ExchangeProperty(ExchangeNames.DELIVERY) ClaimedDelivery delivery) {
        Instant now = clock.instant();
        // the attempt log holds every failed attempt, and the success that followed them; a first-time success is
        // the row itself (attempts 1, last status code, delivered at): one statement per delivery
        if (delivery.attempt() > 1) {
            recordAttempt(delivery, answer, now);
        }
        unconfirmed.add(new Mark(delivery.id(), answer.statusCode(), now));
        // after the hand-over at shutdown (a send that outlived the graceful stop) nothing flushes later: now
        if (claims.handedOver() || unconfirmed.size() >= Math.max(properties.getThreads(), properties.getBatchSize() / 2)) {
            confirmDelivered();
        }
        String destination = delivery.destination();
        Instant marked = healthyMarked.get(destination);
        if (marked == null || marked.isBefore(now.minusSeconds(1)) || delivery.attempt() > 1) {
            healthyMarked.put(destination, now);
            jdbc.update("UPDATE delivery_destination SET failing_since = NULL WHERE name = ? AND failing_since IS NOT NULL",
                    destination);
        }
        deliveredCounters.computeIfAbsent(destination,
                d -> meters.counter("gateway.webhooks.delivered", "destination", d)).increment();
        latencies.computeIfAbsent(destination, d -> Timer.builder("gateway.webhooks.latency").tag("destination", d)
                        .description("Time from the request to the receiver's answer").register(meters))
                .record(answer.durationMs(), TimeUnit.MILLISECONDS);
        log.debug("Delivery {} to {} delivered (attempt {})", delivery.id(), delivery.destination(), delivery.attempt());
    }

    /**
     * Writes the waiting DELIVERED marks (one JDBC batch); true when none is left. Not fenced by the claim: the
     * receiver has it, whoever holds the claim now. Never throws: a failure keeps the marks for the next call.
     */
    boolean confirmDelivered() {
        if (unconfirmed.isEmpty()) {
            return true;
        }
        synchronized (flushing) {
            List<Mark> marks = new ArrayList<>();
            for (Mark mark; (mark = unconfirmed.poll()) != null; ) {
                marks.add(mark);
            }
            if (marks.isEmpty()) {
                return true;
            }
            try {
                // one statement for all (a JDBC batch of one UPDATE per row cost H2 a statement each)
                // padded to a few fixed sizes (id 0 matches no row): the same statement texts again and again, which
                // the database parses once
                int size = MARK_SIZES[MARK_SIZES.length - 1];
                for (int i = MARK_SIZES.length - 1; i >= 0 && MARK_SIZES[i] >= marks.size(); i--) {
                    size = MARK_SIZES[i];
                }
                for (int from = 0; from < marks.size(); from += size) {
                    List<Object> values = new ArrayList<>(size * 3);
                    for (int i = from; i < from + size; i++) {
                        Mark m = i < marks.size() ? marks.get(i) : null;
                        values.add(m == null ? 0L : m.id());
                        values.add(Timestamp.from(m == null ? marks.get(from).at() : m.at()));
                        values.add(m == null ? null : m.statusCode());
                    }
                    jdbc.update(markDelivered.apply(size), values.toArray());
                }
            } catch (RuntimeException e) {
                unconfirmed.addAll(marks);
                claims.databaseUnavailable(e);
                return false;
            }
            marks.forEach(m -> claims.forget(m.id()));
            return true;
        }
    }

    /** The heartbeat also writes waiting DELIVERED marks. */
    @Override
    public int renewHeld() {
        confirmDelivered();
        return claims.renewHeld();
    }

    /**
     * Shutdown: the waiting DELIVERED marks are written before the rest is given back; a peer would send them again.
     * Those that cannot be written (the database is away) are kept with what is in flight (ClaimTable.handOver).
     */
    @Override
    public int handOver() {
        return claims.handOver(this::confirmDelivered);
    }

    /**
     * Sender step: a 5xx, 408, 409, 429, timeout or refused connection. Tried again after the backoff (or the
     * receiver's Retry-After), FAILED after max-attempts.
     */
    public void retryLater(@Body DeliveryAnswer answer, @ExchangeProperty(ExchangeNames.DELIVERY) ClaimedDelivery delivery) {
        Instant now = clock.instant();
        recordAttempt(delivery, answer, now);
        destinationFailed(delivery.destination(), now);
        if (delivery.attempt() >= properties.getMaxAttempts()) {
            fail(delivery, answer, now, "out of attempts");
            return;
        }
        Duration wait = answer.retryAfterSeconds() != null && answer.statusCode() != null && answer.statusCode() == 429
                ? Duration.ofSeconds(answer.retryAfterSeconds()) : properties.backoff(delivery.attempt());
        jdbc.update("UPDATE delivery_outbox SET next_attempt_at = ?, last_attempt_at = ?, last_status_code = ?,"
                        + " last_error = ?, claimed_until = NULL WHERE id = ? AND claimed_by = ? AND status = 'PENDING'",
                Timestamp.from(now.plus(wait)), Timestamp.from(now), answer.statusCode(), answer.error(), delivery.id(),
                instanceId);
        claims.forget(delivery.id());
        meters.counter("gateway.webhooks.retries", "destination", delivery.destination()).increment();
        log.info("Delivery {} to {} attempt {} failed ({}); next attempt in {} ms", delivery.id(), delivery.destination(),
                delivery.attempt(), answer.error(), wait.toMillis());
    }

    /** Sender step: a 4xx other than 408/409/429 (or a redirect): FAILED at once, re-sendable through the API. */
    public void markFailed(@Body DeliveryAnswer answer, @ExchangeProperty(ExchangeNames.DELIVERY) ClaimedDelivery delivery) {
        Instant now = clock.instant();
        recordAttempt(delivery, answer, now);
        destinationFailed(delivery.destination(), now);
        fail(delivery, answer, now, "permanent failure");
    }

    private void fail(ClaimedDelivery delivery, DeliveryAnswer answer, Instant now, String why) {
        jdbc.update("UPDATE delivery_outbox SET status = 'FAILED', last_attempt_at = ?, last_status_code = ?,"
                        + " last_error = ?, claimed_until = NULL WHERE id = ? AND status = 'PENDING'",
                Timestamp.from(now), answer.statusCode(), answer.error(), delivery.id());
        claims.forget(delivery.id());
        meters.counter("gateway.webhooks.failed", "destination", delivery.destination()).increment();
        log.warn("Delivery {} to {} FAILED after {} attempts ({}: {})", delivery.id(), delivery.destination(),
                delivery.attempt(), why, answer.error());
    }

    /**
     * Error step of the sender (an unexpected error, not the receiver's answer, e.g. the database): the row is
     * given back for a later attempt. Never throws.
     */
    public void sendingFailed(Exchange exchange) {
        ClaimedDelivery delivery = exchange.getProperty(ExchangeNames.DELIVERY, ClaimedDelivery.class);
        if (delivery == null) {
            return;
        }
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        claims.forget(delivery.id());
        try {
            jdbc.update("UPDATE delivery_outbox SET next_attempt_at = ?, last_error = ?, claimed_until = NULL"
                            + " WHERE id = ? AND claimed_by = ? AND status = 'PENDING'",
                    Timestamp.from(clock.instant().plus(properties.backoff(delivery.attempt()))),
                    LogText.describe(cause), delivery.id(), instanceId);
        } catch (RuntimeException e) {
            claims.outageSeen();
        }
        log.warn("Delivery {} to {} not sent: {}", delivery.id(), delivery.destination(), LogText.describe(cause));
    }

    private void recordAttempt(ClaimedDelivery delivery, DeliveryAnswer answer, Instant now) {
        jdbc.update("INSERT INTO delivery_attempt (delivery_id, attempt, attempted_at, status_code, error, duration_ms)"
                        + " VALUES (?, ?, ?, ?, ?, ?)", delivery.id(), delivery.attempt(), Timestamp.from(now),
                answer.statusCode(), answer.error(), answer.durationMs());
    }

    /**
     * A failed attempt: the destination is failing since now (unless already); failing for pause-after without a
     * success pauses it. Only the instance whose update paused it raises the operations alert.
     */
    private void destinationFailed(String destination, Instant now) {
        healthyMarked.remove(destination);
        Timestamp ts = Timestamp.from(now);
        if (jdbc.update("UPDATE delivery_destination SET failing_since = ? WHERE name = ? AND failing_since IS NULL",
                ts, destination) == 0) {
            ensureDestinationRow(destination);
            jdbc.update("UPDATE delivery_destination SET failing_since = ? WHERE name = ? AND failing_since IS NULL", ts, destination);
        }
        int paused = jdbc.update("UPDATE delivery_destination SET paused = TRUE, paused_at = ?, pause_reason = ?"
                        + " WHERE name = ? AND paused = FALSE AND failing_since <= ?", ts,
                "failing for " + properties.getPauseAfter(), destination, Timestamp.from(now.minus(properties.getPauseAfter())));
        if (paused == 1) {
            meters.counter("gateway.webhooks.paused", "destination", destination).increment();
            log.error("Delivery destination {} PAUSED: failing without success for {}; its deliveries wait until"
                    + " POST /api/destinations/{}/resume", destination, properties.getPauseAfter(), destination);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("subject", "Delivery destination " + destination + " paused after failing for " + properties.getPauseAfter());
            data.put("text", "Every delivery to " + destination + " failed for " + properties.getPauseAfter()
                    + " (see GET /api/deliveries?destination=" + destination + "&status=PENDING for the last status"
                    + " codes and errors). Its deliveries are kept and wait as PENDING. Once the receiver is fixed, resume"
                    + " it with POST /api/destinations/" + destination + "/resume: it continues with the oldest"
                    + " undelivered result.");
            data.put("destination", destination);
            alerts.enqueue("OPERATIONS", "delivery-destination-paused", destination + "-" + now.toEpochMilli(), data);
        }
    }

    // --- API ----------------------------------------------------------------------------------------------------

    /** API: deliveries newest first (at most 500), optionally of one destination and/or status. */
    public List<DeliveryView> list(@Header("destination") String destination, @Header("status") String status) {
        StringBuilder sql = new StringBuilder("SELECT id, message_id, destination, channel, scan_reference, status, attempts,"
                + " last_status_code, last_error, last_attempt_at, next_attempt_at, created_at, delivered_at"
                + " FROM delivery_outbox WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (destination != null && !destination.isBlank()) {
            sql.append(" AND destination = ?");
            args.add(destination.trim());
        }
        if (status != null && !status.isBlank()) {
            String wanted = status.trim().toUpperCase(Locale.ROOT);
            if (!STATUSES.contains(wanted)) {
                throw new BadRequestException("status must be PENDING, DELIVERED or FAILED");
            }
            // a literal (one of STATUSES): PostgreSQL's partial indexes by status match literals only (V19)
            sql.append(" AND status = '").append(wanted).append('\'');
        }
        sql.append(" ORDER BY id DESC FETCH FIRST 500 ROWS ONLY");
        return jdbc.query(sql.toString(), DeliveryOutbox::view, args.toArray());
    }

    /**
     * API: a FAILED or DELIVERED delivery sent again, same webhook-id, attempts reset. Not one whose payload was
     * purged (erasure or retention): it holds only a marker, and sending that would look like a result (PURGED).
     */
    public RedeliverOutcome redeliver(@Header("id") String idText) {
        long id;
        try {
            id = Long.parseLong(idText == null ? "" : idText.trim());
        } catch (NumberFormatException e) {
            return RedeliverOutcome.NOT_FOUND;
        }
        int updated = jdbc.update("UPDATE delivery_outbox SET status = 'PENDING', attempts = 0, next_attempt_at = ?,"
                + " claimed_until = NULL, claimed_by = NULL, delivered_at = NULL WHERE id = ? AND status <> 'PENDING'"
                + " AND payload_purged_at IS NULL", Timestamp.from(clock.instant()), id);
        if (updated == 1) {
            // an old id is PENDING again: the next walk starts at the first entry
            walkFrom.clear();
            meters.counter("gateway.webhooks.redelivered").increment();
            log.info("Delivery {} queued again", id);
            pacing.wake(IdlePolling.DELIVERIES);
            return RedeliverOutcome.REDELIVERED;
        }
        List<Boolean> purged = jdbc.queryForList("SELECT payload_purged_at IS NOT NULL FROM delivery_outbox WHERE id = ?",
                Boolean.class, id);
        return purged.isEmpty() ? RedeliverOutcome.NOT_FOUND
                : purged.get(0) ? RedeliverOutcome.PURGED : RedeliverOutcome.PENDING;
    }

    /** API: the destinations and chat channels with their health and backlog. */
    public List<Map<String, Object>> destinations() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (String name : names()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("name", name);
            view.put("channel", properties.getDestinations().containsKey(name) ? DeliveryRows.WEBHOOK
                    : properties.getChat().get(name).getType().toUpperCase(Locale.ROOT));
            List<Map<String, Object>> state = jdbc.queryForList("SELECT paused, failing_since, paused_at, pause_reason"
                    + " FROM delivery_destination WHERE name = ?", name);
            if (!state.isEmpty()) {
                Map<String, Object> row = lower(state.get(0));
                view.put("paused", row.get("paused"));
                view.put("failingSince", str(SqlValues.instant(row.get("failing_since"))));
                view.put("pausedAt", str(SqlValues.instant(row.get("paused_at"))));
                view.put("pauseReason", row.get("pause_reason"));
            }
            Backlog backlog = backlog(name);
            view.put("pending", (long) backlog.count);
            view.put("oldestPendingAgeSeconds", backlog.oldestAgeSeconds);
            list.add(view);
        }
        return list;
    }

    /** API: pause (true) or resume (false) a destination. Resuming makes its waiting rows due at once, oldest first. */
    public Map<String, Object> setPaused(@Header("name") String name, boolean paused) {
        if (!names().contains(name)) {
            throw new ApiProblem(404, "not-found", "No delivery destination with this name");
        }
        Instant now = clock.instant();
        ensureDestinationRow(name);
        if (paused) {
            jdbc.update("UPDATE delivery_destination SET paused = TRUE, paused_at = ?, pause_reason = 'paused through the API'"
                    + " WHERE name = ?", Timestamp.from(now), name);
        } else {
            transactions.executeWithoutResult(tx -> {
                jdbc.update("UPDATE delivery_destination SET paused = FALSE, failing_since = NULL, paused_at = NULL,"
                        + " pause_reason = NULL WHERE name = ?", name);
                jdbc.update("UPDATE delivery_outbox SET next_attempt_at = ? WHERE destination = ? AND status = 'PENDING'",
                        Timestamp.from(now), name);
            });
        }
        if (!paused) {
            pacing.wake(IdlePolling.DELIVERIES);
        }
        log.info("Delivery destination {} {}", name, paused ? "paused" : "resumed");
        return Map.of("name", name, "paused", paused);
    }

    private static DeliveryView view(ResultSet rs, int row) throws SQLException {
        int code = rs.getInt("last_status_code");
        Integer lastStatus = rs.wasNull() ? null : code;
        return new DeliveryView(rs.getLong("id"), rs.getString("message_id"), rs.getString("destination"),
                rs.getString("channel"), rs.getString("scan_reference"), rs.getString("status"), rs.getInt("attempts"),
                lastStatus, rs.getString("last_error"), instant(rs.getTimestamp("last_attempt_at")),
                instant(rs.getTimestamp("next_attempt_at")), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("delivered_at")));
    }

    private static Map<String, Object> lower(Map<String, Object> row) {
        Map<String, Object> lower = new LinkedHashMap<>();
        row.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        return lower;
    }

    private static String str(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }

    @Override
    public ClaimTable<Long> claimTable() {
        return claims;
    }
}
