package com.jumiogateway.reconciliation;

import com.jumiogateway.reconciliation.JumioApiProperties.DataCenter;
import com.jumiogateway.result.CallbackKind;
import java.time.Instant;

/**
 * One claimed pending transaction, as the poller sees it while it asks Jumio about it.
 *
 * @param attempts attempts made before this one
 * @param probe    claimed as the single probe request while Jumio refuses our credentials
 */
public record PendingTransaction(
        String scanReference,
        CallbackKind kind,
        DataCenter dataCenter,
        String customerInternalReference,
        String userReference,
        Instant initiatedAt,
        int tokenLifetimeMinutes,
        Instant overdueAt,
        int attempts,
        int consecutiveErrors,
        Instant nextPollAt,
        boolean probe) {

    /** Path of the status endpoint: scans for Netverify, documents for Document Verification. */
    public String statusPath() {
        return (kind == CallbackKind.DOCUMENT_VERIFICATION ? "/api/netverify/v2/documents/" : "/api/netverify/v2/scans/")
                + scanReference;
    }

    /** Path of the data endpoint (asked only once the status is final). */
    public String dataPath() {
        return statusPath() + "/data";
    }

    PendingTransaction asProbe() {
        return new PendingTransaction(scanReference, kind, dataCenter, customerInternalReference, userReference,
                initiatedAt, tokenLifetimeMinutes, overdueAt, attempts, consecutiveErrors, nextPollAt, true);
    }
}
