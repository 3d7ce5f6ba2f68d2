package com.jumiogateway.personaldata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jumiogateway.dataprotection.DataProtection;
import com.jumiogateway.dataprotection.DataProtection.SealedText;
import com.jumiogateway.dataprotection.ProtectedColumn;
import com.jumiogateway.result.VerificationResult;
import com.jumiogateway.routing.ExchangeNames;
import org.apache.camel.Header;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Every removal of personal data from the places that hold it, for retention and erasure alike, in one class: the
 * raw callback bodies ({@code callback_inbox.body}), the stored results ({@code verification_result.result_json}),
 * the alert content ({@code alert_outbox.alert_json}) and the delivery payloads ({@code delivery_outbox.payload}).
 *
 * <p>Raw bodies, alert content and delivery payloads are removed with SQL that never reads the old content (the body becomes empty and
 * {@code body_purged_at} says when). Only a stored result is read, changed and written back, because what stays of it
 * (status, decision, reject reason, references, timings) lives inside its JSON; that read-modify-write is
 * {@link #redactRows}, which opens and seals it under the data keys (encryption at rest). The only other read of raw bodies is
 * {@link #failedBodiesMentioning}, which looks for a reference in FAILED bodies (they have no scan reference yet).
 *
 * <p>Methods that change several rows expect to run inside the caller's transaction.
 */
@Component("personalDataRedaction")
public class PersonalDataRedaction {

    /** Why personal data was removed: the marker left in the result ({@code personalData.state}). */
    public enum Reason { PURGED, ERASED }

    /** What a purged raw body holds: nothing (the column stays NOT NULL). */
    public static final byte[] EMPTY_BODY = new byte[0];
    /** What sent alerts keep once their content is removed. */
    public static final String PURGED_ALERT_JSON = "{\"contentPurged\":true}";
    /** What a delivery keeps once its payload is removed (never sent: redeliver refuses a purged row). */
    public static final String PURGED_PAYLOAD = "{\"contentPurged\":true}";
    /** last_error of a delivery still waiting when its scan reference was erased (it is not sent). */
    public static final String ERASED_BEFORE_DELIVERY = "personal data erased before delivery";

    /** Top-level result fields that stay after a retention purge: decision, status, reject reason, references, timings. */
    private static final List<String> KEPT = List.of("scanReference", "kind", "source", "status", "decision",
            "merchantReference", "customerId", "documentType", "country", "countryName", "rejectReason",
            "transactionDate", "eventTime", "secondsToResult");
    /** The top-level result fields without personal data: what the console shows a viewer (README "Web console"). */
    public static final List<String> DECISION_FIELDS = KEPT;
    /** References that an erasure removes as well: they lead back to the person in the customer's systems. */
    private static final List<String> ERASED_TOO = List.of("merchantReference", "customerId");

    private final JdbcTemplate jdbc;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final DataProtection protection;

    public PersonalDataRedaction(JdbcTemplate jdbc, ObjectMapper mapper, Clock clock, DataProtection protection) {
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.clock = clock;
        this.protection = protection;
    }

    // --- stored results ------------------------------------------------------------------------------------------

    /** The stored result JSON without its personal fields, with a {@code personalData} marker (plain text in and out). */
    public String redactResultJson(String resultJson, Reason reason, Instant at) {
        try {
            ObjectNode stored = (ObjectNode) mapper.readTree(resultJson);
            ObjectNode kept = mapper.createObjectNode();
            for (String field : KEPT) {
                if (stored.hasNonNull(field) && !(reason == Reason.ERASED && ERASED_TOO.contains(field))) {
                    kept.set(field, stored.get(field));
                }
            }
            ObjectNode marker = kept.putObject("personalData");
            marker.put("state", reason.name());
            marker.put("at", at.toString());
            return mapper.writeValueAsString(kept);
        } catch (JsonProcessingException | ClassCastException e) {
            // a result we wrote ourselves that is not a JSON object: keep nothing of it rather than fail the purge
            return "{\"personalData\":{\"state\":\"" + reason.name() + "\",\"at\":\"" + at + "\"}}";
        }
    }

    /** A result about to be stored for an erased reference: without details and without references. */
    public VerificationResult withoutPersonalData(VerificationResult result) {
        return new VerificationResult(result.scanReference(), result.kind(), result.source(), result.status(),
                result.decision(), null, null, result.documentType(), result.country(), result.countryName(),
                result.rejectReason(), result.transactionDate(), result.eventTime(), result.secondsToResult(), null);
    }

    /**
     * The payload hash the store compares deliveries with ({@code sha256(detailsJson + "|" + status)}). A redacted
     * row gets the hash of a result without details, so a later delivery for an erased reference (stored without its
     * details) counts as the duplicate it is.
     */
    public static String payloadHash(String detailsJson, String status) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest((detailsJson + "|" + status).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Redacts the stored result of one scan reference (row-locked); 1 when there was one not yet redacted so. */
    public int redactStoredResult(String scanReference, Reason reason, Instant at) {
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT scan_reference, status, result_json, data_key_id FROM"
                + " verification_result WHERE scan_reference = ? FOR UPDATE", scanReference);
        return redactRows(rows, reason, at);
    }

    /**
     * Retention: redacts up to {@code batch} results last written before {@code cutoff} and not redacted yet. Rows
     * another instance is purging are skipped (SKIP LOCKED), so instances share the work. Returns how many.
     */
    public int redactDueResults(Instant cutoff, int batch, Instant now) {
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT scan_reference, status, result_json, data_key_id FROM"
                + " verification_result WHERE personal_data_purged_at IS NULL AND updated_at < ?"
                + " ORDER BY updated_at FETCH FIRST " + batch + " ROWS ONLY FOR UPDATE SKIP LOCKED", Timestamp.from(cutoff));
        return redactRows(rows, Reason.PURGED, now);
    }

    /**
     * The one read-modify-write of result_json: opened under its key (encryption at rest), redacted as plain text,
     * sealed again under the newest key.
     */
    private int redactRows(List<Map<String, Object>> rows, Reason reason, Instant at) {
        if (rows.isEmpty()) {
            return 0;
        }
        List<Object[]> updates = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            String stored = protection.openText(ProtectedColumn.RESULT_DETAILS, (String) row.get("data_key_id"),
                    (String) row.get("result_json"));
            SealedText json = protection.sealText(ProtectedColumn.RESULT_DETAILS, redactResultJson(stored, reason, at));
            String hash = payloadHash("null", (String) row.get("status"));
            updates.add(new Object[] {json.value(), json.keyId(), hash, Timestamp.from(at), row.get("scan_reference")});
        }
        String references = reason == Reason.ERASED ? ", merchant_reference = NULL, customer_id = NULL" : "";
        jdbc.batchUpdate("UPDATE verification_result SET result_json = ?, data_key_id = ?, payload_hash = ?,"
                + " personal_data_purged_at = ?" + references + " WHERE scan_reference = ?", updates);
        return rows.size();
    }

    // --- raw callback bodies (no read of the old content) ------------------------------------------------------

    /** Erasure: empties every raw body stored for the scan reference (processed ones carry it). */
    public int purgeRawBodiesOfScan(String scanReference, Instant now) {
        return jdbc.update("UPDATE callback_inbox SET body = ?, body_purged_at = ? WHERE scan_reference = ?"
                + " AND body_purged_at IS NULL", EMPTY_BODY, Timestamp.from(now), scanReference);
    }

    /** Empties the raw bodies of the given inbox rows (FAILED ones found to mention an erased reference). */
    public int purgeRawBodies(Collection<Long> inboxIds, Instant now) {
        if (inboxIds.isEmpty()) {
            return 0;
        }
        Timestamp at = Timestamp.from(now);
        return rows(jdbc.batchUpdate("UPDATE callback_inbox SET body = ?, body_purged_at = ? WHERE id = ?"
                        + " AND body_purged_at IS NULL",
                inboxIds.stream().map(id -> new Object[] {EMPTY_BODY, at, id}).toList()));
    }

    /**
     * Worker step after a callback was processed ({@code process-callback}): when its scan reference has been erased,
     * its raw body is emptied at once (a later delivery never brings the person back). One UPDATE that matches nothing
     * in the normal case.
     */
    public int purgeRawBodyIfErased(@Header(ExchangeNames.CALLBACK_INBOX_ID) long inboxId,
                                    @Header(ExchangeNames.CALLBACK_SCAN_REFERENCE) String scanReference) {
        return jdbc.update("UPDATE callback_inbox SET body = ?, body_purged_at = ? WHERE id = ? AND body_purged_at IS NULL"
                        + " AND EXISTS (SELECT 1 FROM erasure_tombstone t WHERE t.scan_reference = ?)",
                EMPTY_BODY, Timestamp.from(clock.instant()), inboxId, scanReference);
    }

    /**
     * Retention: empties up to {@code batch} raw bodies of rows in {@code status} finished (processed_at) before
     * {@code cutoff}. The rows are locked with SKIP LOCKED, so several instances purge different rows. Returns how many.
     */
    public int purgeDueRawBodies(String status, Instant cutoff, int batch, Instant now) {
        List<Long> ids = jdbc.queryForList("SELECT id FROM callback_inbox WHERE status = ? AND processed_at < ?"
                + " AND body_purged_at IS NULL ORDER BY processed_at FETCH FIRST " + batch + " ROWS ONLY"
                + " FOR UPDATE SKIP LOCKED", Long.class, status, Timestamp.from(cutoff));
        return purgeRawBodies(ids, now);
    }

    /**
     * Ids of FAILED rows (not purged) whose raw body contains one of the values: a failed callback has no scan
     * reference column yet, so its body is the only place that names the scan. Reads bodies in pages.
     */
    public List<Long> failedBodiesMentioning(Collection<String> values) {
        List<byte[]> needles = values.stream().filter(v -> v != null && !v.isBlank())
                .map(v -> v.getBytes(StandardCharsets.UTF_8)).toList();
        List<Long> found = new ArrayList<>();
        if (needles.isEmpty()) {
            return found;
        }
        long after = 0;
        while (true) {
            List<Map<String, Object>> page = jdbc.queryForList("SELECT id, body, data_key_id FROM callback_inbox WHERE status = 'FAILED'"
                    + " AND body_purged_at IS NULL AND id > ? ORDER BY id FETCH FIRST 200 ROWS ONLY", after);
            for (Map<String, Object> row : page) {
                long id = ((Number) row.get("id")).longValue();
                after = id;
                byte[] body = protection.open(ProtectedColumn.CALLBACK_BODY, (String) row.get("data_key_id"),
                        (byte[]) row.get("body"));
                if (needles.stream().anyMatch(n -> contains(body, n))) {
                    found.add(id);
                }
            }
            if (page.size() < 200) {
                return found;
            }
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        if (haystack == null) {
            return false;
        }
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    // --- alert content (no read of the old content) -------------------------------------------------------------

    /** Erasure: every alert about the scan reference loses its content (a FAILED or PENDING one cannot be sent then). */
    public int purgeAlertContentOfScan(String scanReference, Instant now) {
        return jdbc.update("UPDATE alert_outbox SET alert_json = ?, content_purged_at = ? WHERE scan_reference = ?"
                + " AND content_purged_at IS NULL", PURGED_ALERT_JSON, Timestamp.from(now), scanReference);
    }

    /** Retention: up to {@code batch} SENT alerts sent before {@code cutoff} lose their content (SKIP LOCKED). */
    public int purgeDueAlertContent(Instant cutoff, int batch, Instant now) {
        List<Long> ids = jdbc.queryForList("SELECT id FROM alert_outbox WHERE status = 'SENT' AND sent_at < ?"
                + " AND content_purged_at IS NULL ORDER BY sent_at FETCH FIRST " + batch + " ROWS ONLY"
                + " FOR UPDATE SKIP LOCKED", Long.class, Timestamp.from(cutoff));
        if (ids.isEmpty()) {
            return 0;
        }
        Timestamp at = Timestamp.from(now);
        return rows(jdbc.batchUpdate("UPDATE alert_outbox SET alert_json = ?, content_purged_at = ? WHERE id = ?",
                ids.stream().map(id -> new Object[] {PURGED_ALERT_JSON, at, id}).toList()));
    }

    // --- delivery payloads (no read of the old content) ---------------------------------------------------------

    /**
     * Erasure: every delivery of the scan reference loses its payload; one still PENDING becomes FAILED (it is not
     * sent with the person's data, nor with the marker). The UPDATE locks the rows, so no sender claims them meanwhile.
     */
    public int purgeDeliveryPayloadsOfScan(String scanReference, Instant now) {
        return jdbc.update("UPDATE delivery_outbox SET payload = ?, payload_purged_at = ?,"
                        + " last_error = CASE WHEN status = 'PENDING' THEN ? ELSE last_error END,"
                        + " status = CASE WHEN status = 'PENDING' THEN 'FAILED' ELSE status END,"
                        + " claimed_until = NULL WHERE scan_reference = ? AND payload_purged_at IS NULL",
                PURGED_PAYLOAD, Timestamp.from(now), ERASED_BEFORE_DELIVERY, scanReference);
    }

    /**
     * Retention: up to {@code batch} DELIVERED or FAILED deliveries finished (delivered, else last attempted) before
     * {@code cutoff} lose their payload (SKIP LOCKED). PENDING ones wait until they are finished.
     */
    public int purgeDueDeliveryPayloads(Instant cutoff, int batch, Instant now) {
        List<Long> ids = jdbc.queryForList("SELECT id FROM delivery_outbox WHERE status IN ('DELIVERED', 'FAILED')"
                + " AND COALESCE(delivered_at, last_attempt_at, created_at) < ? AND payload_purged_at IS NULL"
                + " ORDER BY id FETCH FIRST " + batch + " ROWS ONLY FOR UPDATE SKIP LOCKED", Long.class,
                Timestamp.from(cutoff));
        if (ids.isEmpty()) {
            return 0;
        }
        Timestamp at = Timestamp.from(now);
        return rows(jdbc.batchUpdate("UPDATE delivery_outbox SET payload = ?, payload_purged_at = ? WHERE id = ?"
                        + " AND status IN ('DELIVERED', 'FAILED') AND payload_purged_at IS NULL",
                ids.stream().map(id -> new Object[] {PURGED_PAYLOAD, at, id}).toList()));
    }

    /** Rows changed by a batch (a driver that reports no count for a statement counts it as one). */
    private static int rows(int[] counts) {
        int total = 0;
        for (int count : counts) {
            total += count == java.sql.Statement.SUCCESS_NO_INFO ? 1 : Math.max(0, count);
        }
        return total;
    }
}
