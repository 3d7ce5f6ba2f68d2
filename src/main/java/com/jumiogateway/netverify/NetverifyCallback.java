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

    /** A builder, for code that fills only some components (the retrieval mapper): names instead of positions. */
    public static Builder builder() {
        return new Builder();
    }

    /** Every component starts null, additionalParameters empty. */
    public static final class Builder {
        private String callBackType;
        private String jumioIdScanReference;
        private String verificationStatus;
        private String idScanStatus;
        private String idScanSource;
        private String idCheckDataPositions;
        private String idCheckDocumentValidation;
        private String idCheckHologram;
        private String idCheckMRZcode;
        private String idCheckMicroprint;
        private String idCheckSecurityFeatures;
        private String idCheckSignature;
        private Instant transactionDate;
        private Instant callbackDate;
        private IdentityVerification identityVerification;
        private String idType;
        private String idSubtype;
        private String idCountry;
        private RejectReason rejectReason;
        private String idScanImage;
        private String idScanImageFace;
        private String idScanImageBackside;
        private String idNumber;
        private String idFirstName;
        private String idLastName;
        private String idDob;
        private String idExpiry;
        private String idUsState;
        private String personalNumber;
        private IdAddress idAddress;
        private String merchantIdScanReference;
        private String merchantReportingCriteria;
        private String customerId;
        private String clientIp;
        private Instant firstAttemptDate;
        private String optionalData1;
        private String optionalData2;
        private String dni;
        private String curp;
        private String gender;
        private String presetCountry;
        private String presetIdType;
        private String dlCarPermission;
        private List<DlCategory> dlCategories;
        private String nationality;
        private String passportNumber;
        private String durationOfStay;
        private String numberOfEntries;
        private String visaCategory;
        private String originDob;
        private String issuingAuthority;
        private String issuingDate;
        private String issuingPlace;
        private List<String> livenessImages;
        private Map<String, String> additionalParameters = Map.of();

        private Builder() {
        }

        public Builder callBackType(String callBackType) {
            this.callBackType = callBackType;
            return this;
        }

        public Builder jumioIdScanReference(String jumioIdScanReference) {
            this.jumioIdScanReference = jumioIdScanReference;
            return this;
        }

        public Builder verificationStatus(String verificationStatus) {
            this.verificationStatus = verificationStatus;
            return this;
        }

        public Builder idScanStatus(String idScanStatus) {
            this.idScanStatus = idScanStatus;
            return this;
        }

        public Builder idScanSource(String idScanSource) {
            this.idScanSource = idScanSource;
            return this;
        }

        public Builder idCheckDataPositions(String idCheckDataPositions) {
            this.idCheckDataPositions = idCheckDataPositions;
            return this;
        }

        public Builder idCheckDocumentValidation(String idCheckDocumentValidation) {
            this.idCheckDocumentValidation = idCheckDocumentValidation;
            return this;
        }

        public Builder idCheckHologram(String idCheckHologram) {
            this.idCheckHologram = idCheckHologram;
            return this;
        }

        public Builder idCheckMRZcode(String idCheckMRZcode) {
            this.idCheckMRZcode = idCheckMRZcode;
            return this;
        }

        public Builder idCheckMicroprint(String idCheckMicroprint) {
            this.idCheckMicroprint = idCheckMicroprint;
            return this;
        }

        public Builder idCheckSecurityFeatures(String idCheckSecurityFeatures) {
            this.idCheckSecurityFeatures = idCheckSecurityFeatures;
            return this;
        }

        public Builder idCheckSignature(String idCheckSignature) {
            this.idCheckSignature = idCheckSignature;
            return this;
        }

        public Builder transactionDate(Instant transactionDate) {
            this.transactionDate = transactionDate;
            return this;
        }

        public Builder callbackDate(Instant callbackDate) {
            this.callbackDate = callbackDate;
            return this;
        }

        public Builder identityVerification(IdentityVerification identityVerification) {
            this.identityVerification = identityVerification;
            return this;
        }

        public Builder idType(String idType) {
            this.idType = idType;
            return this;
        }

        public Builder idSubtype(String idSubtype) {
            this.idSubtype = idSubtype;
            return this;
        }

        public Builder idCountry(String idCountry) {
            this.idCountry = idCountry;
            return this;
        }

        public Builder rejectReason(RejectReason rejectReason) {
            this.rejectReason = rejectReason;
            return this;
        }

        public Builder idScanImage(String idScanImage) {
            this.idScanImage = idScanImage;
            return this;
        }

        public Builder idScanImageFace(String idScanImageFace) {
            this.idScanImageFace = idScanImageFace;
            return this;
        }

        public Builder idScanImageBackside(String idScanImageBackside) {
            this.idScanImageBackside = idScanImageBackside;
            return this;
        }

        public Builder idNumber(String idNumber) {
            this.idNumber = idNumber;
            return this;
        }

        public Builder idFirstName(String idFirstName) {
            this.idFirstName = idFirstName;
            return this;
        }

        public Builder idLastName(String idLastName) {
            this.idLastName = idLastName;
            return this;
        }

        public Builder idDob(String idDob) {
            this.idDob = idDob;
            return this;
        }

        public Builder idExpiry(String idExpiry) {
            this.idExpiry = idExpiry;
            return this;
        }

        public Builder idUsState(String idUsState) {
            this.idUsState = idUsState;
            return this;
        }

        public Builder personalNumber(String personalNumber) {
            this.personalNumber = personalNumber;
            return this;
        }

        public Builder idAddress(IdAddress idAddress) {
            this.idAddress = idAddress;
            return this;
        }

        public Builder merchantIdScanReference(String merchantIdScanReference) {
            this.merchantIdScanReference = merchantIdScanReference;
            return this;
        }

        public Builder merchantReportingCriteria(String merchantReportingCriteria) {
            this.merchantReportingCriteria = merchantReportingCriteria;
            return this;
        }

        public Builder customerId(String customerId) {
            this.customerId = customerId;
            return this;
        }

        public Builder clientIp(String clientIp) {
            this.clientIp = clientIp;
            return this;
        }

        public Builder firstAttemptDate(Instant firstAttemptDate) {
            this.firstAttemptDate = firstAttemptDate;
            return this;
        }

        public Builder optionalData1(String optionalData1) {
            this.optionalData1 = optionalData1;
            return this;
        }

        public Builder optionalData2(String optionalData2) {
            this.optionalData2 = optionalData2;
            return this;
        }

        public Builder dni(String dni) {
            this.dni = dni;
            return this;
        }

        public Builder curp(String curp) {
            this.curp = curp;
            return this;
        }

        public Builder gender(String gender) {
            this.gender = gender;
            return this;
        }

        public Builder presetCountry(String presetCountry) {
            this.presetCountry = presetCountry;
            return this;
        }

        public Builder presetIdType(String presetIdType) {
            this.presetIdType = presetIdType;
            return this;
        }

        public Builder dlCarPermission(String dlCarPermission) {
            this.dlCarPermission = dlCarPermission;
            return this;
        }

        public Builder dlCategories(List<DlCategory> dlCategories) {
            this.dlCategories = dlCategories;
            return this;
        }

        public Builder nationality(String nationality) {
            this.nationality = nationality;
            return this;
        }

        public Builder passportNumber(String passportNumber) {
            this.passportNumber = passportNumber;
            return this;
        }

        public Builder durationOfStay(String durationOfStay) {
            this.durationOfStay = durationOfStay;
            return this;
        }

        public Builder numberOfEntries(String numberOfEntries) {
            this.numberOfEntries = numberOfEntries;
            return this;
        }

        public Builder visaCategory(String visaCategory) {
            this.visaCategory = visaCategory;
            return this;
        }

        public Builder originDob(String originDob) {
            this.originDob = originDob;
            return this;
        }

        public Builder issuingAuthority(String issuingAuthority) {
            this.issuingAuthority = issuingAuthority;
            return this;
        }

        public Builder issuingDate(String issuingDate) {
            this.issuingDate = issuingDate;
            return this;
        }

        public Builder issuingPlace(String issuingPlace) {
            this.issuingPlace = issuingPlace;
            return this;
        }

        public Builder livenessImages(List<String> livenessImages) {
            this.livenessImages = livenessImages;
            return this;
        }

        public Builder additionalParameters(Map<String, String> additionalParameters) {
            this.additionalParameters = additionalParameters;
            return this;
        }

        public NetverifyCallback build() {
            return new NetverifyCallback(callBackType, jumioIdScanReference, verificationStatus, idScanStatus, idScanSource,
                    idCheckDataPositions, idCheckDocumentValidation, idCheckHologram, idCheckMRZcode, idCheckMicroprint,
                    idCheckSecurityFeatures, idCheckSignature, transactionDate, callbackDate, identityVerification,
                    idType, idSubtype, idCountry, rejectReason, idScanImage,
                    idScanImageFace, idScanImageBackside, idNumber, idFirstName, idLastName,
                    idDob, idExpiry, idUsState, personalNumber, idAddress,
                    merchantIdScanReference, merchantReportingCriteria, customerId, clientIp, firstAttemptDate,
                    optionalData1, optionalData2, dni, curp, gender,
                    presetCountry, presetIdType, dlCarPermission, dlCategories, nationality,
                    passportNumber, durationOfStay, numberOfEntries, visaCategory, originDob,
                    issuingAuthority, issuingDate, issuingPlace, livenessImages, additionalParameters);
        }
    }

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
