package com.jumiogateway.inbox;

import com.jumiogateway.intake.CallbackRefusedException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit for the inbox. Callbacks arriving at the same time are inserted in one transaction by a writer
 * thread, and each caller is released only once the transaction holding its row has committed: the 200 still
 * means "committed", but a burst costs one commit instead of one per callback. With no concurrency a batch is
 * a single row, so nothing waits for a timer.
 * <p>
 * One caller cannot fail another: a batch the database refuses is tried again row by row, and only the row the
 * database refuses is answered 422. The writer threads outlive anything a batch throws, an {@link Error} included
 * (that batch is answered 503), and {@link #failure()} tells health while intake cannot store.
 */
public class InboxWriter implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(InboxWriter.class);
    private static final String INSERT = "INSERT INTO callback_inbox (kind, source_address, content_type, body,"
            + " data_key_id, received_at, status) VALUES (?, ?, ?, ?, ?, ?, 'RECEIVED')";

    /** A row to insert and its waiter; a null row is a health probe (an empty transaction through the writer). */
    record Pending(Object[] row, CompletableFuture<Void> committed, long queuedAtNanos) {
        Pending(Object[] row) {
            this(row, new CompletableFuture<>(), System.nanoTime());
        }
    }

    /** Why intake cannot store right now, and since when. */
    public record Failure(Instant since, String error) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final int writers;
    private final int maxBatch;
    private final Duration timeout;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicInteger threadNumber = new AtomicInteger();
    private volatile boolean running;
    private volatile Failure failure;

    public InboxWriter(JdbcTemplate jdbc, TransactionTemplate transactions, Clock clock, int writers, int maxBatch,
                       Duration timeout) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
        this.writers = writers;
        this.maxBatch = maxBatch;
        this.timeout = timeout;
    }

    /**
     * Returns once the row is committed. {@code body} is stored as given: already sealed by the caller, with the key
     * id it is encrypted under (null: clear). Throws a DataAccessException (the caller answers 503), or a
     * CallbackRefusedException (422) when the database refuses this row itself.
     */
    public void write(String kind, String sourceAddress, String contentType, byte[] body, String dataKeyId) {
        await(enqueue(new Object[] {kind, sourceAddress, contentType, body, dataKeyId, Timestamp.from(clock.instant())}),
                timeout);
    }

    /**
     * Health probe: an empty transaction through the writer threads. True once it committed within the wait, so
     * health turns UP again as soon as the writers can commit, without waiting for the next callback.
     */
    public boolean probe(Duration wait) {
        try {
            await(enqueue(null), wait);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Null while intake can store; otherwise why not: the last batch failed for a reason other than its rows
     * (database unavailable, an Error in the writer) and none has committed since, or a callback has waited for
     * its commit longer than the store timeout (writers stuck), or the writer threads are gone.
     */
    public Failure failure() {
        Failure last = failure;
        if (last != null) {
            return last;
        }
        Pending oldest = queue.peek();
        if (oldest != null && System.nanoTime() - oldest.queuedAtNanos() > timeout.toNanos()) {
            return new Failure(clock.instant().minus(timeout), "writer-not-committing");
        }
        if (running && threads.stream().noneMatch(Thread::isAlive)) {
            return new Failure(clock.instant(), "writer-threads-stopped");
        }
        return null;
    }

    private Pending enqueue(Object[] row) {
        if (!running) {
            throw new DataAccessResourceFailureException("Callback inbox is not accepting (shutting down)");
        }
        Pending pending = new Pending(row);
        queue.add(pending);
        return pending;
    }

    private static void await(Pending pending, Duration wait) {
        try {
            pending.committed().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new DataAccessResourceFailureException("Callback inbox write not confirmed within " + wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataAccessResourceFailureException("Interrupted while storing a callback");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new DataAccessResourceFailureException("Callback inbox write failed", e.getCause());
        }
    }

    private void drain() {
        boolean finished = false;
        try {
            List<Pending> batch = new ArrayList<>(maxBatch);
            while (running || !queue.isEmpty()) {
                try {
                    Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, maxBatch - 1);
                    commit(batch);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    finished = true;
                    return;
                } catch (Throwable e) {
                    // commit() handles its own failures; this is the net under it (an Error while answering)
                    unavailable(batch, e);
                } finally {
                    batch.clear();
                }
            }
            finished = true;
        } finally {
            if (!finished && running) {
                // only an Error thrown from the catch block itself gets here: keep the configured number of writers
                threads.remove(Thread.currentThread());
                spawn();
            }
        }
    }

    /** Commits one batch and answers each of its waiters; never throws. Package-private for the test. */
    void commit(List<Pending> batch) {
        try {
            insert(batch);
            batch.forEach(p -> p.committed().complete(null));
            failure = null;
        } catch (RuntimeException e) {
            if (batch.size() > 1 && !unavailable(e)) {
                log.warn("Callback inbox batch of {} refused ({}); storing its rows one by one", batch.size(),
                        e.getClass().getSimpleName());
                commitEach(batch);
            } else {
                refuseOrFail(batch.get(0), e, batch);
            }
        } catch (Throwable e) {
            unavailable(batch, e);
        }
    }

    /** After a batch failed: every row in its own transaction, so only a row the database refuses fails. */
    private void commitEach(List<Pending> batch) {
        for (int i = 0; i < batch.size(); i++) {
            Pending pending = batch.get(i);
            try {
                insert(List.of(pending));
                pending.committed().complete(null);
                failure = null;
            } catch (RuntimeException e) {
                if (unavailable(e)) {
                    // the database went away: the rest would only wait for the same error one by one
                    unavailable(batch.subList(i, batch.size()), e);
                    return;
                }
                refuseOrFail(pending, e, List.of(pending));
            } catch (Throwable e) {
                unavailable(batch.subList(i, batch.size()), e);
                return;
            }
        }
    }

    /** A row the database refuses for its content is the caller's (422); anything else is ours (503). */
    private void refuseOrFail(Pending pending, RuntimeException e, List<Pending> batch) {
        if (batch.size() == 1 && pending.row() != null && e instanceof DataIntegrityViolationException) {
            log.warn("Callback not stored: the database refused its values ({})", e.getClass().getSimpleName());
            pending.committed().completeExceptionally(new CallbackRefusedException(422, "unstorable-callback",
                    "The callback could not be stored as sent"));
        } else {
            unavailable(batch, e);
        }
    }

    private void unavailable(List<Pending> batch, Throwable e) {
        String error = e.getClass().getSimpleName();
        if (e instanceof Error) {
            log.error("Callback inbox writer hit {} on a batch of {}; answered 503, the writer goes on", error, batch.size());
        } else {
            log.warn("Callback inbox batch of {} not stored: {}", batch.size(), error);
        }
        if (failure == null) {
            failure = new Failure(clock.instant(), error);
        }
        RuntimeException answer = e instanceof RuntimeException runtime ? runtime
                : new DataAccessResourceFailureException("Callback inbox writer failed: " + error);
        batch.forEach(p -> p.committed().completeExceptionally(answer));
    }

    private void insert(List<Pending> batch) {
        List<Object[]> rows = batch.stream().map(Pending::row).filter(r -> r != null).toList();
        transactions.executeWithoutResult(tx -> {
            if (rows.isEmpty()) {
                jdbc.queryForObject("SELECT 1", Integer.class);
            } else {
                jdbc.batchUpdate(INSERT, rows);
            }
        });
    }

    /** The database (or the connection to it) is away: no row of the batch could be stored, whatever it holds. */
    private static boolean unavailable(RuntimeException e) {
        return e instanceof DataAccessResourceFailureException || e instanceof TransientDataAccessResourceException
                || e instanceof RecoverableDataAccessException || e instanceof TransactionException;
    }

    private void spawn() {
        Thread thread = new Thread(this::drain, "inbox-writer-" + threadNumber.getAndIncrement());
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    @Override
    public void start() {
        running = true;
        for (int i = 0; i < writers; i++) {
            spawn();
        }
    }

    /** Stops after the web server (higher phase stops first) so callbacks in flight are still committed. */
    @Override
    public void stop() {
        running = false;
        for (Thread thread : threads) {
            try {
                thread.join(timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
        queue.forEach(p -> p.committed().completeExceptionally(
                new DataAccessResourceFailureException("Callback inbox closed")));
        queue.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // below the web server's graceful-shutdown phase, so the server stops taking requests first
        return SmartLifecycle.DEFAULT_PHASE - 2048;
    }
}
