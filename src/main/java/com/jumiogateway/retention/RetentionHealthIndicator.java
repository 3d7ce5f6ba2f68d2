package com.jumiogateway.retention;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/**
 * /actuator/health "retention" (details for authenticated callers): per kind of personal data, its lifetime, how many
 * items are past it and not purged yet, and the age of the oldest of them ({@code oldestDueAgeSeconds}). Right after
 * a retention run every {@code due} is 0; one that keeps growing means purging is off, failing or not keeping up.
 */
@Component("retention")
public class RetentionHealthIndicator extends AbstractHealthIndicator {

    private final RetentionPurge purge;

    public RetentionHealthIndicator(RetentionPurge purge) {
        super("Retention state unavailable");
        this.purge = purge;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.up().withDetails(purge.due());
    }
}
