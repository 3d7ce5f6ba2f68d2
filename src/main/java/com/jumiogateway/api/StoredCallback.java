package com.jumiogateway.api;

import java.time.Instant;

/** A stored callback as GET /api/callbacks lists it (without its body): one camelCase shape on every database. */
public record StoredCallback(long id, String kind, String sourceAddress, String contentType, Instant receivedAt,
                             String status, int attempts, Instant processedAt, String scanReference, String outcome,
                             String failureReason) {
}
