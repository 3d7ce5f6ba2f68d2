package com.jumiogateway.documentverification;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A Document Verification callback: the form parameters {@code scanReference}, {@code timestamp} and the JSON
 * objects {@code transaction} and {@code document}, one component per field of Jumio's tables. A component is null
 * when the field was absent or, for data read from the document, "N/A" or blank. The merchant's own values
 * (merchantScanReference, customerId, merchantReportingCriteria) are echoed exactly as sent.
 *
 * <p>Protected numbers (pan, accountNumber, ssn) are never held in full: the parser reduces them to "****" and the
 * last four digits (see {@link SensitiveNumberMasker}), wherever they appear, known fields and unknown ones alike.
 *
 * @param timestamp            when Jumio produced the callback; null when absent
 * @param transaction          null when the parameter was absent
 * @param document             null when absent (Jumio sends it only when the transaction is DONE)
 * @param additionalParameters every posted parameter that is not in Jumio's table, as decoded; never null
 */
public record DocumentVerificationCallback(
        String scanReference,
        Instant timestamp,
        Transaction transaction,
        Document document,
        Map<String, String> additionalParameters) {

    /**
     * The {@code transaction} JSON object.
     *
     * @param status           DONE or FAILED, as sent
     * @param source           DOC_UPLOAD, DOC_API or DOC_SDK, as sent
     * @param additionalFields fields beyond Jumio's table: text as sent, anything else as JSON text; never null
     */
    public record Transaction(
            Instant date,
            String status,
            String source,
            String merchantScanReference,
            String customerId,
            String merchantReportingCriteria,
            String clientIp,
            Map<String, String> additionalFields) {
    }

    /**
     * The {@code document} JSON object.
     *
     * @param status           UPLOADED, EXTRACTED or DISCARDED, as sent
     * @param type             Jumio's document type code (CC, BS, UB, SSC, CUSTOM, ...), kept as sent, unknown
     *                         codes included
     * @param images           never null; Jumio sends an array (of URLs or image objects) or a single object
     * @param originalDocument URL of the originally submitted PDF, if any
     * @param additionalFields fields beyond Jumio's table: text as sent, anything else as JSON text; never null
     */
    public record Document(
            String status,
            String country,
            String type,
            List<Image> images,
            String originalDocument,
            String customDocumentCode,
            ExtractedData extractedData,
            Map<String, String> additionalFields) {
    }

    /**
     * One image of the scan.
     *
     * @param classifier       Jumio sends a number or a string; kept as text ("1", "FRONT"); null when none came
     * @param href             the image URL
     * @param additionalFields other fields of an image object; never null
     */
    public record Image(String classifier, String href, Map<String, String> additionalFields) {
    }

    /**
     * The {@code extractedData} JSON object: the fields common to all document types and the ones Jumio extracts for
     * BS (accountNumber, swiftCode), CC (pan, expiryDate), UB (dueDate), CCS (cardNumberLastFourDigits) and SSC
     * (firstName, lastName, ssn, signatureAvailable). Dates stay text as sent (YYYY-MM-DD).
     *
     * @param accountNumber            masked: "****" and the last four digits
     * @param pan                      masked: "****" and the last four digits
     * @param ssn                      masked: "****" and the last four digits
     * @param signatureAvailable       Jumio sends the string "true"/"false" or a JSON boolean; null otherwise (then
     *                                 kept as sent in additionalFields)
     * @param cardNumberLastFourDigits as sent (masked too if it ever held more than four digits)
     * @param additionalFields         fields beyond Jumio's table; never null
     */
    public record ExtractedData(
            String firstName,
            String lastName,
            String name,
            String accountNumber,
            String pan,
            String issueDate,
            String expiryDate,
            String dueDate,
            String ssn,
            Boolean signatureAvailable,
            String swiftCode,
            String cardNumberLastFourDigits,
            Address address,
            Map<String, String> additionalFields) {
    }

    /**
     * The {@code address} of extracted data, in Jumio's raw format.
     *
     * @param countryCode      ISO 3166-1 alpha-3 (XKX for Kosovo), as sent
     * @param additionalFields fields beyond the raw format; never null
     */
    public record Address(
            String line1,
            String line2,
            String line3,
            String line4,
            String line5,
            String countryCode,
            String postalCode,
            String city,
            String subdivision,
            Map<String, String> additionalFields) {
    }
}
