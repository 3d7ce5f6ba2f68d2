package com.jumiogateway.result;

/** What a result means for the business, derived from Jumio's status. */
public enum Decision {
    /** Netverify APPROVED_VERIFIED. */
    APPROVED,
    /** Netverify DENIED_FRAUD. */
    FRAUD,
    /** Netverify ERROR_NOT_READABLE_ID: ask the user to try again. */
    RETRY_WITH_USER,
    /** Netverify DENIED_UNSUPPORTED_ID_TYPE / DENIED_UNSUPPORTED_ID_COUNTRY. */
    UNSUPPORTED_DOCUMENT,
    /** Netverify NO_ID_UPLOADED. */
    NOTHING_UPLOADED,
    /** Document Verification: data extracted. */
    EXTRACTED,
    /** Document Verification: stored without extraction. */
    UPLOADED_ONLY,
    /** Document Verification: no supported document. */
    DISCARDED,
    /** The transaction failed at Jumio (Document Verification FAILED, retrieval FAILED). */
    FAILED,
    /** Jumio Platform: REJECTED for a reason that is neither fraud, image quality nor an unsupported document (e.g. watchlist). */
    REJECTED,
    /** Jumio Platform: WARNING, a person should look at it. */
    REVIEW,
    /** A status we do not know yet; kept as-is. */
    UNKNOWN
}
