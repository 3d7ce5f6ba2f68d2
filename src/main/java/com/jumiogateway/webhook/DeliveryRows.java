package com.jumiogateway.webhook;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/** Writes delivery_outbox rows; shared by webhook destinations and chat channels (only JDBC: no bean cycles). */
final class DeliveryRows {

    static final String WEBHOOK = "WEBHOOK";

    private DeliveryRows() {
    }

    /** A new message id: the webhook-id of every attempt at this row. */
    static String newMessageId() {
        return "msg_" + UUID.randomUUID().toString().replace("-", "");
    }

    /**
     * Queues one delivery, due at once. With a dedup key a second insert of the same key is a no-op.
     *
     * @return true when this call queued it
     */
    static boolean insert(JdbcTemplate jdbc, String destination, String channel, String dedupKey, String scanReference,
                          String payload, Instant now) {
        Timestamp ts = Timestamp.from(now);
        try {
            jdbc.update("INSERT INTO delivery_outbox (message_id, destination, channel, dedup_key, scan_reference,"
                            + " status, attempts, next_attempt_at, payload, created_at)"
                            + " VALUES (?, ?, ?, ?, ?, 'PENDING', 0, ?, ?, ?)",
                    newMessageId(), destination, channel, dedupKey, scanReference, ts, payload, ts);
            return true;
        } catch (DuplicateKeyException alreadyQueued) {
            return false;
        }
    }
}
