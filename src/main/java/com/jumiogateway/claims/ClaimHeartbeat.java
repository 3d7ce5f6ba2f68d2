package com.jumiogateway.claims;

import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Keeps this instance's claims alive while it works on them: every third of the shortest lease it extends the lease
 * of each row a queue still holds. Leases are short (gateway.claim-lease, 20 s), so the claims of an instance that
 * died (no heartbeat) are taken over within one lease, while slow work (a slow SMTP server, a slow Jumio) keeps its
 * claim for as long as it runs. Not a Camel route on purpose: it must keep beating while Camel shuts down gracefully
 * and finishes in-flight work; it stops when the application context is destroyed.
 *
 * <p>With a stable instance name (gateway.instance-id) it first gives back the claims a previous life of this
 * instance left behind, before any route claims: a restarted instance picks up its own work at once. On shutdown it
 * gives back what this instance still holds, so a peer takes it at once.
 */
@Component("claimHeartbeat")
public class ClaimHeartbeat {

    private static final Logger log = LoggerFactory.getLogger(ClaimHeartbeat.class);

    private final List<ClaimQueue> queues;
    private final ScheduledExecutorService timer;
    private final Duration interval;
    private final AtomicBoolean failing = new AtomicBoolean();

    public ClaimHeartbeat(List<ClaimQueue> queues, InstanceIdentity identity) {
        this.queues = queues;
        Duration shortest = queues.stream().map(ClaimQueue::lease).min(Duration::compareTo).orElse(Duration.ofSeconds(20));
        this.interval = Duration.ofMillis(Math.max(100, shortest.toMillis() / 3));
        if (identity.stable()) {
            giveBackPreviousLifeClaims(identity.id());
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "claim-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::beat, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        log.info("Claims held as instance {}; leases renewed every {} ms", identity.id(), interval.toMillis());
    }

    private void giveBackPreviousLifeClaims(String id) {
        for (ClaimQueue queue : queues) {
            try {
                int released = queue.releaseOwnClaims();
                if (released > 0) {
                    log.info("{}: {} claims left by this instance ({}) before its restart given back", queue.queueName(),
                            released, id);
                }
            } catch (RuntimeException e) {
                log.warn("{}: could not give back claims left before the restart ({}); their leases run out",
                        queue.queueName(), e.getClass().getSimpleName());
            }
        }
    }

    /** One heartbeat; never throws (a throwing task would end the schedule). */
    void beat() {
        boolean ok = true;
        for (ClaimQueue queue : queues) {
            try {
                queue.renewHeld();
            } catch (Throwable e) {
                ok = false;
                if (failing.compareAndSet(false, true)) {
                    log.warn("Claim heartbeat failed ({}): leases of rows in progress are not renewed until the database"
                            + " is back", e.getClass().getSimpleName());
                }
            }
        }
        if (ok && failing.compareAndSet(true, false)) {
            log.info("Claim heartbeat renewing leases again");
        }
    }

    public Duration interval() {
        return interval;
    }

    /**
     * Shutdown (SIGTERM): runs after Camel has stopped claiming and finished what was in flight, so every claim this
     * instance still holds is work it will not do (rows queued behind the in-flight ones). They are given back at once,
     * and a peer takes them at its next poll instead of after the lease. Sends that outlived the graceful stop are
     * waited for and outcomes gathered in memory written first, so a peer does not send them again.
     */
    @PreDestroy
    void stop() {
        timer.shutdownNow();
        for (ClaimQueue queue : queues) {
            try {
                int released = queue.handOver();
                if (released > 0) {
                    log.info("{}: {} claims handed over at shutdown", queue.queueName(), released);
                }
            } catch (RuntimeException e) {
                log.warn("{}: could not hand over claims at shutdown ({}); their leases run out", queue.queueName(),
                        e.getClass().getSimpleName());
            }
        }
    }
}
