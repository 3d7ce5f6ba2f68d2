package com.jumiogateway.alert;

import java.time.Instant;

/** An alert as listed by GET /api/alerts: its state, never its content. */
public record AlertView(
        long id,
        String alertKey,
        String rule,
        String category,
        String scanReference,
        String status,
        int attempts,
        Instant nextAttemptAt,
        String lastError,
        Instant createdAt,
        Instant sentAt) {
}
