package com.jumiogateway.reconciliation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jumiogateway.form.JumioValues;
import com.jumiogateway.result.Decision;
import com.jumiogateway.result.InvalidCallbackException;
import com.jumiogateway.result.ResultSource;
import com.jumiogateway.result.VerificationResult;
import com.jumiogateway.routing.ExchangeNames;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/** Reads the Retrieval API's status answers and builds the result recorded for a FAILED transaction. */
@Component("retrievalResponses")
public class RetrievalResponses {


    private final ObjectMapper mapper;
    private final Clock clock;

    public RetrievalResponses(ObjectMapper mapper, Clock clock) {
        this.mapper = mapper;
        this.clock = clock;
    }

    /** The status of {@code {timestamp, scanReference, status}}: PENDING, DONE, FAILED (anything else as sent). */
    public String status(@Body String payload, @ExchangeProperty(ExchangeNames.PENDING_TRANSACTION) PendingTransaction row) {
        JsonNode root = JumioValues.readAnswer(mapper, payload, "Retrieval status", row.scanReference());
        String status = NetverifyRetrievalMapper.text(root, "status");
        if (status == null) {
            throw new InvalidCallbackException("Retrieval status answer has no status");
        }
        return status.toUpperCase(Locale.ROOT);
    }

    // --- the transaction's status: interpreted here only (PENDING, or one Jumio adds later, is not final) ---------

    /** Route predicate: the status is DONE, the data can be fetched (once). */
    public boolean done(@ExchangeProperty(ExchangeNames.JUMIO_STATUS) String status) {
        return "DONE".equals(status);
    }

    /** Route predicate: the status is FAILED, there is no data: recorded as a FAILED result. */
    public boolean failed(@ExchangeProperty(ExchangeNames.JUMIO_STATUS) String status) {
        return isFailed(status);
    }

    /** The same rule for Java: a FAILED transaction is recorded as failed, not as resolved. */
    static boolean isFailed(String status) {
        return "FAILED".equals(status);
    }

    /** When Jumio produced the answer (its timestamp), or now when it sent none. */
    public Instant eventTime(@Body String payload) {
        Instant timestamp = timestamp(NetverifyRetrievalMapper.text(JumioValues.readObject(mapper, payload, "Retrieval answer"),
                "timestamp"), "timestamp");
        return timestamp != null ? timestamp : clock.instant();
    }

    /**
     * The result for a transaction Jumio reports FAILED (status endpoint; there is no data to fetch). It goes through
     * the fan-out like any result, so the API shows it and the pending row is recorded FAILED.
     */
    public VerificationResult failedResult(@Body String statusPayload,
                                           @ExchangeProperty(ExchangeNames.PENDING_TRANSACTION) PendingTransaction row) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("retrievalStatus", "FAILED");
        details.put("dataCenter", row.dataCenter().name());
        details.put("customerInternalReference", row.customerInternalReference());
        details.put("userReference", row.userReference());
        return new VerificationResult(row.scanReference(), row.kind(), ResultSource.RETRIEVAL, "FAILED", Decision.FAILED,
                row.customerInternalReference(), row.userReference(), null, null, null, null, null,
                eventTime(statusPayload), null, details);
    }

    static Instant timestamp(String value, String name) {
        return JumioValues.timestamp(value, "Retrieval field '" + name + "' is not a timestamp");
    }
}
