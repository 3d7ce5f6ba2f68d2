package com.jumiogateway.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jumiogateway.api.BadRequestException;
import com.jumiogateway.storage.SqlValues;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.StringUtils;

/**
 * Who read what: every API read of a result with personal data and every erasure is appended to {@code audit_event}
 * (caller, time, action, reference, client address). Append-only: this class has no UPDATE, and its only DELETE is
 * the retention purge of events older than {@code gateway.retention.audit} (on PostgreSQL a trigger refuses any other
 * UPDATE or DELETE). Listed by {@code GET /api/audit?reference=...}.
 */
@Component("auditLog")
public class AuditLog {

    public static final String READ_RESULT = "READ_RESULT";
    public static final String READ_DOCUMENT_VERIFICATION = "READ_DOCUMENT_VERIFICATION";
    public static final String READ_PLATFORM_RESULT = "READ_PLATFORM_RESULT";
    public static final String ERASE = "ERASE";
    /** Jumio was asked to delete an erased transaction on its side; the detail is its answer. */
    public static final String JUMIO_DELETE = "JUMIO_DELETE";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final boolean postgres;

    public AuditLog(JdbcTemplate jdbc, TransactionTemplate transactions, ObjectMapper mapper, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.mapper = mapper;
        this.clock = clock;
        this.postgres = SqlValues.isPostgres(jdbc);
    }

    /** Appends one event. */
    public void record(String action, String reference, ApiCaller caller, String detail) {
        jdbc.update("INSERT INTO audit_event (occurred_at, action, reference, caller, client_address, detail)"
                        + " VALUES (?, ?, ?, ?, ?, ?)", Timestamp.from(clock.instant()), action, reference,
                caller.name(), caller.clientAddress(), detail);
    }

    /** Route step after {@code GET /api/verifications/{scanReference}} looked up a result: recorded when one was found. */
    public void resultRead(Exchange exchange) {
        read(exchange, READ_RESULT);
    }

    /** Route step after {@code GET /api/document-verifications/{scanReference}}: recorded when a result was found. */
    public void documentVerificationRead(Exchange exchange) {
        read(exchange, READ_DOCUMENT_VERIFICATION);
    }

    private void read(Exchange exchange, String action) {
        if (exchange.getIn().getBody() != null) {
            record(action, exchange.getIn().getHeader("scanReference", String.class), ApiCaller.of(exchange), null);
        }
    }

    /** Route step after a Platform lookup: one event per result answered (the JSON array in the body). */
    public void platformResultsRead(@Body String answer, Exchange exchange) throws JsonProcessingException {
        JsonNode results = answer == null ? null : mapper.readTree(answer);
        if (results == null || !results.isArray()) {
            return;
        }
        ApiCaller caller = ApiCaller.of(exchange);
        for (JsonNode result : results) {
            record(READ_PLATFORM_RESULT, result.path("scanReference").asText(null), caller, null);
        }
    }

    /** GET /api/audit?reference=...: the events of one reference, newest first (at most 500). */
    public String list(@Header("reference") String reference) throws JsonProcessingException {
        if (!StringUtils.hasText(reference)) {
            throw new BadRequestException("Give the reference whose audit events to list");
        }
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT id, occurred_at, action, reference, caller,"
                + " client_address, detail FROM audit_event WHERE reference = ? ORDER BY occurred_at DESC, id DESC"
                + " FETCH FIRST 500 ROWS ONLY", reference.strip());
        ArrayNode answer = mapper.createArrayNode();
        for (Map<String, Object> row : rows) {
            ObjectNode event = answer.addObject();
            event.put("id", ((Number) row.get("id")).longValue());
            event.put("at", SqlValues.instant(row.get("occurred_at")).toString());
            event.put("action", (String) row.get("action"));
            event.put("reference", (String) row.get("reference"));
            event.put("caller", (String) row.get("caller"));
            event.put("clientAddress", (String) row.get("client_address"));
            if (row.get("detail") != null) {
                event.put("detail", (String) row.get("detail"));
            }
        }
        return mapper.writeValueAsString(answer);
    }

    /**
     * Retention: deletes up to {@code batch} events older than {@code cutoff}, in one short transaction (SKIP LOCKED,
     * so instances purge different rows). On PostgreSQL the transaction says it is the purge, which the
     * append-only trigger lets through. Returns how many.
     */
    public int purgeOlderThan(Instant cutoff, int batch) {
        Integer purged = transactions.execute(tx -> {
            List<Long> ids = jdbc.queryForList("SELECT id FROM audit_event WHERE occurred_at < ? ORDER BY occurred_at"
                    + " FETCH FIRST " + batch + " ROWS ONLY FOR UPDATE SKIP LOCKED", Long.class, Timestamp.from(cutoff));
            if (ids.isEmpty()) {
                return 0;
            }
            if (postgres) {
                jdbc.queryForList("SELECT set_config('gateway.audit_purge', 'on', true)");
            }
            int total = 0;
            for (int[] counts : jdbc.batchUpdate("DELETE FROM audit_event WHERE id = ?",
                    ids.stream().map(id -> new Object[] {id}).toList(), ids.size(), (ps, id) -> ps.setLong(1, (Long) id[0]))) {
                for (int count : counts) {
                    total += Math.max(0, count);
                }
            }
            return total;
        });
        return purged == null ? 0 : purged;
    }

    /** The oldest event time, or null when there is none (for the retention health). */
    public Instant oldestBefore(Instant cutoff) {
        return SqlValues.instant(jdbc.queryForObject("SELECT MIN(occurred_at) FROM audit_event WHERE occurred_at < ?",
                Object.class, Timestamp.from(cutoff)));
    }
}
