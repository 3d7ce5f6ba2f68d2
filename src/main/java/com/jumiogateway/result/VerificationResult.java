package com.jumiogateway.result;

import java.time.Instant;

/**
 * One enriched result, whatever product or path (callback or retrieval) it came from. This is what the fan-out
 * route receives, what is stored as the current result per scan reference, and what the API returns.
 *
 * @param eventTime    when Jumio produced this result (callbackDate, timestamp); orders deliveries
 * @param details      the product's full typed payload (for Netverify a {@code NetverifyCallback})
 */
public record VerificationResult(
        String scanReference,
        CallbackKind kind,
        ResultSource source,
        String status,
        Decision decision,
        String merchantReference,
        String customerId,
        String documentType,
        String country,
        String countryName,
        RejectReason rejectReason,
        Instant transactionDate,
        Instant eventTime,
        Long secondsToResult,
        Object details) {
}
