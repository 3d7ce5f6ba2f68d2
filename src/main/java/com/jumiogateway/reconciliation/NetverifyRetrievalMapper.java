package com.jumiogateway.reconciliation;

import com.jumiogateway.routing.ExchangeNames;
import static com.jumiogateway.form.JumioValues.bool;
import com.jumiogateway.form.JumioValues;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jumiogateway.netverify.NetverifyCallback;
import com.jumiogateway.netverify.NetverifyCallback.AddressFormat;
import com.jumiogateway.netverify.NetverifyCallback.IdAddress;
import com.jumiogateway.netverify.NetverifyCallback.IdentityVerification;
import com.jumiogateway.netverify.NetverifyCallback.RejectReason;
import com.jumiogateway.netverify.NetverifyCallback.RejectReasonDetail;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/**
 * Maps the Netverify Retrieval API's {@code GET /api/netverify/v2/scans/{ref}/data} answer
 * ({@code {timestamp, scanReference, document{}, transaction{}, verification{}}}) onto the same
 * {@link NetverifyCallback} a callback becomes, so that {@code NetverifyEnricher} turns both into results that mean
 * the same. Field names differ: issuingCountry → idCountry, number → idNumber, dob → idDob, expiry → idExpiry,
 * document.status → verificationStatus, transaction.merchantScanReference → merchantIdScanReference, ... Fields with
 * no callback counterpart are kept in additionalParameters as "part.field". "N/A" and blank document data are null,
 * as in the callback parser; the merchant's own values are kept as sent. Messages never quote values.
 */
@Component("netverifyRetrievalMapper")
public class NetverifyRetrievalMapper {

    private static final Set<String> DOCUMENT_FIELDS = Set.of("status", "type", "idSubtype", "issuingCountry",
            "firstName", "lastName", "dob", "expiry", "issuingDate", "number", "usState", "personalNumber",
            "optionalData1", "optionalData2", "address", "gender", "nationality", "issuingAuthority", "issuingPlace");
    private static final Set<String> TRANSACTION_FIELDS = Set.of("status", "source", "date", "clientIp", "customerId",
            "merchantScanReference", "merchantReportingCriteria");
    private static final Set<String> VERIFICATION_FIELDS = Set.of("mrzCheck", "rejectReason", "identityVerification");
    private static final Set<String> ADDRESS_FIELDS = Set.of("city", "stateCode", "streetName", "streetSuffix",
            "streetDirection", "streetNumber", "unitDesignator", "unitNumber", "zip", "zipExtension", "country",
            "province", "unitDetails", "postalCode", "line1", "line2", "line3", "line4", "line5");

    private final ObjectMapper mapper;

    public NetverifyRetrievalMapper(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Route step: the data payload in the body, the claimed row in the exchange property. */
    public NetverifyCallback map(@Body String payload,
                                 @ExchangeProperty(ExchangeNames.PENDING_TRANSACTION) PendingTransaction row) {
        return map(payload, row.scanReference());
    }

    public NetverifyCallback map(String payload, String expectedScanReference) {
        JsonNode root = JumioValues.readAnswer(mapper, payload, "Netverify retrieval data", expectedScanReference);
        JsonNode document = root.path("document");
        JsonNode transaction = root.path("transaction");
        JsonNode verification = root.path("verification");
        String verificationStatus = text(document, "status");
        Map<String, String> additional = new LinkedHashMap<>();
        collectUnknown(additional, "document", document, DOCUMENT_FIELDS);
        collectUnknown(additional, "transaction", transaction, TRANSACTION_FIELDS);
        collectUnknown(additional, "verification", verification, VERIFICATION_FIELDS);
        String transactionStatus = text(transaction, "status");
        if (transactionStatus != null) {
            additional.put("transaction.status", transactionStatus);
        }
        String mrzCheck = asSent(verification, "mrzCheck");
        return NetverifyCallback.builder()
                .jumioIdScanReference(expectedScanReference)
                .verificationStatus(verificationStatus)
                .idScanStatus(verificationStatus == null ? null
                        : "APPROVED_VERIFIED".equals(verificationStatus) ? "SUCCESS" : "ERROR")
                .idScanSource(text(transaction, "source"))
                .idCheckMRZcode(mrzCheck == null ? null : "NOT_AVAILABLE".equals(mrzCheck) ? "N/A" : mrzCheck)
                .transactionDate(JumioValues.timestamp(text(transaction, "date"),
                        "Retrieval field 'transaction.date' is not a timestamp"))
                .identityVerification(identityVerification(verification.path("identityVerification")))
                .idType(text(document, "type"))
                .idSubtype(text(document, "idSubtype"))
                .idCountry(text(document, "issuingCountry"))
                .rejectReason(rejectReason(verification.path("rejectReason")))
                .idNumber(text(document, "number"))
                .idFirstName(text(document, "firstName"))
                .idLastName(text(document, "lastName"))
                .idDob(text(document, "dob"))
                .idExpiry(text(document, "expiry"))
                .idUsState(text(document, "usState"))
                .personalNumber(text(document, "personalNumber"))
                .idAddress(address(document.path("address")))
                .merchantIdScanReference(asSent(transaction, "merchantScanReference"))
                .merchantReportingCriteria(asSent(transaction, "merchantReportingCriteria"))
                .customerId(asSent(transaction, "customerId"))
                .clientIp(text(transaction, "clientIp"))
                .optionalData1(text(document, "optionalData1"))
                .optionalData2(text(document, "optionalData2"))
                .gender(text(document, "gender"))
                .nationality(text(document, "nationality"))
                .issuingAuthority(text(document, "issuingAuthority"))
                .issuingDate(text(document, "issuingDate"))
                .issuingPlace(text(document, "issuingPlace"))
                .additionalParameters(Collections.unmodifiableMap(additional))
                .build();
    }

    /** The payload's timestamp: the result's event time. */
    public Instant timestamp(@Body String payload) {
        return JumioValues.timestamp(text(JumioValues.readObject(mapper, payload, "Netverify retrieval data"), "timestamp"),
                "Retrieval field 'timestamp' is not a timestamp");
    }

    private static IdentityVerification identityVerification(JsonNode node) {
        if (!node.isObject()) {
            return null;
        }
        Map<String, String> additional = new LinkedHashMap<>();
        node.properties().forEach(e -> {
            if (!Set.of("similarity", "validity", "reason", "handwrittenNoteMatches").contains(e.getKey())) {
                additional.put(e.getKey(), e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString());
            }
        });
        return new IdentityVerification(text(node, "similarity"), bool(node, "validity"), text(node, "reason"),
                bool(node, "handwrittenNoteMatches"), Collections.unmodifiableMap(additional));
    }

    private static RejectReason rejectReason(JsonNode node) {
        if (!node.isObject()) {
            return null;
        }
        Map<String, String> additional = new LinkedHashMap<>();
        node.properties().forEach(e -> {
            if (!Set.of("rejectReasonCode", "rejectReasonDescription", "rejectReasonDetails").contains(e.getKey())) {
                additional.put(e.getKey(), e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString());
            }
        });
        List<RejectReasonDetail> details = new ArrayList<>();
        JsonNode sent = node.path("rejectReasonDetails");
        // one detail may come as an object, several as an array (as in callbacks)
        for (JsonNode detail : sent.isObject() ? List.of(sent) : sent) {
            if (detail.isObject()) {
                details.add(new RejectReasonDetail(text(detail, "detailsCode"), text(detail, "detailsDescription")));
            }
        }
        return new RejectReason(text(node, "rejectReasonCode"), text(node, "rejectReasonDescription"),
                List.copyOf(details), Collections.unmodifiableMap(additional));
    }

    private static IdAddress address(JsonNode node) {
        if (!node.isObject()) {
            return null;
        }
        Map<String, String> additional = new LinkedHashMap<>();
        node.properties().forEach(e -> {
            if (!ADDRESS_FIELDS.contains(e.getKey())) {
                additional.put(e.getKey(), e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString());
            }
        });
        AddressFormat format = null;
        if (any(node, "line1", "line2", "line3", "line4", "line5")) {
            format = AddressFormat.RAW;
        } else if (any(node, "stateCode", "streetSuffix", "streetDirection", "unitDesignator", "unitNumber", "zip",
                "zipExtension")) {
            format = AddressFormat.US;
        } else if (any(node, "province", "unitDetails", "postalCode")) {
            format = AddressFormat.EU;
        }
        return new IdAddress(format, text(node, "city"), text(node, "stateCode"), text(node, "streetName"),
                text(node, "streetSuffix"), text(node, "streetDirection"), text(node, "streetNumber"),
                text(node, "unitDesignator"), text(node, "unitNumber"), text(node, "zip"), text(node, "zipExtension"),
                text(node, "country"), text(node, "province"), text(node, "unitDetails"), text(node, "postalCode"),
                text(node, "line1"), text(node, "line2"), text(node, "line3"), text(node, "line4"), text(node, "line5"),
                Collections.unmodifiableMap(additional));
    }

    private static boolean any(JsonNode node, String... fields) {
        for (String field : fields) {
            if (text(node, field) != null) {
                return true;
            }
        }
        return false;
    }

    private static void collectUnknown(Map<String, String> into, String part, JsonNode node, Set<String> known) {
        if (!node.isObject()) {
            return;
        }
        node.properties().forEach(e -> {
            if (!known.contains(e.getKey()) && !e.getValue().isNull()) {
                into.put(part + "." + e.getKey(), e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString());
            }
        });
    }

    /** Text; blank and "N/A" are null. */
    static String text(JsonNode object, String field) {
        String value = asSent(object, field);
        if (value == null) {
            return null;
        }
        String stripped = value.strip();
        return stripped.isEmpty() || stripped.equalsIgnoreCase("N/A") ? null : stripped;
    }

    /** Text exactly as sent (the merchant's own values); null when absent. */
    static String asSent(JsonNode object, String field) {
        JsonNode node = object == null ? null : object.get(field);
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }

    static String json(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
