package com.jumiogateway.dataprotection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Re-encrypts rows that are not under the newest key (an older key, or clear values written before a key was set)
 * in bounded batches: per table, one short transaction claims up to {@code batch-size} rows with
 * {@code FOR UPDATE SKIP LOCKED}, decrypts each with its own key id and encrypts it under the newest key. Several
 * instances (or the API and the timer) may run it at once: each takes rows the others do not hold, and a row being
 * written by the worker is skipped and taken at the next batch. Counted in {@code gateway.data.reencrypted{table}}.
 * Called by routes/data-key-rotation.camel.yaml as "dataKeyRotation".
 */
@Component("dataKeyRotation")
public class DataKeyRotation {

    private static final Logger log = LoggerFactory.getLogger(DataKeyRotation.class);
    private static final String KEY = ProtectedColumn.KEY_ID_COLUMN;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final DataProtection protection;
    private final DataProtectionProperties properties;
    private final MeterRegistry meters;
    private final ObjectMapper mapper;

    public DataKeyRotation(JdbcTemplate jdbc, TransactionTemplate transactions, DataProtection protection,
                           DataProtectionProperties properties, MeterRegistry meters, ObjectMapper mapper) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.protection = protection;
        this.properties = properties;
        this.meters = meters;
        this.mapper = mapper;
    }

    /** Route step: one batch per protected table; returns how many rows it re-encrypted (0: nothing left). */
    public int reencryptBatch() {
        if (!protection.enabled()) {
            return 0;
        }
        int total = 0;
        for (ProtectedColumn column : ProtectedColumn.values()) {
            int done = transactions.execute(tx -> reencrypt(column));
            if (done > 0) {
                meters.counter("gateway.data.reencrypted", "table", column.table()).increment(done);
                log.info("Re-encrypted {} rows of {} under data key '{}'", done, column.purpose(), protection.activeKeyId());
            }
            total += done;
        }
        return total;
    }

    private record Row(Object rowKey, String keyId, Object value) {
    }

    private int reencrypt(ProtectedColumn column) {
        String active = protection.activeKeyId();
        // the range form (< or >) rather than <> lets the database use the key id index
        List<Row> rows = jdbc.query("SELECT " + column.rowKey() + ", " + KEY + ", " + column.column() + " FROM "
                        + column.table() + " WHERE " + KEY + " IS NULL OR " + KEY + " < ? OR " + KEY + " > ?"
                        + " ORDER BY " + column.rowKey() + " FETCH FIRST " + properties.rotation().batchSize()
                        + " ROWS ONLY FOR UPDATE SKIP LOCKED",
                (rs, n) -> new Row(rs.getObject(1), rs.getString(2), column.binary() ? rs.getBytes(3) : rs.getString(3)),
                active, active);
        if (rows.isEmpty()) {
            return 0;
        }
        List<Object[]> updates = new ArrayList<>();
        for (Row row : rows) {
            Object sealed;
            String keyId;
            if (column.binary()) {
                DataProtection.SealedBytes s = protection.seal(column,
                        protection.open(column, row.keyId(), (byte[]) row.value()));
                sealed = s.value();
                keyId = s.keyId();
            } else {
                DataProtection.SealedText s = protection.sealText(column,
                        protection.openText(column, row.keyId(), (String) row.value()));
                sealed = s.value();
                keyId = s.keyId();
            }
            // an empty (purged) value stays empty; it is marked with the newest key so it is not taken again
            updates.add(new Object[] {sealed, keyId == null ? active : keyId, row.rowKey()});
        }
        jdbc.batchUpdate("UPDATE " + column.table() + " SET " + column.column() + " = ?, " + KEY + " = ? WHERE "
                + column.rowKey() + " = ?", updates);
        return rows.size();
    }

    /**
     * GET /api/data-keys (and the answer of POST /api/data-keys/rotation): whether encryption is on, the newest and
     * the configured key ids, and per protected column how many rows are under each key id ("clear": none). A key
     * may be removed from GATEWAY_DATA_KEYS once no column counts a row under it.
     */
    public String status() {
        ObjectNode answer = mapper.createObjectNode();
        answer.put("encryption", protection.enabled() ? "on" : "off");
        if (protection.enabled()) {
            answer.put("activeKey", protection.activeKeyId());
        }
        protection.keyIds().forEach(answer.putArray("keys")::add);
        ObjectNode columns = answer.putObject("rows");
        long notUnderActive = 0;
        for (ProtectedColumn column : ProtectedColumn.values()) {
            ObjectNode counts = columns.putObject(column.purpose());
            for (Map<String, Object> row : jdbc.queryForList("SELECT " + KEY + " AS key_id, COUNT(*) AS n FROM "
                    + column.table() + " GROUP BY " + KEY + " ORDER BY " + KEY)) {
                // queryForList's rows are case-insensitive maps: H2 answers KEY_ID, PostgreSQL key_id
                Object keyId = row.get("key_id");
                long n = ((Number) row.get("n")).longValue();
                counts.put(keyId == null ? "clear" : keyId.toString(), n);
                if (protection.enabled() && !protection.activeKeyId().equals(keyId)) {
                    notUnderActive += n;
                }
            }
        }
        answer.put("rowsNotUnderActiveKey", notUnderActive);
        try {
            return mapper.writeValueAsString(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
