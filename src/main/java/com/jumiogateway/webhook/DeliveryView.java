package com.jumiogateway.webhook;

import java.time.Instant;

/** One delivery as the API lists it: state and the last attempt's status and error, never a body. */
public record DeliveryView(long id, String messageId, String destination, String channel, String scanReference,
                           String status, int attempts, Integer lastStatusCode, String lastError, Instant lastAttemptAt,
                           Instant nextAttemptAt, Instant createdAt, Instant deliveredAt) {
}
