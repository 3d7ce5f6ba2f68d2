package com.jumiogateway.documentverification;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Readable names of Jumio's Document Verification type codes (the "type" table of the callback documentation). */
public final class DocumentTypes {

    private static final Map<String, String> NAMES;

    static {
        Map<String, String> names = new LinkedHashMap<>();
        names.put("CC", "Credit card");
        names.put("BS", "Bank statement");
        names.put("IC", "Insurance card");
        names.put("UB", "Utility bill");
        names.put("CAAP", "Cash advance application");
        names.put("CRC", "Corporate resolution certificate");
        names.put("CCS", "Credit card statement");
        names.put("LAG", "Lease agreement");
        names.put("LOAP", "Loan application");
        names.put("MOAP", "Mortgage application");
        names.put("TR", "Tax return");
        names.put("VT", "Vehicle title");
        names.put("VC", "Voided check");
        names.put("STUC", "Student card");
        names.put("HCC", "Health care card");
        names.put("CB", "Council bill");
        names.put("SENC", "Seniors card");
        names.put("MEDC", "Medicare card");
        names.put("BC", "Birth certificate");
        names.put("WWCC", "Working with children check");
        names.put("SS", "Superannuation statement");
        names.put("TAC", "Trade association card");
        names.put("SEL", "School enrolment letter");
        names.put("PB", "Phone bill");
        names.put("SSC", "Social security card");
        names.put("CUSTOM", "Custom document type");
        names.put("OTHER", "Other document type");
        NAMES = java.util.Collections.unmodifiableMap(names);
    }

    private DocumentTypes() {
    }

    /** The readable name of a type code (any case), or null for a code that is unknown, blank or null. */
    public static String name(String code) {
        return code == null ? null : NAMES.get(code.strip().toUpperCase(Locale.ROOT));
    }

    /** Every documented code with its name, in the documentation's order. */
    public static Map<String, String> all() {
        return NAMES;
    }
}
