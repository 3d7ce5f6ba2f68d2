package com.jumiogateway.inbox;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** How the worker drains the callback inbox. */
@ConfigurationProperties(prefix = "gateway.worker")
public class InboxProperties {

    /** Rows claimed per poll. */
    private int batchSize = 100;
    /** How long a claim is held; a claim older than this (its instance died) is taken over. */
    private Duration claimLease = Duration.ofSeconds(20);
    /** A row that fails this many times for reasons other than bad input is marked FAILED. */
    private int maxAttempts = 10;
    /** Wait before a row that hit a transient error (database, bug) is tried again. */
    private Duration retryDelay = Duration.ofSeconds(30);

    public int getBatchSize() { return batchSize; }
    public void setBatchSize(int batchSize) { this.batchSize = batchSize; }
    public Duration getClaimLease() { return claimLease; }
    public void setClaimLease(Duration claimLease) { this.claimLease = claimLease; }
    public int getMaxAttempts() { return maxAttempts; }
    public void setMaxAttempts(int maxAttempts) { this.maxAttempts = maxAttempts; }
    public Duration getRetryDelay() { return retryDelay; }
    public void setRetryDelay(Duration retryDelay) { this.retryDelay = retryDelay; }
}
