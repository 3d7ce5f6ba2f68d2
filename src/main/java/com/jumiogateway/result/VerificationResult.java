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

    /**
     * Over the identifying fields only, not the payload: consistent with the record's equals (equal results have
     * equal fields), and cheap. Camel hashes the body for every {@code ${body.x}} in a route (its bean-info cache key
     * holds the instance), and the record's own hashCode walked the whole payload each time: a twentieth of the
     * worker's CPU in the profile at 200 callbacks/s (README "Cost per callback").
     */
    /** The same result with another payload. */
    public VerificationResult withDetails(Object otherDetails) {
        return new VerificationResult(scanReference, kind, source, status, decision, merchantReference, customerId,
                documentType, country, countryName, rejectReason, transactionDate, eventTime, secondsToResult,
                otherDetails);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(scanReference, kind, source, status, eventTime);
    }
}
