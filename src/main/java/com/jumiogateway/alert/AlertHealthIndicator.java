package com.jumiogateway.alert;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/**
 * /actuator/health "alerts": whether alerts are being sent, how many wait and since when, how many FAILED.
 * Always UP when the database answers: a queue of alerts is for on-call to see, not a reason to take the service
 * out of a load balancer.
 */
@Component("alerts")
public class AlertHealthIndicator extends AbstractHealthIndicator {

    private final AlertOutbox outbox;

    public AlertHealthIndicator(AlertOutbox outbox) {
        super("Alert outbox unavailable");
        this.outbox = outbox;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.up().withDetails(outbox.summary());
    }
}
