package com.jumiogateway.reconciliation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The reconciliation poller: when a callback counts as missed, Jumio's polling schedule, and politeness limits. */
@ConfigurationProperties(prefix = "gateway.reconciliation")
public class ReconciliationProperties {

    /** Set false to stop polling (pending transactions are still recorded and resolved by callbacks). */
    private boolean enabled = true;
    /** How often the poller looks for due transactions when there were none (milliseconds). */
    private long pollDelayMs = 5000;
    /** Upper bound of transactions claimed per poll (also bounded by the rate: see {@link #effectiveBatchSize()}). */
    private int batchSize = 50;
    /** Parallel requests per instance. */
    private int threads = 2;
    /** A claim not finished within this time (instance died) is taken over by another instance. */
    private Duration claimLease = Duration.ofSeconds(20);
    /** Jumio finishes a dropped-off transaction this long after its last update. */
    private Duration jumioFinishTime = Duration.ofMinutes(15);
    /** Extra wait after token lifetime plus Jumio's finish time before a callback counts as missed. */
    private Duration grace = Duration.ofMinutes(5);
    /** Jumio's recommended retrieval timings in seconds; the first poll is at the overdue moment. */
    private List<Integer> scheduleSeconds = new ArrayList<>(List.of(40, 60, 100, 160, 240, 340, 460, 600, 760, 940));
    /** After the schedule's attempts: one more attempt per this interval (Jumio allows one call a day). */
    private Duration dailyInterval = Duration.ofDays(1);
    /** How many daily attempts before the transaction is given up (UNRESOLVED). */
    private int dailyRetryDays = 7;
    /** Ceiling of requests per second to Jumio's Retrieval API across the whole service. */
    private double maxRequestsPerSecond = 2.0;
    /** How late a granted request may start; later, it asks again (the ceiling keeps this much slack). */
    private Duration rateLimitTolerance = Duration.ofMillis(20);
    /** First wait after a 5xx, timeout or refused connection; doubles per consecutive error. */
    private Duration errorBackoff = Duration.ofMinutes(2);
    /** Longest wait after consecutive errors. */
    private Duration maxErrorBackoff = Duration.ofHours(1);
    /** While Jumio refuses our credentials (401/403): one probe request per this interval across the service. */
    private Duration credentialsProbeInterval = Duration.ofMinutes(10);

    /**
     * Rows claimed per poll: never more than the fleet's ceiling allows (two requests each) within a quarter of the
     * claim lease. A claimed row waits behind at most one queued batch plus its own, so it is polled within half
     * the lease, long before another instance could take it over.
     */
    public int effectiveBatchSize() {
        long byRate = (long) Math.floor(maxRequestsPerSecond * claimLease.toSeconds() / 4.0 / 2.0);
        return (int) Math.max(1, Math.min(batchSize, byRate));
    }

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public long getPollDelayMs() { return pollDelayMs; }
    public void setPollDelayMs(long pollDelayMs) { this.pollDelayMs = pollDelayMs; }
    public int getBatchSize() { return batchSize; }
    public void setBatchSize(int batchSize) { this.batchSize = batchSize; }
    public int getThreads() { return threads; }
    public void setThreads(int threads) { this.threads = threads; }
    public Duration getClaimLease() { return claimLease; }
    public void setClaimLease(Duration claimLease) { this.claimLease = claimLease; }
    public Duration getJumioFinishTime() { return jumioFinishTime; }
    public void setJumioFinishTime(Duration jumioFinishTime) { this.jumioFinishTime = jumioFinishTime; }
    public Duration getGrace() { return grace; }
    public void setGrace(Duration grace) { this.grace = grace; }
    public List<Integer> getScheduleSeconds() { return scheduleSeconds; }
    public void setScheduleSeconds(List<Integer> scheduleSeconds) { this.scheduleSeconds = scheduleSeconds; }
    public Duration getDailyInterval() { return dailyInterval; }
    public void setDailyInterval(Duration dailyInterval) { this.dailyInterval = dailyInterval; }
    public int getDailyRetryDays() { return dailyRetryDays; }
    public void setDailyRetryDays(int dailyRetryDays) { this.dailyRetryDays = dailyRetryDays; }
    public double getMaxRequestsPerSecond() { return maxRequestsPerSecond; }
    public void setMaxRequestsPerSecond(double maxRequestsPerSecond) { this.maxRequestsPerSecond = maxRequestsPerSecond; }
    public Duration getRateLimitTolerance() { return rateLimitTolerance; }
    public void setRateLimitTolerance(Duration rateLimitTolerance) { this.rateLimitTolerance = rateLimitTolerance; }
    public Duration getErrorBackoff() { return errorBackoff; }
    public void setErrorBackoff(Duration errorBackoff) { this.errorBackoff = errorBackoff; }
    public Duration getMaxErrorBackoff() { return maxErrorBackoff; }
    public void setMaxErrorBackoff(Duration maxErrorBackoff) { this.maxErrorBackoff = maxErrorBackoff; }
    public Duration getCredentialsProbeInterval() { return credentialsProbeInterval; }
    public void setCredentialsProbeInterval(Duration credentialsProbeInterval) { this.credentialsProbeInterval = credentialsProbeInterval; }
}
