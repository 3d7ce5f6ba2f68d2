package com.jumiogateway.webhook;

/**
 * A delivery claimed for sending.
 *
 * @param messageId the webhook-id, the same at every attempt
 * @param attempt   the how-many-th attempt this is (1 = first)
 * @param claimedAt when this instance claimed it (its lease runs from then)
 */
public record ClaimedDelivery(long id, String messageId, String destination, String channel, String scanReference,
                              int attempt, String payload, java.time.Instant claimedAt) {
}
