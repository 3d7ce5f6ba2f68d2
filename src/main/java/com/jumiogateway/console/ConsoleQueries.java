package com.jumiogateway.console;

import com.jumiogateway.storage.SqlValues;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * The console's own reads: the search over stored results and the rows of one scan reference in the inbox and the
 * outboxes. Only columns without personal data are read here; the result itself (encrypted at rest) is opened by
 * {@code VerificationResultStore}. Every query is served by an index (V11__Console_search_indexes.sql).
 */
@Component
public class ConsoleQueries {

    /** One line of the search: the result's references and decision, never its details. */
    public record ResultRow(String scanReference, String kind, String source, String status, String decision,
                            String merchantReference, String customerId, Instant eventTime, Instant createdAt) {

        public String kindName() {
            return ResultView.kindName(kind);
        }

        public String decisionText() {
            return ResultView.decisionText(decision);
        }

        public String tone() {
            return ResultView.tone(decision);
        }
    }

    /** The search's filters; blank ones are ignored. {@code from} inclusive, {@code to} exclusive (first stored). */
    public record Search(String scanReference, String merchantReference, String customer, String decision,
                         Instant from, Instant to) {
    }

    /** The position after the last row of a page: the next page starts below it (newest first). */
    public record Cursor(Instant createdAt, String scanReference) {

        /** As a URL parameter: the instant (with its full precision), a space, the scan reference. */
        public String text() {
            return createdAt + " " + scanReference;
        }

        /** The cursor a URL parameter names, or null when there is none or it cannot be read. */
        public static Cursor parse(String text) {
            if (!StringUtils.hasText(text) || text.indexOf(' ') < 0) {
                return null;
            }
            try {
                int space = text.indexOf(' ');
                return new Cursor(Instant.parse(text.substring(0, space)), text.substring(space + 1));
            } catch (java.time.format.DateTimeParseException e) {
                return null;
            }
        }
    }

    /** A page of results and the cursor of the next one (null on the last page). */
    public record Page(List<ResultRow> rows, Cursor next) {
    }

    /** A stored callback of one scan reference, without its body. */
    public record InboxRow(long id, String kind, Instant receivedAt, String status, String outcome,
                           Instant processedAt, String failureReason) {
    }

    /** An alert of one scan reference: its state, never its content. */
    public record AlertRow(long id, String rule, String category, String status, int attempts, String lastError,
                           Instant createdAt, Instant sentAt, Instant nextAttemptAt) {
    }

    /** A webhook or chat delivery of one scan reference. */
    public record DeliveryRow(long id, String destination, String channel, String status, int attempts,
                              Integer lastStatusCode, Instant createdAt, Instant deliveredAt) {
    }

    /** Callbacks per minute: the minute (epoch minutes) to counts received, processed and failed. */
    public record MinuteCounts(Map<Long, Long> received, Map<Long, Long> processed, Map<Long, Long> failed) {
    }

    private final JdbcTemplate jdbc;

    public ConsoleQueries(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Results matching the search, newest first (by first stored), {@code size} at most, after the cursor. */
    public Page search(Search search, Cursor after, int size) {
        StringBuilder sql = new StringBuilder("SELECT scan_reference, kind, source, status, decision, merchant_reference,"
                + " customer_id, event_time, created_at FROM verification_result WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (StringUtils.hasText(search.scanReference())) {
            sql.append(" AND scan_reference = ?");
            args.add(search.scanReference().strip());
        }
        if (StringUtils.hasText(search.merchantReference())) {
            sql.append(" AND merchant_reference = ?");
            args.add(search.merchantReference().strip());
        }
        if (StringUtils.hasText(search.customer())) {
            // Netverify and Document Verification keep the customer id; Platform results the userReference
            // a UNION of two index lookups (an OR across the two tables would scan the results)
            sql.append(" AND scan_reference IN (SELECT scan_reference FROM verification_result WHERE customer_id = ?"
                    + " UNION SELECT workflow_execution_id FROM platform_execution WHERE user_reference = ?)");
            args.add(search.customer().strip());
            args.add(search.customer().strip());
        }
        if (StringUtils.hasText(search.decision())) {
            sql.append(" AND decision = ?");
            args.add(search.decision());
        }
        if (search.from() != null) {
            sql.append(" AND created_at >= ?");
            args.add(Timestamp.from(search.from()));
        }
        if (search.to() != null) {
            sql.append(" AND created_at < ?");
            args.add(Timestamp.from(search.to()));
        }
        if (after != null) {
            // a row-value comparison: one range of the (created_at, scan_reference) index, however deep the page
            sql.append(" AND (created_at, scan_reference) < (?, ?)");
            args.add(Timestamp.from(after.createdAt()));
            args.add(after.scanReference());
        }
        sql.append(" ORDER BY created_at DESC, scan_reference DESC FETCH FIRST ").append(size + 1).append(" ROWS ONLY");
        List<ResultRow> rows = new ArrayList<>(jdbc.query(sql.toString(), ConsoleQueries::resultRow, args.toArray()));
        Cursor next = null;
        if (rows.size() > size) {
            rows = rows.subList(0, size);
            ResultRow last = rows.get(size - 1);
            next = new Cursor(last.createdAt(), last.scanReference());
        }
        return new Page(rows, next);
    }

    public List<InboxRow> callbacksOf(String scanReference) {
        return jdbc.query("SELECT id, kind, received_at, status, outcome, processed_at, failure_reason FROM callback_inbox"
                + " WHERE scan_reference = ? ORDER BY id FETCH FIRST 200 ROWS ONLY", (rs, n) -> new InboxRow(
                rs.getLong("id"), rs.getString("kind"), instant(rs, "received_at"), rs.getString("status"),
                rs.getString("outcome"), instant(rs, "processed_at"), rs.getString("failure_reason")), scanReference);
    }

    public List<AlertRow> alertsOf(String scanReference) {
        return jdbc.query("SELECT id, rule, category, status, attempts, last_error, created_at, sent_at, next_attempt_at"
                + " FROM alert_outbox WHERE scan_reference = ? ORDER BY id FETCH FIRST 200 ROWS ONLY", (rs, n) -> new AlertRow(
                rs.getLong("id"), rs.getString("rule"), rs.getString("category"), rs.getString("status"),
                rs.getInt("attempts"), rs.getString("last_error"), instant(rs, "created_at"), instant(rs, "sent_at"),
                instant(rs, "next_attempt_at")), scanReference);
    }

    public List<DeliveryRow> deliveriesOf(String scanReference) {
        return jdbc.query("SELECT id, destination, channel, status, attempts, last_status_code, created_at, delivered_at"
                + " FROM delivery_outbox WHERE scan_reference = ? ORDER BY id DESC FETCH FIRST 200 ROWS ONLY",
                (rs, n) -> new DeliveryRow(rs.getLong("id"), rs.getString("destination"), rs.getString("channel"),
                        rs.getString("status"), rs.getInt("attempts"), (Integer) rs.getObject("last_status_code", Integer.class),
                        instant(rs, "created_at"), instant(rs, "delivered_at")), scanReference);
    }

    /** Rows per status of an outbox or the inbox (table named by the caller, never by a request). */
    public Map<String, Long> countsByStatus(String table) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        jdbc.query("SELECT status, COUNT(*) AS n FROM " + table + " GROUP BY status",
                rs -> { counts.put(rs.getString("status"), rs.getLong("n")); });
        return counts;
    }

    /**
     * Callbacks received, processed and failed per minute since {@code since}, from the inbox's own timestamps, in one
     * pass over the rows received in the window (and the hour before it, whose processing may fall in the window):
     * grouped by the minute received, the minute processed and the state, then summed per series here.
     */
    public MinuteCounts perMinute(Instant since) {
        long first = since.getEpochSecond() / 60;
        Map<Long, Long> received = new HashMap<>();
        Map<Long, Long> processed = new HashMap<>();
        Map<Long, Long> failed = new HashMap<>();
        jdbc.query("SELECT DATE_TRUNC('minute', received_at) AS received_minute, DATE_TRUNC('minute', processed_at)"
                + " AS processed_minute, status, COUNT(*) AS total FROM callback_inbox WHERE received_at >= ?"
                + " GROUP BY DATE_TRUNC('minute', received_at), DATE_TRUNC('minute', processed_at), status", rs -> {
                    long total = rs.getLong("total");
                    Instant receivedAt = SqlValues.instant(rs.getObject("received_minute"));
                    if (receivedAt != null && receivedAt.getEpochSecond() / 60 >= first) {
                        received.merge(receivedAt.getEpochSecond() / 60, total, Long::sum);
                    }
                    Instant processedAt = SqlValues.instant(rs.getObject("processed_minute"));
                    String status = rs.getString("status");
                    if (processedAt != null && processedAt.getEpochSecond() / 60 >= first) {
                        if ("PROCESSED".equals(status)) {
                            processed.merge(processedAt.getEpochSecond() / 60, total, Long::sum);
                        } else if ("FAILED".equals(status)) {
                            failed.merge(processedAt.getEpochSecond() / 60, total, Long::sum);
                        }
                    }
                }, Timestamp.from(since.minus(java.time.Duration.ofHours(1))));
        return new MinuteCounts(received, processed, failed);
    }

    private static ResultRow resultRow(ResultSet rs, int row) throws SQLException {
        return new ResultRow(rs.getString("scan_reference"), rs.getString("kind"), rs.getString("source"),
                rs.getString("status"), rs.getString("decision"), rs.getString("merchant_reference"),
                rs.getString("customer_id"), instant(rs, "event_time"), instant(rs, "created_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return SqlValues.instant(rs.getObject(column));
    }
}
