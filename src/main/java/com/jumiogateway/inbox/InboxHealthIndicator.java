package com.jumiogateway.inbox;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/** /actuator/health "inbox": how many acknowledged callbacks wait for the worker, and since when. */
@Component("inbox")
public class InboxHealthIndicator extends AbstractHealthIndicator {

    private final CallbackInbox inbox;

    public InboxHealthIndicator(CallbackInbox inbox) {
        super("Callback inbox backlog unavailable");
        this.inbox = inbox;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.up().withDetails(inbox.backlog());
    }
}
