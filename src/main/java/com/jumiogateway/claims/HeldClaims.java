package com.jumiogateway.claims;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * The rows one queue of this instance has claimed and is still working on (in memory): the heartbeat renews exactly
 * these, so a row is only kept while work on it is under way. A row is forgotten when its work ends, whatever the
 * outcome (even when recording the outcome failed): then nothing renews it and its lease runs out.
 *
 * <p>Also the queue's database-outage state, so an outage is logged once when it starts and once when it ends
 * instead of on every poll.
 */
public final class HeldClaims<K> {

    /** A row held longer than this is assumed leaked by a bug and no longer renewed: no claim is kept forever. */
    static final Duration MAX_HOLD = Duration.ofMinutes(10);

    private final Map<K, Instant> held = new ConcurrentHashMap<>();
    /** Held rows whose sending (a mail, a POST) is under way: not given back at shutdown while it lasts. */
    private final Set<K> started = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean databaseAway = new AtomicBoolean();
    private final AtomicBoolean orphansPossible = new AtomicBoolean();
    private final Clock clock;

    public HeldClaims(Clock clock) {
        this.clock = clock;
    }

    public void hold(Collection<K> keys) {
        Instant now = clock.instant();
        keys.forEach(key -> held.put(key, now));
    }

    public void forget(K key) {
        if (key != null) {
            held.remove(key);
            started.remove(key);
        }
    }

    /** The work on this held row is about to reach the outside world (send a mail, post a webhook). */
    public void started(K key) {
        started.add(key);
    }

    /** The work on this row ended, however (recorded, failed, or cut off by a forced stop); it may still be held. */
    public void ended(K key) {
        started.remove(key);
    }

    /** How many rows are held now. */
    public int count() {
        return held.size();
    }

    /** Held rows whose sending is under way. */
    public List<K> startedRows() {
        started.retainAll(held.keySet());
        return List.copyOf(started);
    }

    /** The rows to renew now (leaked ones, held past {@link #MAX_HOLD}, are dropped). */
    public List<K> live() {
        Instant oldest = clock.instant().minus(MAX_HOLD);
        held.entrySet().removeIf(e -> e.getValue().isBefore(oldest));
        return List.copyOf(held.keySet());
    }

    /** The held rows in slices of at most 500, each for one {@code IN (...)} statement. */
    public static <T> List<List<T>> slices(List<T> keys) {
        List<List<T>> slices = new java.util.ArrayList<>();
        for (int i = 0; i < keys.size(); i += 500) {
            slices.add(keys.subList(i, Math.min(keys.size(), i + 500)));
        }
        return slices;
    }

    public boolean holds(K key) {
        return held.containsKey(key);
    }

    /**
     * The database failed under this queue (a claim poll, or an error step that could not give a row back): rows
     * may now be claimed under this instance's name that it does not hold (a give-back that failed, a claim whose
     * commit failed on our side but not on the server's). {@link #takeOrphanCheck()} says when to give them back.
     */
    public void outageSeen() {
        orphansPossible.set(true);
    }

    /** True once after an outage: the caller gives back every row claimed under its name that it does not hold. */
    public boolean takeOrphanCheck() {
        return orphansPossible.getAndSet(false);
    }

    /** The orphan check could not run (the database is still away): try again at the next poll. */
    public void orphanCheckFailed() {
        orphansPossible.set(true);
    }

    /** A claim poll failed on the database: logged once per outage (class only: driver messages quote values). */
    public void databaseUnavailable(Logger log, String queue, Exception e) {
        outageSeen();
        if (databaseAway.compareAndSet(false, true)) {
            log.warn("{}: database unavailable ({}); claiming paused until it is back", queue, e.getClass().getSimpleName());
        }
    }

    /** A claim poll succeeded: ends an outage. */
    public void databaseAvailable(Logger log, String queue) {
        if (databaseAway.compareAndSet(true, false)) {
            log.info("{}: database back; claiming resumed", queue);
        }
    }
}
