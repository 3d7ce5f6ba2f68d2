package com.jumiogateway.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.seda.SedaEndpoint;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Events a test waits for instead of a fixed pause. "Nothing more happens" is shown by waiting for the moment
 * something would have happened: the scheduler loop that would have picked it up ran again, or the queue that would
 * have sent it is empty and the rows that would have been sent are done.
 */
public final class Signals {

    /** The scheduler loops of routes/ (claim, nothing due, split): their route ids. */
    public static final String INBOX_WORKER = "inbox-worker";
    public static final String ALERT_SENDER = "alert-sender";
    public static final String RECONCILIATION_POLLER = "reconciliation-poller";

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private Signals() {
    }

    /**
     * Waits until the route has finished {@code rounds} more exchanges, counted from this call. A scheduler loop that
     * has run twice after a change has claimed (or left alone) every row that change made due.
     */
    public static void awaitRounds(CamelContext camel, String routeId, int rounds) {
        NotifyBuilder notify = new NotifyBuilder(camel).fromRoute(routeId).whenDone(rounds).create();
        assertThat(notify.matches(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                .as("route %s finished %d more rounds", routeId, rounds).isTrue();
    }

    /**
     * Waits until the reconciliation poller has run twice more and no claimed transaction is queued or being polled:
     * a transaction that was due has been asked for at Jumio by then.
     */
    public static void awaitReconciliationIdle(CamelContext camel) {
        awaitRounds(camel, RECONCILIATION_POLLER, 2);
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).until(() ->
                camel.getInflightRepository().size("reconcile-transaction") == 0
                        && camel.getEndpoints().stream().filter(SedaEndpoint.class::isInstance).map(SedaEndpoint.class::cast)
                                .filter(e -> e.getEndpointUri().contains("reconcile-transaction"))
                                .allMatch(e -> e.getCurrentQueueSize() == 0));
    }

    /**
     * Waits until the inbox is processed and no alert waits to be sent. Only PENDING alerts are ever sent, and an
     * alert is enqueued while its callback is processed (its key is unique), so no further email can follow.
     */
    public static void awaitAlertsSettled(JdbcTemplate jdbc) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM callback_inbox WHERE status IN ('RECEIVED', 'CLAIMED')", Long.class) == 0
                && jdbc.queryForObject("SELECT COUNT(*) FROM alert_outbox WHERE status = 'PENDING'", Long.class) == 0);
    }
}
