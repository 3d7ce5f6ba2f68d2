package com.jumiogateway.inbox;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the worker drains the callback inbox ({@code gateway.worker}); the defaults and their meaning are in
 * config/application.yaml.
 *
 * @param batchSize   rows claimed per poll
 * @param threads     parallel processing threads per instance
 * @param claimLease  how long a claim lasts without renewal; a claim of an instance that died is taken over then
 * @param maxAttempts a row that fails this many times for reasons other than bad input is marked FAILED
 * @param retryDelay  wait before a row that hit a transient error (database, bug) is tried again
 */
@ConfigurationProperties(prefix = "gateway.worker")
public record InboxProperties(int batchSize, int threads, Duration claimLease, int maxAttempts, Duration retryDelay) {
}
