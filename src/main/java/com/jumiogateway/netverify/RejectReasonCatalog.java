package com.jumiogateway.netverify;

import com.jumiogateway.result.RejectReason;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Jumio's Netverify reject reason and detail codes, so a result carries a description and a category even where
 * Jumio sent only the code. Codes not listed are kept as sent with {@code known = false}: Jumio adds codes without
 * notice, and an unknown code must never cost us the result.
 */
@Component
public class RejectReasonCatalog {

    public static final String FRAUD = "FRAUD";
    public static final String NOT_READABLE = "NOT_READABLE";
    public static final String UNKNOWN = "UNKNOWN";

    private record Entry(String category, String description) {
    }

    private static final Map<String, Entry> REASONS = reasons();
    private static final Map<String, String> DETAILS = details();

    /** From Jumio's callback documentation, plus codes seen in the wild that Jumio publishes no name for (null). */
    private static Map<String, Entry> reasons() {
        Map<String, Entry> reasons = new HashMap<>();
        // verificationStatus DENIED_FRAUD
        fraud(reasons, "100", "MANIPULATED_DOCUMENT");
        fraud(reasons, "105", "FRAUDSTER");
        fraud(reasons, "106", "FAKE");
        fraud(reasons, "107", "PHOTO_MISMATCH");
        fraud(reasons, "108", "MRZ_CHECK_FAILED");
        fraud(reasons, "109", "PUNCHED_DOCUMENT");
        fraud(reasons, "110", "CHIP_DATA_MANIPULATED");
        fraud(reasons, "111", "MISMATCH_PRINTED_BARCODE_DATA");
        for (String unnamed : List.of("112", "113", "114", "115", "118")) {
            fraud(reasons, unnamed, null);
        }
        // verificationStatus ERROR_NOT_READABLE_ID: 102-104, 200-214 and 300, not all of them named
        notReadable(reasons, "102", "PHOTOCOPY_BLACK_WHITE");
        notReadable(reasons, "103", "PHOTOCOPY_COLOR");
        notReadable(reasons, "104", "DIGITAL_COPY");
        for (int code = 200; code <= 214; code++) {
            notReadable(reasons, Integer.toString(code), null);
        }
        notReadable(reasons, "200", "NOT_READABLE_DOCUMENT");
        notReadable(reasons, "201", "NO_DOCUMENT");
        notReadable(reasons, "202", "SAMPLE_DOCUMENT");
        notReadable(reasons, "206", "MISSING_BACK");
        notReadable(reasons, "207", "WRONG_DOCUMENT_PAGE");
        notReadable(reasons, "209", "MISSING_SIGNATURE");
        notReadable(reasons, "210", "CAMERA_BLACK_WHITE");
        notReadable(reasons, "211", "DIFFERENT_PERSONS_SHOWN");
        notReadable(reasons, "300", "MANUAL_REJECTION");
        return Map.copyOf(reasons);
    }

    private static void fraud(Map<String, Entry> reasons, String code, String description) {
        reasons.put(code, new Entry(FRAUD, description));
    }

    private static void notReadable(Map<String, Entry> reasons, String code, String description) {
        reasons.put(code, new Entry(NOT_READABLE, description));
    }

    private static Map<String, String> details() {
        return Map.ofEntries(
                // for reject reason 100
                Map.entry("1001", "PHOTO"),
                Map.entry("1002", "DOCUMENT_NUMBER"),
                Map.entry("1003", "EXPIRY"),
                Map.entry("1004", "DOB"),
                Map.entry("1005", "NAME"),
                Map.entry("1006", "ADDRESS"),
                Map.entry("1007", "SECURITY_CHECKS"),
                Map.entry("1008", "SIGNATURE"),
                Map.entry("1009", "PERSONAL_NUMBER"),
                Map.entry("10011", "PLACE_OF_BIRTH"),
                // for reject reason 200
                Map.entry("2001", "BLURRED"),
                Map.entry("2002", "BAD_QUALITY"),
                Map.entry("2003", "MISSING_PART_DOCUMENT"),
                Map.entry("2004", "HIDDEN_PART_DOCUMENT"),
                Map.entry("2005", "DAMAGED_DOCUMENT"));
    }

    /** The catalogued reject reason codes of a category ({@link #FRAUD}, {@link #NOT_READABLE}), in numeric order. */
    public static List<String> codes(String category) {
        return REASONS.entrySet().stream().filter(e -> e.getValue().category().equals(category))
                .map(Map.Entry::getKey).sorted(java.util.Comparator.comparingInt(Integer::parseInt)).toList();
    }

    /** Jumio's name of a reject reason code, or null when Jumio publishes none (or the code is unknown). */
    public static String description(String code) {
        Entry entry = code == null ? null : REASONS.get(code.strip());
        return entry == null ? null : entry.description();
    }

    /** Jumio's name of a reject reason detail code, or null when unknown. */
    public static String detailDescription(String detailCode) {
        return detailCode == null ? null : DETAILS.get(detailCode.strip());
    }

    /** The detail codes Jumio documents for a reject reason (100 and 200 have details: 1001..., 2001...), in order. */
    public static List<String> detailCodes(String code) {
        if (code == null) {
            return List.of();
        }
        return DETAILS.keySet().stream().filter(d -> d.startsWith(code.strip()) && d.length() > code.strip().length())
                .sorted(java.util.Comparator.comparingInt(Integer::parseInt)).toList();
    }

    /** The reject reason of a parsed callback, or null when it had none. */
    public RejectReason resolve(NetverifyCallback.RejectReason sent) {
        if (sent == null) {
            return null;
        }
        return resolve(sent.rejectReasonCode(), sent.rejectReasonDescription(), sent.rejectReasonDetails());
    }

    /**
     * Jumio's description wins where it sent one; otherwise the catalogue's (null for codes Jumio never named).
     *
     * @param sentDetails may be null
     */
    public RejectReason resolve(String code, String sentDescription,
                                List<NetverifyCallback.RejectReasonDetail> sentDetails) {
        String normalizedCode = normalize(code);
        Entry entry = normalizedCode == null ? null : REASONS.get(normalizedCode);
        List<RejectReason.Detail> details = new ArrayList<>();
        if (sentDetails != null) {
            for (NetverifyCallback.RejectReasonDetail detail : sentDetails) {
                String detailCode = normalize(detail.detailsCode());
                String catalogued = detailCode == null ? null : DETAILS.get(detailCode);
                details.add(new RejectReason.Detail(
                        detailCode,
                        firstPresent(detail.detailsDescription(), catalogued),
                        catalogued != null));
            }
        }
        return new RejectReason(
                normalizedCode,
                firstPresent(sentDescription, entry == null ? null : entry.description()),
                entry == null ? UNKNOWN : entry.category(),
                entry != null,
                Collections.unmodifiableList(details));
    }

    /** The category of a reject reason code: {@link #FRAUD}, {@link #NOT_READABLE} or {@link #UNKNOWN}. */
    public String category(String code) {
        String normalizedCode = normalize(code);
        Entry entry = normalizedCode == null ? null : REASONS.get(normalizedCode);
        return entry == null ? UNKNOWN : entry.category();
    }

    private static String normalize(String code) {
        if (code == null || code.isBlank()) {
            return null;
        }
        return code.strip();
    }

    private static String firstPresent(String preferred, String fallback) {
        return preferred == null || preferred.isBlank() ? fallback : preferred;
    }
}
