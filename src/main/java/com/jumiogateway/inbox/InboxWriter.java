package com.jumiogateway.inbox;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit for the inbox. Callbacks arriving at the same time are inserted in one transaction by a writer
 * thread, and each caller is released only once the transaction holding its row has committed: the 200 still
 * means "committed", but a burst costs one commit instead of one per callback. With no concurrency a batch is
 * a single row, so nothing waits for a timer.
 */
public class InboxWriter implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(InboxWriter.class);
    private static final String INSERT = "INSERT INTO callback_inbox (kind, source_address, content_type, body,"
            + " received_at, status) VALUES (?, ?, ?, ?, ?, 'RECEIVED')";

    private record Pending(Object[] row, CompletableFuture<Void> committed) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final int writers;
    private final int maxBatch;
    private final Duration timeout;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    public InboxWriter(JdbcTemplate jdbc, TransactionTemplate transactions, Clock clock, int writers, int maxBatch,
                       Duration timeout) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
        this.writers = writers;
        this.maxBatch = maxBatch;
        this.timeout = timeout;
    }

    /** Returns once the row is committed; throws a DataAccessException (the caller answers 503) otherwise. */
    public void write(String kind, String sourceAddress, String contentType, byte[] body) {
        if (!running) {
            throw new DataAccessResourceFailureException("Callback inbox is not accepting (shutting down)");
        }
        Pending pending = new Pending(new Object[] {kind, sourceAddress, contentType, body,
                Timestamp.from(clock.instant())}, new CompletableFuture<>());
        queue.add(pending);
        try {
            pending.committed().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new DataAccessResourceFailureException("Callback inbox write not confirmed within " + timeout);
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
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Pending> batch) {
        try {
            transactions.executeWithoutResult(tx -> jdbc.batchUpdate(INSERT, batch.stream().map(Pending::row).toList()));
            batch.forEach(p -> p.committed().complete(null));
        } catch (RuntimeException e) {
            log.warn("Callback inbox batch of {} not stored: {}", batch.size(), e.getClass().getSimpleName());
            batch.forEach(p -> p.committed().completeExceptionally(e));
        }
    }

    @Override
    public void start() {
        running = true;
        for (int i = 0; i < writers; i++) {
            Thread thread = new Thread(this::drain, "inbox-writer-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
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
