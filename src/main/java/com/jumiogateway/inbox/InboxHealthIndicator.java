package com.jumiogateway.inbox;

import java.time.Duration;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/**
 * /actuator/health "inbox": DOWN while intake cannot store callbacks (the group-commit writer failed its last
 * batch and a probe through it does not commit either, or it is stuck); otherwise UP with how many acknowledged
 * callbacks wait for the worker, and since when.
 */
@Component("inbox")
public class InboxHealthIndicator extends AbstractHealthIndicator {

    /** How long a health check waits for the writer's probe commit. */
    private static final Duration PROBE_WAIT = Duration.ofSeconds(2);

    private final CallbackInbox inbox;
    private final InboxWriter writer;

    public InboxHealthIndicator(CallbackInbox inbox, InboxWriter writer) {
        super("Callback inbox backlog unavailable");
        this.inbox = inbox;
        this.writer = writer;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        InboxWriter.Failure failure = writer.failure();
        if (failure != null && !(writer.probe(PROBE_WAIT) && writer.failure() == null)) {
            builder.down().withDetail("intake", "cannot store callbacks (answered 503)")
                    .withDetail("since", failure.since().toString()).withDetail("error", failure.error());
            return;
        }
        builder.up().withDetails(inbox.backlog());
    }
}
