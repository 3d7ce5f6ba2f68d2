package com.jumiogateway.inbox;

import java.time.Instant;

/**
 * One stored callback, as stored: the body is the bytes Jumio sent, encrypted under {@code dataKeyId} when that is
 * not null; the worker opens it with {@code callbackInbox.openBody} (only the worker decodes it).
 */
public record InboxEntry(long id, String kind, String sourceAddress, String contentType, byte[] body,
                         String dataKeyId, Instant receivedAt, int attempts) {
}
