package com.jumiogateway.netverify;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A Netverify callback, one component per parameter of Jumio's callback table. A component is null when the
 * parameter was absent (masked fields are simply absent) or, for data read from the document, "N/A".
 * The idCheck* results keep "N/A" as sent: there it is a result ("check not performed"), not missing data; so do
 * the merchant's own values (merchantIdScanReference, merchantReportingCriteria, customerId), echoed exactly.
 * Dates printed on the document (idDob, idExpiry, issuingDate, ...) stay strings: Jumio sends partial dates.
 *
 * @param additionalParameters every posted parameter that is not in Jumio's table, as decoded; never null
 */
public record NetverifyCallback(
        String callBackType,
        String jumioIdScanReference,
        String verificationStatus,
        String idScanStatus,
        String idScanSource,
        String idCheckDataPositions,
        String idCheckDocumentValidation,
        String idCheckHologram,
        String idCheckMRZcode,
        String idCheckMicroprint,
        String idCheckSecurityFeatures,
        String idCheckSignature,
        Instant transactionDate,
        Instant callbackDate,
        IdentityVerification identityVerification,
        String idType,
        String idSubtype,
        String idCountry,
        RejectReason rejectReason,
        String idScanImage,
        String idScanImageFace,
        String idScanImageBackside,
        String idNumber,
        String idFirstName,
        String idLastName,
        String idDob,
        String idExpiry,
        String idUsState,
        String personalNumber,
        IdAddress idAddress,
        String merchantIdScanReference,
        String merchantReportingCriteria,
        String customerId,
        String clientIp,
        Instant firstAttemptDate,
        String optionalData1,
        String optionalData2,
        String dni,
        String curp,
        String gender,
        String presetCountry,
        String presetIdType,
        String dlCarPermission,
        List<DlCategory> dlCategories,
        String nationality,
        String passportNumber,
        String durationOfStay,
        String numberOfEntries,
        String visaCategory,
        String originDob,
        String issuingAuthority,
        String issuingDate,
        String issuingPlace,
        List<String> livenessImages,
        Map<String, String> additionalParameters) {

    /**
     * The {@code identityVerification} JSON object (face match and liveness).
     *
     * @param validity               Jumio sends boolean {@code true} or the strings "TRUE"/"FALSE"; null if neither
     * @param additionalFields       fields Jumio added beyond the documented ones, as JSON text; never null
     */
    public record IdentityVerification(
            String similarity,
            Boolean validity,
            String reason,
            Boolean handwrittenNoteMatches,
            Map<String, String> additionalFields) {
    }

    /**
     * The {@code rejectReason} JSON object, as Jumio sent it (codes are strings, unknown codes kept as-is).
     *
     * @param rejectReasonDetails never null; Jumio sends a single object or an array, both end up here
     * @param additionalFields    fields Jumio added beyond the documented ones, as JSON text; never null
     */
    public record RejectReason(
            String rejectReasonCode,
            String rejectReasonDescription,
            List<RejectReasonDetail> rejectReasonDetails,
            Map<String, String> additionalFields) {
    }

    public record RejectReasonDetail(String detailsCode, String detailsDescription) {
    }

    /**
     * The {@code idAddress} JSON object: one record for Jumio's three formats; fields of the other formats are null.
     *
     * @param format           inferred from the fields present; null when only fields shared by all formats came
     * @param additionalFields fields beyond the three documented formats, as JSON text; never null
     */
    public record IdAddress(
            AddressFormat format,
            String city,
            String stateCode,
            String streetName,
            String streetSuffix,
            String streetDirection,
            String streetNumber,
            String unitDesignator,
            String unitNumber,
            String zip,
            String zipExtension,
            String country,
            String province,
            String unitDetails,
            String postalCode,
            String line1,
            String line2,
            String line3,
            String line4,
            String line5,
            Map<String, String> additionalFields) {
    }

    /** Jumio's address formats (which one applies depends on the document). */
    public enum AddressFormat {
        US,
        EU,
        RAW
    }

    /**
     * One driving licence category.
     *
     * @param isReadable   Jumio only ever sends FALSE; null when absent
     * @param availability "yes", "no" or "not readable", as sent
     */
    public record DlCategory(
            String category,
            String issueDate,
            String expiryDate,
            Boolean isReadable,
            String availability) {
    }
}
