package com.jumiogateway.inbox;

import java.time.Instant;

/** One stored callback, as received. */
public record InboxEntry(long id, String kind, String sourceAddress, String contentType, String body,
                         Instant receivedAt, int attempts) {
}
