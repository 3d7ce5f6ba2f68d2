package com.jumiogateway.documentverification;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * The {@code details} of a Document Verification result: what the enricher adds, followed (in JSON, at the same
 * level) by every field of the parsed callback.
 *
 * @param documentTypeName readable name of the document type code ("Credit card"); null for an unknown code
 * @param dataExtracted    whether Jumio extracted data (document status EXTRACTED or extracted data present)
 */
public record DocumentVerificationDetails(
        String documentTypeName,
        boolean dataExtracted,
        @JsonUnwrapped DocumentVerificationCallback callback) {
}
