package com.jumiogateway.store;

import com.jumiogateway.result.VerificationResult;

/**
 * Told of every new result version inside the transaction that stores it (an outbox writes its rows there, so a crash
 * can neither lose nor double them). Not told of duplicates or stale results.
 */
public interface ResultVersionListener {

    /** false: nothing to write, the store may skip the surrounding transaction. */
    boolean active();

    /** Called inside the storing transaction for a result that became the current version. */
    void applied(VerificationResult result);
}
