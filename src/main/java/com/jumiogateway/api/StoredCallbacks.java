package com.jumiogateway.api;

import com.jumiogateway.storage.SqlValues;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/**
 * Turns inbox rows into {@link StoredCallback}s. JDBC column labels differ by database (H2 answers ID, KIND...,
 * PostgreSQL id, kind...), so they are matched ignoring case and the API never depends on which one is in use.
 */
@Component("storedCallbacks")
public class StoredCallbacks {

    public List<StoredCallback> view(List<Map<String, Object>> rows) {
        return rows.stream().map(StoredCallbacks::view).toList();
    }

    private static StoredCallback view(Map<String, Object> row) {
        Map<String, Object> columns = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        columns.putAll(row);
        return new StoredCallback(number(columns.get("id")), text(columns.get("kind")),
                text(columns.get("source_address")), text(columns.get("content_type")),
                SqlValues.instant(columns.get("received_at")), text(columns.get("status")),
                (int) number(columns.get("attempts")), SqlValues.instant(columns.get("processed_at")),
                text(columns.get("scan_reference")), text(columns.get("outcome")), text(columns.get("failure_reason")));
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : value == null ? 0 : Long.parseLong(value.toString());
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
