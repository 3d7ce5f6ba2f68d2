package com.jumiogateway.reconciliation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jumiogateway.enrich.CountryNames;
import com.jumiogateway.result.CallbackKind;
import com.jumiogateway.result.Decision;
import com.jumiogateway.result.InvalidCallbackException;
import com.jumiogateway.result.ResultSource;
import com.jumiogateway.result.VerificationResult;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/**
 * Maps the Document Verification Retrieval API's data answer onto a {@link VerificationResult} of kind
 * DOCUMENT_VERIFICATION: document.status EXTRACTED → EXTRACTED, UPLOADED → UPLOADED_ONLY, DISCARDED → DISCARDED;
 * transaction.status FAILED → FAILED. Full card, account and social security numbers are never kept: last four only.
 */
@Component("documentVerificationRetrievalMapper")
public class DocumentVerificationRetrievalMapper {

    /** extractedData fields that hold a full number: only their last four characters are kept. */
    static final Set<String> MASKED_FIELDS = Set.of("ssn", "pan", "accountnumber", "cardnumber", "iban",
            "socialsecuritynumber");

    private final ObjectMapper mapper;
    private final CountryNames countryNames;
    private final Clock clock;

    public DocumentVerificationRetrievalMapper(ObjectMapper mapper, CountryNames countryNames, Clock clock) {
        this.mapper = mapper;
        this.countryNames = countryNames;
        this.clock = clock;
    }

    /** Route step: the data payload in the body, the claimed row in the exchange property. */
    public VerificationResult map(@Body String payload,
                                  @ExchangeProperty(PendingTransactions.ROW_PROPERTY) PendingTransaction row) {
        return toResult(parse(payload, row.scanReference()));
    }

    public DocumentVerificationRetrieval parse(String payload, String expectedScanReference) {
        JsonNode root = RetrievalResponses.readObject(mapper, payload, "Document Verification retrieval data");
        String scanReference = NetverifyRetrievalMapper.text(root, "scanReference");
        if (scanReference != null && !scanReference.equals(expectedScanReference)) {
            throw new InvalidCallbackException("Document Verification retrieval data is for another scan reference");
        }
        JsonNode document = root.path("document");
        JsonNode transaction = root.path("transaction");
        Map<String, String> extracted = new LinkedHashMap<>();
        JsonNode data = document.path("extractedData");
        if (data.isObject()) {
            data.properties().forEach(e -> {
                JsonNode value = e.getValue();
                if (value.isNull()) {
                    return;
                }
                String text = value.isValueNode() ? value.asText() : value.toString();
                if (MASKED_FIELDS.contains(e.getKey().toLowerCase(Locale.ROOT))) {
                    extracted.put(e.getKey() + "LastFour", lastFour(text));
                } else {
                    extracted.put(e.getKey(), text);
                }
            });
        }
        Map<String, String> additional = new LinkedHashMap<>();
        root.properties().forEach(e -> {
            if (!Set.of("timestamp", "scanReference", "document", "transaction").contains(e.getKey())) {
                additional.put(e.getKey(), e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString());
            }
        });
        return new DocumentVerificationRetrieval(
                expectedScanReference,
                RetrievalResponses.timestamp(NetverifyRetrievalMapper.text(root, "timestamp"), "timestamp"),
                new DocumentVerificationRetrieval.Document(
                        NetverifyRetrievalMapper.text(document, "status"),
                        NetverifyRetrievalMapper.text(document, "type"),
                        NetverifyRetrievalMapper.text(document, "country"),
                        NetverifyRetrievalMapper.text(document, "customDocumentCode"),
                        Collections.unmodifiableMap(extracted)),
                new DocumentVerificationRetrieval.Transaction(
                        NetverifyRetrievalMapper.text(transaction, "status"),
                        NetverifyRetrievalMapper.text(transaction, "source"),
                        RetrievalResponses.timestamp(NetverifyRetrievalMapper.text(transaction, "date"), "transaction.date"),
                        NetverifyRetrievalMapper.asSent(transaction, "merchantScanReference"),
                        NetverifyRetrievalMapper.asSent(transaction, "merchantReportingCriteria"),
                        NetverifyRetrievalMapper.asSent(transaction, "customerId")),
                Collections.unmodifiableMap(additional));
    }

    public VerificationResult toResult(DocumentVerificationRetrieval retrieval) {
        String documentStatus = retrieval.document().status();
        boolean failed = "FAILED".equalsIgnoreCase(retrieval.transaction().status());
        String status = failed ? "FAILED" : documentStatus;
        Instant eventTime = retrieval.timestamp() != null ? retrieval.timestamp() : clock.instant();
        return new VerificationResult(
                retrieval.scanReference(),
                CallbackKind.DOCUMENT_VERIFICATION,
                ResultSource.RETRIEVAL,
                status,
                failed ? Decision.FAILED : decision(documentStatus),
                retrieval.transaction().merchantScanReference(),
                retrieval.transaction().customerId(),
                retrieval.document().type(),
                retrieval.document().country(),
                countryNames.englishName(retrieval.document().country()),
                null,
                retrieval.transaction().date(),
                eventTime,
                null,
                retrieval);
    }

    static Decision decision(String documentStatus) {
        if (documentStatus == null) {
            return Decision.UNKNOWN;
        }
        return switch (documentStatus.toUpperCase(Locale.ROOT)) {
            case "EXTRACTED" -> Decision.EXTRACTED;
            case "UPLOADED" -> Decision.UPLOADED_ONLY;
            case "DISCARDED" -> Decision.DISCARDED;
            default -> Decision.UNKNOWN;
        };
    }

    static String lastFour(String value) {
        String compact = value.replaceAll("[\\s-]", "");
        return compact.length() <= 4 ? compact : compact.substring(compact.length() - 4);
    }
}
