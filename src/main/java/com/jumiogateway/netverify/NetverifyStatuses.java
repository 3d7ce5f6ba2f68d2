package com.jumiogateway.netverify;

import com.jumiogateway.result.Decision;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Jumio's Netverify callback vocabulary beyond the reject reasons: the verification statuses with the decision each
 * means, the ID types, and the countries whose personal fields Jumio masks. One catalogue: the enricher decides with
 * it, and the simulator (com.jumiogateway.simulator) generates its callbacks from it, so the two cannot drift apart.
 */
public final class NetverifyStatuses {

    public static final String APPROVED_VERIFIED = "APPROVED_VERIFIED";
    public static final String DENIED_FRAUD = "DENIED_FRAUD";
    public static final String ERROR_NOT_READABLE_ID = "ERROR_NOT_READABLE_ID";

    private static final Map<String, Decision> DECISIONS = decisions();

    /** Jumio's ID types (idType): PASSPORT, DRIVING_LICENSE, ID_CARD, VISA. */
    public static final List<String> ID_TYPES = List.of("PASSPORT", "DRIVING_LICENSE", "ID_CARD", "VISA");

    /** Countries whose personal fields are not sent when Jumio's NV masking is enabled (callback footnote 4). */
    public static final Set<String> MASKED_COUNTRIES = Set.of("NLD", "DEU", "KOR");

    /** The callback parameters Jumio leaves out for a masked country (idCheckMRZcode, personalNumber, optionalData1, idDob for KOR). */
    public static List<String> maskedParameters(String country) {
        if (country == null || !MASKED_COUNTRIES.contains(country)) {
            return List.of();
        }
        return "KOR".equals(country)
                ? List.of("idCheckMRZcode", "personalNumber", "idDob")
                : List.of("idCheckMRZcode", "personalNumber", "optionalData1");
    }

    private NetverifyStatuses() {
    }

    private static Map<String, Decision> decisions() {
        Map<String, Decision> decisions = new LinkedHashMap<>();
        decisions.put(APPROVED_VERIFIED, Decision.APPROVED);
        decisions.put(DENIED_FRAUD, Decision.FRAUD);
        decisions.put("DENIED_UNSUPPORTED_ID_TYPE", Decision.UNSUPPORTED_DOCUMENT);
        decisions.put("DENIED_UNSUPPORTED_ID_COUNTRY", Decision.UNSUPPORTED_DOCUMENT);
        decisions.put(ERROR_NOT_READABLE_ID, Decision.RETRY_WITH_USER);
        decisions.put("NO_ID_UPLOADED", Decision.NOTHING_UPLOADED);
        return java.util.Collections.unmodifiableMap(decisions);
    }

    /** Every documented verificationStatus, in the documentation's order. */
    public static List<String> all() {
        return List.copyOf(DECISIONS.keySet());
    }

    /** The decision a verificationStatus means; UNKNOWN for a status Jumio has not documented (or null). */
    public static Decision decision(String verificationStatus) {
        return verificationStatus == null ? Decision.UNKNOWN : DECISIONS.getOrDefault(verificationStatus, Decision.UNKNOWN);
    }

    /**
     * The reject reason category Jumio sends with a status ({@link RejectReasonCatalog#FRAUD} for DENIED_FRAUD,
     * {@link RejectReasonCatalog#NOT_READABLE} for ERROR_NOT_READABLE_ID), or null: the other statuses carry none.
     */
    public static String rejectReasonCategory(String verificationStatus) {
        if (DENIED_FRAUD.equals(verificationStatus)) {
            return RejectReasonCatalog.FRAUD;
        }
        return ERROR_NOT_READABLE_ID.equals(verificationStatus) ? RejectReasonCatalog.NOT_READABLE : null;
    }
}
