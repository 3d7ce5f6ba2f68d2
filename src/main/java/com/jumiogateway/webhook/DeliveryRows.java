package com.jumiogateway.webhook;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
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

    private static final String INSERT = "INSERT INTO delivery_outbox (message_id, destination, channel, dedup_key,"
            + " scan_reference, status, attempts, next_attempt_at, payload, created_at)"
            + " VALUES (?, ?, ?, ?, ?, 'PENDING', 0, ?, ?, ?)";

    /** The values of one new delivery row, due at once, for {@link #insertAll}. */
    static Object[] row(String destination, String channel, String dedupKey, String scanReference, String payload,
                        Instant now) {
        Timestamp ts = Timestamp.from(now);
        return new Object[] {newMessageId(), destination, channel, dedupKey, scanReference, ts, payload, ts};
    }

    /** Queues many deliveries without a dedup key in one JDBC batch. */
    static void insertAll(JdbcTemplate jdbc, List<Object[]> rows) {
        if (!rows.isEmpty()) {
            jdbc.batchUpdate(INSERT, rows);
        }
    }

    /**
     * Queues one delivery, due at once. With a dedup key a second insert of the same key is a no-op.
     *
     * @return true when this call queued it
     */
    static boolean insert(JdbcTemplate jdbc, String destination, String channel, String dedupKey, String scanReference,
                          String payload, Instant now) {
        try {
            jdbc.update(INSERT, row(destination, channel, dedupKey, scanReference, payload, now));
            return true;
        } catch (DuplicateKeyException alreadyQueued) {
            return false;
        }
    }
}
