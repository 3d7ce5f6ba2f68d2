package com.jumiogateway.inbox;

import java.time.Instant;

/** One stored callback, as received: the body is the bytes Jumio sent (only the worker decodes them). */
public record InboxEntry(long id, String kind, String sourceAddress, String contentType, byte[] body,
                         Instant receivedAt, int attempts) {
}
