package com.jumiogateway.erasure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jumiogateway.api.BadRequestException;
import com.jumiogateway.audit.ApiCaller;
import com.jumiogateway.audit.AuditLog;
import com.jumiogateway.personaldata.PersonalDataRedaction;
import com.jumiogateway.personaldata.PersonalDataRedaction.Reason;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.StringUtils;

/**
 * Erasure on request: {@code DELETE /api/verifications/{scanReference}} and {@code DELETE
 * /api/verifications?customerId=...} (Netverify's customerId, the Platform's userReference). One transaction removes
 * every personal field the gateway holds for the scan references concerned: the stored result (only decision, status,
 * reject reason, document type, country and timings stay), the raw callbacks (PROCESSED ones by scan reference,
 * FAILED ones whose body names it), alert content, delivery payloads (a delivery still waiting is not sent: FAILED),
 * the pending registry row, and the Platform end-user references.
 * It leaves a tombstone per reference (reference, kind, status, decision, erased-at, erased-by), which makes every
 * later callback or retrieval result for it be stored without personal fields. After the commit the same removal
 * runs once more, for a result that was being stored at that very moment. Each erasure is audited. With
 * {@code deleteAtJumio=true} Jumio is asked to delete the transaction too (outcome on the tombstone and in the audit).
 */
@Component("erasure")
public class Erasure {

    /** How an erasure was asked for (tombstone column requested_by). */
    static final String BY_REFERENCE = "SCAN_REFERENCE";
    static final String BY_CUSTOMER = "CUSTOMER_ID";

    private static final Logger log = LoggerFactory.getLogger(Erasure.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final PersonalDataRedaction redaction;
    private final AuditLog audit;
    private final JumioDeletion jumio;
    private final ObjectMapper mapper;
    private final MeterRegistry meters;
    private final Clock clock;

    public Erasure(JdbcTemplate jdbc, TransactionTemplate transactions, PersonalDataRedaction redaction, AuditLog audit,
                   JumioDeletion jumio, ObjectMapper mapper, MeterRegistry meters, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.redaction = redaction;
        this.audit = audit;
        this.jumio = jumio;
        this.mapper = mapper;
        this.meters = meters;
        this.clock = clock;
    }

    /** What is known of a reference before it is erased: for the tombstone and for Jumio's Delete API. */
    private record Target(String scanReference, String kind, String status, String decision, String dataCenter,
                          String accountId) {
    }

    /** DELETE /api/verifications/{scanReference}. */
    public String eraseScan(@Header("scanReference") String scanReference, @Header("deleteAtJumio") String deleteAtJumio,
                            Exchange exchange) throws JsonProcessingException {
        if (!StringUtils.hasText(scanReference) || scanReference.length() > 100) {
            throw new BadRequestException("Give the scan reference to erase");
        }
        return erase(List.of(scanReference.strip()), null, BY_REFERENCE, flag(deleteAtJumio), ApiCaller.of(exchange));
    }

    /** DELETE /api/verifications?customerId=...: every scan of that customer (Netverify customerId, Platform userReference). */
    public String eraseCustomer(@Header("customerId") String customerId, @Header("deleteAtJumio") String deleteAtJumio,
                                Exchange exchange) throws JsonProcessingException {
        if (!StringUtils.hasText(customerId) || customerId.length() > 255) {
            throw new BadRequestException("Give the customerId whose data to erase");
        }
        String customer = customerId.strip();
        Set<String> references = new LinkedHashSet<>();
        references.addAll(jdbc.queryForList("SELECT scan_reference FROM verification_result WHERE customer_id = ?",
                String.class, customer));
        references.addAll(jdbc.queryForList("SELECT scan_reference FROM pending_transaction WHERE user_reference = ?",
                String.class, customer));
        references.addAll(jdbc.queryForList("SELECT workflow_execution_id FROM platform_execution WHERE user_reference = ?",
                String.class, customer));
        return erase(new ArrayList<>(references), customer, BY_CUSTOMER, flag(deleteAtJumio), ApiCaller.of(exchange));
    }

    private static boolean flag(String value) {
        if (value == null || value.isBlank() || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        throw new BadRequestException("deleteAtJumio must be true or false");
    }

    private String erase(List<String> references, String customerId, String requestedBy, boolean deleteAtJumio,
                         ApiCaller caller) throws JsonProcessingException {
        Instant now = clock.instant();
        List<Target> targets = references.stream().map(this::target).toList();
        Set<String> mentions = new LinkedHashSet<>(references);
        if (customerId != null) {
            mentions.add(customerId);
        }
        // the accounts of a Platform end user, before the references to them are removed
        List<String> accounts = customerId == null ? List.of() : jdbc.queryForList(
                "SELECT account_id FROM platform_account WHERE user_reference = ?", String.class, customerId);
        transactions.executeWithoutResult(tx -> {
            for (Target target : targets) {
                tombstone(target, now, caller.name(), requestedBy);
                removePersonalData(target.scanReference(), now);
                jdbc.update("DELETE FROM pending_transaction WHERE scan_reference = ?", target.scanReference());
                jdbc.update("UPDATE platform_execution SET user_reference = NULL WHERE workflow_execution_id = ?",
                        target.scanReference());
            }
            redaction.purgeRawBodies(redaction.failedBodiesMentioning(mentions), now);
            if (customerId != null) {
                jdbc.update("DELETE FROM platform_account WHERE user_reference = ?", customerId);
                jdbc.update("UPDATE platform_execution SET user_reference = NULL WHERE user_reference = ?", customerId);
            }
            // recorded with the erasure itself: no erasure without its audit event
            targets.forEach(t -> audit.record(AuditLog.ERASE, t.scanReference(), caller,
                    "by " + requestedBy.toLowerCase(Locale.ROOT)));
        });
        // a result committed while this erasure ran (its store saw no tombstone yet) is redacted now
        transactions.executeWithoutResult(tx -> targets.forEach(t -> removePersonalData(t.scanReference(), now)));
        meters.counter("gateway.erasure.requests", "by", requestedBy).increment();
        log.info("Erased personal data of {} scan reference(s) on request ({})", targets.size(), requestedBy);

        Map<String, String> jumioOutcomes = deleteAtJumio ? deleteAtJumio(targets, accounts, customerId) : Map.of();
        ArrayNode erased = mapper.createArrayNode();
        for (Target target : targets) {
            String outcome = jumioOutcomes.get(target.scanReference());
            if (outcome != null) {
                jdbc.update("UPDATE erasure_tombstone SET jumio_deletion = ? WHERE scan_reference = ?", outcome,
                        target.scanReference());
            }
            if (outcome != null) {
                audit.record(AuditLog.JUMIO_DELETE, target.scanReference(), caller, outcome);
            }
            erased.add(view(target.scanReference()));
        }
        ObjectNode answer = mapper.createObjectNode();
        answer.put("erased", targets.size());
        answer.set("tombstones", erased);
        return mapper.writeValueAsString(answer);
    }

    private void removePersonalData(String scanReference, Instant now) {
        redaction.redactStoredResult(scanReference, Reason.ERASED, now);
        redaction.purgeRawBodiesOfScan(scanReference, now);
        redaction.purgeAlertContentOfScan(scanReference, now);
        redaction.purgeDeliveryPayloadsOfScan(scanReference, now);
    }

    private Target target(String scanReference) {
        List<Map<String, Object>> result = jdbc.queryForList("SELECT kind, status, decision FROM verification_result"
                + " WHERE scan_reference = ?", scanReference);
        List<Map<String, Object>> pending = jdbc.queryForList("SELECT kind, data_center FROM pending_transaction"
                + " WHERE scan_reference = ?", scanReference);
        List<String> account = jdbc.queryForList("SELECT account_id FROM platform_execution WHERE workflow_execution_id = ?",
                String.class, scanReference);
        String kind = !result.isEmpty() ? (String) result.get(0).get("kind")
                : !pending.isEmpty() ? (String) pending.get(0).get("kind") : null;
        return new Target(scanReference, kind,
                result.isEmpty() ? null : (String) result.get(0).get("status"),
                result.isEmpty() ? null : (String) result.get(0).get("decision"),
                pending.isEmpty() ? null : (String) pending.get(0).get("data_center"),
                account.isEmpty() ? null : account.get(0));
    }

    /** The first erasure of a reference writes its tombstone; a repeated one leaves it as it is. */
    private void tombstone(Target target, Instant now, String caller, String requestedBy) {
        if (!jdbc.queryForList("SELECT scan_reference FROM erasure_tombstone WHERE scan_reference = ?", String.class,
                target.scanReference()).isEmpty()) {
            return;
        }
        try {
            jdbc.update("INSERT INTO erasure_tombstone (scan_reference, kind, status, decision, erased_at, erased_by,"
                            + " requested_by) VALUES (?, ?, ?, ?, ?, ?, ?)", target.scanReference(), target.kind(),
                    target.status(), target.decision(), Timestamp.from(now), caller, requestedBy);
        } catch (DuplicateKeyException concurrent) {
            log.debug("Tombstone written by a concurrent erasure");
        }
    }

    private Map<String, String> deleteAtJumio(List<Target> targets, List<String> accounts, String customerId) {
        Map<String, String> outcomes = new LinkedHashMap<>();
        Map<String, String> accountOutcomes = new LinkedHashMap<>();
        if (customerId != null) {
            // a Platform end user: the account and all its workflows
            for (String account : accounts) {
                accountOutcomes.put(account, jumio.deletePlatform(account, null).name());
            }
        }
        for (Target target : targets) {
            JumioDeletion.Outcome outcome;
            if ("PLATFORM".equals(target.kind())) {
                String done = target.accountId() == null ? null : accountOutcomes.get(target.accountId());
                outcomes.put(target.scanReference(), done != null ? done
                        : jumio.deletePlatform(target.accountId(), customerId == null ? target.scanReference() : null).name());
                continue;
            }
            outcome = target.kind() == null ? JumioDeletion.Outcome.UNKNOWN_TARGET
                    : jumio.deleteScan(target.kind(), target.scanReference(), target.dataCenter());
            outcomes.put(target.scanReference(), outcome.name());
        }
        return outcomes;
    }

    private ObjectNode view(String scanReference) {
        Map<String, Object> row = jdbc.queryForMap("SELECT scan_reference, kind, status, decision, erased_at, erased_by,"
                + " requested_by, jumio_deletion FROM erasure_tombstone WHERE scan_reference = ?", scanReference);
        ObjectNode view = mapper.createObjectNode();
        view.put("scanReference", (String) row.get("scan_reference"));
        view.put("kind", (String) row.get("kind"));
        view.put("status", (String) row.get("status"));
        view.put("decision", (String) row.get("decision"));
        Object at = row.get("erased_at");
        view.put("erasedAt", at instanceof Timestamp ts ? ts.toInstant().toString()
                : at instanceof java.time.OffsetDateTime odt ? odt.toInstant().toString() : String.valueOf(at));
        view.put("erasedBy", (String) row.get("erased_by"));
        view.put("requestedBy", (String) row.get("requested_by"));
        if (row.get("jumio_deletion") != null) {
            view.put("jumioDeletion", (String) row.get("jumio_deletion"));
        }
        return view;
    }
}
