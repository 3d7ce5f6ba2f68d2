package com.jumiogateway.claims;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.transaction.TransactionException;

/**
 * The claim plumbing the four queue tables (callback inbox, alert outbox, delivery outbox, pending transactions)
 * share, written once and parameterised by the table: the outage guard around a claim poll, the give-back of orphaned
 * claims after an outage, the heartbeat's lease renewal and the start-up give-back of a previous life's claims. What
 * differs per table is only SQL: which rows count as claimed and in work, and how a claim is given back (see the
 * constructor).
 * The queue's own claim query and its outcome updates stay with the queue.
 */
public final class ClaimTable<K> {

    private final String queueName;
    private final String table;
    private final String keyColumn;
    private final String inWork;
    private final String giveBack;
    private final String giveBackOnly;
    private final NamedParameterJdbcTemplate jdbc;
    private final Clock clock;
    private final String owner;
    private final Supplier<Duration> lease;
    private final Logger log;
    private final HeldClaims<K> held;
    /** How long a hand-over waits for sends that outlived the graceful stop (README: Stopping an instance). */
    static final Duration STARTED_WAIT = Duration.ofSeconds(5);
    private final Object handOverLock = new Object();
    private volatile boolean handedOver;

    /**
     * @param queueName for logs, e.g. "Callback inbox"
     * @param table     the queue table; it has the columns {@code claimed_by} and {@code claimed_until}
     * @param keyColumn the row key the queue holds, e.g. {@code id}
     * @param inWork    SQL condition of a row that is claimed and not finished, e.g. {@code status = 'CLAIMED'}
     * @param giveBack  SQL {@code SET} list that gives a claim back, e.g. {@code claimed_until = :now}
     *                  ({@code :now} is the current time)
     * @param giveBackOnly SQL condition a claim must also meet to be given back ({@code ""}: none), e.g.
     *                  {@code claimed_until > :now}
     * @param lease     the queue's lease (read at each renewal: tests change it)
     * @param log       the queue's logger, so its messages keep their category
     */
    public ClaimTable(String queueName, String table, String keyColumn, String inWork, String giveBack,
                      String giveBackOnly, JdbcTemplate jdbc, Clock clock, InstanceIdentity identity, Supplier<Duration> lease, Logger log) {
        this.queueName = queueName;
        this.table = table;
        this.keyColumn = keyColumn;
        this.inWork = inWork;
        this.giveBack = giveBack;
        this.giveBackOnly = giveBackOnly.isEmpty() ? "" : " AND " + giveBackOnly;
        this.jdbc = new NamedParameterJdbcTemplate(jdbc);
        this.clock = clock;
        this.owner = identity.id();
        this.lease = lease;
        this.log = log;
        this.held = new HeldClaims<>(clock);
    }

    /** This instance's name in the claimed_by column. */
    public String owner() {
        return owner;
    }

    public String queueName() {
        return queueName;
    }

    /** How long a claim lasts without renewal. */
    public Duration lease() {
        return lease.get();
    }

    /**
     * The outage guard of a claim poll: runs the queue's claim (which may call {@link #giveBackOrphans()} first) and
     * holds what it claimed. A database failure is logged once per outage and answers "nothing claimed"; rows the
     * failed transaction may still have committed are not held, so their lease runs out.
     */
    public <T> List<T> claim(Supplier<List<T>> claimRows, Function<T, K> key) {
        List<T> claimed;
        try {
            claimed = claimRows.get();
        } catch (DataAccessException | TransactionException e) {
            held.databaseUnavailable(log, queueName, e);
            return List.of();
        }
        held.databaseAvailable(log, queueName);
        if (claimed == null) {
            return List.of();
        }
        held.hold(claimed.stream().map(key).toList());
        return claimed;
    }

    /**
     * After a database outage: rows claimed under this name that this instance does not hold (their give-back
     * failed, or a claim committed although we saw it fail) are given back, so the first poll after the outage
     * finds them. Throws when the database is still away (the check is then repeated at the next poll).
     */
    public void giveBackOrphans() {
        if (!held.takeOrphanCheck()) {
            return;
        }
        try {
            int released = giveBackAllBut(held.live());
            if (released > 0) {
                log.info("{}: {} claims left over from the database outage given back", queueName, released);
            }
        } catch (RuntimeException e) {
            held.orphanCheckFailed();
            throw e;
        }
    }

    /**
     * A row condition checked on the rows found by their keys, in a form no index matches (a CASE), so that a
     * statement naming its rows by key reads them by key. Written plainly, a PostgreSQL planner without statistics (a
     * table never analysed: a burst, or autovacuum off) combined the index of that status (a partial index of PENDING
     * rows, the inbox's status index) with the key's and read every entry of that status: 1,722 buffers (6.3 ms
     * against 1.4) for a heartbeat renewal on the delivery outbox with 15,000 deliveries queued, 210 us per row of a
     * delivery claim against 35-43, 67-100 ms per slice of the inbox's renewal during an intake burst.
     */
    public static String checkedOnly(String condition) {
        return "CASE WHEN " + condition + " THEN 1 ELSE 0 END = 1";
    }

    /**
     * Heartbeat: extends the lease of every row this instance holds and still works on; returns how many. The rows
     * are found by their keys ({@link #checkedOnly}).
     */
    public int renewHeld() {
        int renewed = 0;
        for (List<K> slice : HeldClaims.slices(held.live())) {
            renewed += jdbc.update("UPDATE " + table + " SET claimed_until = :until WHERE " + keyColumn + " IN (:held)"
                            + " AND claimed_by = :owner AND " + checkedOnly(inWork),
                    Map.of("until", Timestamp.from(clock.instant().plus(lease())), "owner", owner, "held", slice));
        }
        return renewed;
    }

    /** Gives back every claim under this instance's name: a previous life's leftovers at start-up. */
    public int releaseOwnClaims() {
        return giveBackAllBut(List.of());
    }

    /**
     * Sender step right before the outside effect (a mail, a POST): false once Camel is stopping (the row waits for
     * the hand-over) and once this instance has handed its claims over at shutdown, when the row may already be a
     * peer's and must not be sent from here. Otherwise the sending is under way until {@code exchange} ends, however
     * it ends. A forced stop cuts routes between their steps, so an exchange can end failed after the outside effect
     * and before its outcome was recorded: {@code whenCutOff} runs then (the exchange failed and this instance still
     * holds the row), before the sending counts as over, for the queue to record what the exchange says went out.
     */
    public boolean startWork(K key, Exchange exchange, Consumer<Exchange> whenCutOff) {
        // Camel stopping: nothing new goes out (it would race the forced end of the stop); the row is given back at
        // the hand-over
        if (exchange.getContext().isStopping() || !startWork(key)) {
            return false;
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                try {
                    if (done.getException() != null && holds(key)) {
                        whenCutOff.accept(done);
                    }
                } finally {
                    workEnded(key);
                }
            }
        });
        return true;
    }

    /** How many rows this instance holds now (claimed, their outcome not recorded yet). */
    public int heldCount() {
        return held.count();
    }

    /** True while this instance holds the row (claimed, its work not ended with a recorded outcome). */
    public boolean holds(K key) {
        return held.holds(key);
    }

    /** {@link #startWork(Object, Exchange, Consumer)} without an exchange: {@link #workEnded} is the caller's. */
    boolean startWork(K key) {
        synchronized (handOverLock) {
            if (handedOver) {
                return false;
            }
            held.started(key);
            return true;
        }
    }

    /** The sending of this row ended (its outcome recorded, or not). */
    void workEnded(K key) {
        held.ended(key);
    }

    /** True once the claims were handed over at shutdown: outcomes are then written at once, not gathered. */
    public boolean handedOver() {
        return handedOver;
    }

    /**
     * Shutdown: gives back the claims under this instance's name, so a peer takes them at its next poll. From now on
     * {@link #startWork} refuses. Sends still under way (they outlived the graceful stop of the routes) are waited
     * for, up to {@link #STARTED_WAIT}; then {@code recordWaiting} writes the outcomes the queue gathers in memory
     * (SENT, DELIVERED marks), because a row given back with its mark unwritten would be sent again by the peer. A
     * send still under way after the wait keeps its lease: given back, the peer would send it while it may still
     * arrive; kept, it is sent again (with the same id) only if this instance exits before recording it.
     */
    public int handOver(Runnable recordWaiting) {
        synchronized (handOverLock) {
            handedOver = true;
        }
        List<K> started = held.startedRows();
        long deadline = System.nanoTime() + STARTED_WAIT.toNanos();
        while (!started.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            started = held.startedRows();
        }
        recordWaiting.run();
        if (!started.isEmpty()) {
            log.info("{}: {} claims kept at shutdown: their sending was still under way", queueName, started.size());
        }
        return giveBackAllBut(started);
    }

    /**
     * Gives back every claim under this instance's name in work, except {@code kept} (the rows this instance still
     * holds or sends: few, one NOT IN list). Returns how many were given back.
     */
    private int giveBackAllBut(List<K> kept) {
        MapSqlParameterSource args = new MapSqlParameterSource("owner", owner)
                .addValue("now", Timestamp.from(clock.instant())).addValue("kept", kept);
        return jdbc.update("UPDATE " + table + " SET " + giveBack + " WHERE claimed_by = :owner AND " + inWork
                + giveBackOnly + (kept.isEmpty() ? "" : " AND " + keyColumn + " NOT IN (:kept)"), args);
    }

    /** The work on this row ended (whatever the outcome): it is no longer renewed. */
    public void forget(K key) {
        held.forget(key);
    }

    /**
     * An error step could not record its outcome (the database is likely away); the row keeps its claim, which is
     * given back at the first poll after the outage (or, should this instance die first, its lease runs out).
     */
    public void outageSeen() {
        held.outageSeen();
    }

    /** A database call outside a claim poll failed: logged once per outage, like a failed poll. */
    public void databaseUnavailable(Exception e) {
        held.databaseUnavailable(log, queueName, e);
    }
}
