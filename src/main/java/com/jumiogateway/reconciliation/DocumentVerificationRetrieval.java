package com.jumiogateway.reconciliation;

import java.time.Instant;
import java.util.Map;

/**
 * A Document Verification result as the Retrieval API gives it
 * ({@code GET /api/netverify/v2/documents/{ref}/data}). Sensitive numbers in extractedData (ssn, pan, accountNumber,
 * ...) are kept as their last four characters only, under "<name>LastFour".
 */
public record DocumentVerificationRetrieval(
        String scanReference,
        Instant timestamp,
        Document document,
        Transaction transaction,
        Map<String, String> additionalFields) {

    /** @param status UPLOADED, EXTRACTED or DISCARDED */
    public record Document(String status, String type, String country, String customDocumentCode,
                           Map<String, String> extractedData) {
    }

    /** @param status DONE or FAILED; @param source DOC_API or DOC_UPLOAD */
    public record Transaction(String status, String source, Instant date, String merchantScanReference,
                              String merchantReportingCriteria, String customerId) {
    }
}
