package com.jumiogateway.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.RawValue;
import com.jumiogateway.dataprotection.DataProtection;
import com.jumiogateway.dataprotection.DataProtection.SealedText;
import com.jumiogateway.dataprotection.ProtectedColumn;
import com.jumiogateway.personaldata.ErasureTombstones;
import com.jumiogateway.personaldata.PersonalDataRedaction;
import com.jumiogateway.result.CallbackKind;
import com.jumiogateway.result.VerificationResult;
import com.jumiogateway.routing.ExchangeNames;
import com.jumiogateway.storage.SqlValues;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps one current result per scan reference. Deliveries are at-least-once and unordered, so:
 * the same content again only counts a duplicate, an older result (earlier event time) never replaces a newer one.
 * A result for an erased scan reference (a tombstone in {@link ErasureTombstones}) is stored without its personal
 * fields and counted: a late callback or retrieval result never brings an erased person back.
 */
@Component("verificationResultStore")
public class VerificationResultStore {

    public enum Outcome { APPLIED, DUPLICATE, STALE }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final ObjectMapper mapper;
    private final MeterRegistry meters;
    private final Clock clock;
    private final DataProtection protection;
    private final ErasureTombstones tombstones;
    private final PersonalDataRedaction redaction;
    private final Map<String, io.micrometer.core.instrument.Counter> storedCounters = new java.util.concurrent.ConcurrentHashMap<>();
    /** Outboxes written in the same transaction as each new result version (webhook destinations). */
    private final List<ResultVersionListener> listeners;

    public VerificationResultStore(JdbcTemplate jdbc, TransactionTemplate transactions, ObjectMapper mapper,
                                   MeterRegistry meters, Clock clock, DataProtection protection,
                                   ErasureTombstones tombstones, PersonalDataRedaction redaction,
                                   List<ResultVersionListener> listeners) {
        this.protection = protection;
        this.tombstones = tombstones;
        this.redaction = redaction;
        this.listeners = listeners;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.mapper = mapper;
        this.meters = meters;
        this.clock = clock;
    }

    /** Route step: stores the result in the body; returns the outcome (APPLIED, DUPLICATE or STALE). */
    public String store(@Body VerificationResult incoming, @Header(ExchangeNames.CALLBACK_INBOX_ID) Long inboxId) {
        // an erased reference: a later callback or retrieval result is stored (and passed on) without its personal fields
        boolean erased = tombstones.erased(incoming.scanReference());
        VerificationResult result = erased ? redaction.withoutPersonalData(incoming) : incoming;
        // the payload is serialised once: hashed (duplicates are told by it), then embedded as it is in result_json
        String detailsJson = toJson(result.details());
        String hash = PersonalDataRedaction.payloadHash(detailsJson, result.status());
        String resultJson = toJson(withSerialisedDetails(result, detailsJson));
        // result_json is encrypted at rest (its details hold the person's data); the searchable columns stay clear
        SealedText json = protection.sealText(ProtectedColumn.RESULT_DETAILS, erased
                ? redaction.redactResultJson(resultJson, PersonalDataRedaction.Reason.ERASED, clock.instant())
                : resultJson);
        Outcome outcome;
        try {
            // most results are the first for their scan reference: one INSERT, no lock round trip (in a
            // transaction with the listeners' outbox rows when a listener is active)
            if (listeners.stream().anyMatch(ResultVersionListener::active)) {
                outcome = transactions.execute(tx -> {
                    insert(result, json, hash, inboxId);
                    return applied(result);
                });
            } else {
                insert(result, json, hash, inboxId);
                outcome = Outcome.APPLIED;
            }
        } catch (DuplicateKeyException exists) {
            outcome = transactions.execute(tx -> upsert(result, json, hash, inboxId));
        }
        if (erased || tombstones.erased(result.scanReference())) {
            // erased before (marked now) or while this result was being stored (redacted now): either way no
            // personal field stays; the erasure makes a second pass after its commit for the opposite order
            String reference = result.scanReference();
            transactions.executeWithoutResult(tx -> redaction.redactStoredResult(reference,
                    PersonalDataRedaction.Reason.ERASED, clock.instant()));
            tombstones.laterResult(reference, result.kind().name());
        }
        String kind = result.kind().name();
        String name = outcome.name();
        storedCounters.computeIfAbsent(kind + "/" + name,
                k -> meters.counter("gateway.results.stored", "kind", kind, "outcome", name)).increment();
        return outcome.name();
    }

    private Outcome upsert(VerificationResult result, SealedText json, String hash, Long inboxId) {
        Timestamp now = Timestamp.from(clock.instant());
        Timestamp eventTime = Timestamp.from(result.eventTime());
        List<Map<String, Object>> current = jdbc.queryForList(
                "SELECT event_time, payload_hash FROM verification_result WHERE scan_reference = ? FOR UPDATE",
                result.scanReference());
        if (current.isEmpty()) {
            // deleted between our failed insert and now: insert it after all
            insert(result, json, hash, inboxId);
            return applied(result);
        }
        Map<String, Object> row = current.get(0);
        if (hash.equals(row.get("payload_hash"))) {
            jdbc.update("UPDATE verification_result SET deliveries = deliveries + 1, duplicates = duplicates + 1"
                    + " WHERE scan_reference = ?", result.scanReference());
            return Outcome.DUPLICATE;
        }
        java.time.Instant storedEventTime = SqlValues.instant(row.get("event_time"));
        if (storedEventTime != null && result.eventTime().isBefore(storedEventTime)) {
            jdbc.update("UPDATE verification_result SET deliveries = deliveries + 1, stale_deliveries = stale_deliveries + 1"
                    + " WHERE scan_reference = ?", result.scanReference());
            return Outcome.STALE;
        }
        jdbc.update("UPDATE verification_result SET kind = ?, source = ?, status = ?, decision = ?, merchant_reference = ?,"
                        + " customer_id = ?, event_time = ?, payload_hash = ?, result_json = ?, data_key_id = ?,"
                        + " inbox_id = ?, deliveries = deliveries + 1, updated_at = ? WHERE scan_reference = ?",
                result.kind().name(), result.source().name(), result.status(), result.decision().name(),
                result.merchantReference(), result.customerId(), eventTime, hash, json.value(), json.keyId(), inboxId, now,
                result.scanReference());
        return applied(result);
    }

    /** A new current version: the listeners write their outbox rows in the same transaction. */
    private Outcome applied(VerificationResult result) {
        for (ResultVersionListener listener : listeners) {
            if (listener.active()) {
                listener.applied(result);
            }
        }
        return Outcome.APPLIED;
    }

    private void insert(VerificationResult result, SealedText json, String hash, Long inboxId) {
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.update("INSERT INTO verification_result (scan_reference, kind, source, status, decision,"
                        + " merchant_reference, customer_id, event_time, payload_hash, result_json, data_key_id, inbox_id,"
                        + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                result.scanReference(), result.kind().name(), result.source().name(), result.status(),
                result.decision().name(), result.merchantReference(), result.customerId(),
                Timestamp.from(result.eventTime()), hash, json.value(), json.keyId(), inboxId, now, now);
    }

    /** The stored, enriched result as JSON with its delivery counters, or null when unknown. */
    public String findJson(@Header("scanReference") String scanReference) {
        return toApiJson(jdbc.queryForList("SELECT result_json, data_key_id, deliveries, duplicates, stale_deliveries,"
                + " created_at, updated_at FROM verification_result WHERE scan_reference = ?", scanReference));
    }

    /** Like {@link #findJson}, for results of one kind only (a {@link CallbackKind} name): null when unknown or of another kind. */
    public String findJsonOfKind(@Header("scanReference") String scanReference, @Header(ExchangeNames.RESULT_KIND) String kind) {
        return toApiJson(jdbc.queryForList("SELECT result_json, data_key_id, deliveries, duplicates, stale_deliveries,"
                + " created_at, updated_at FROM verification_result WHERE scan_reference = ? AND kind = ?",
                scanReference, kind));
    }

    private String toApiJson(List<Map<String, Object>> rows) {
        if (rows.isEmpty()) {
            return null;
        }
        Map<String, Object> row = rows.get(0);
        try {
            // decrypted only here, to answer an authenticated API call
            String stored = protection.openText(ProtectedColumn.RESULT_DETAILS, (String) row.get("data_key_id"),
                    (String) row.get("result_json"));
            var node = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(stored);
            var delivery = node.putObject("delivery");
            delivery.put("deliveries", ((Number) row.get("deliveries")).intValue());
            delivery.put("duplicates", ((Number) row.get("duplicates")).intValue());
            delivery.put("staleDeliveries", ((Number) row.get("stale_deliveries")).intValue());
            delivery.put("firstStoredAt", instant(row.get("created_at")));
            delivery.put("lastUpdatedAt", instant(row.get("updated_at")));
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored result for a scan reference is not valid JSON", e);
        }
    }

    private static String instant(Object value) {
        java.time.Instant instant = SqlValues.instant(value);
        return instant == null ? null : instant.toString();
    }

    /**
     * The result with its payload replaced by the payload's JSON, written as it is: serialising that gives the same
     * text as serialising the result itself (same mapper), without walking the payload a second time. A result
     * without payload stays as it is (the mapper leaves null fields out).
     */
    public static VerificationResult withSerialisedDetails(VerificationResult result, String detailsJson) {
        return result.details() == null ? result : result.withDetails(new RawValue(detailsJson));
    }

    private String toJson(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialize result", e);
        }
    }
}
