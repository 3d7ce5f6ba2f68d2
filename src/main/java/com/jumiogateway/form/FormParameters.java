package com.jumiogateway.form;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The decoded parameters of a form-encoded callback ({@link FormBody#decode}); remembers which were read so the
 * rest can be kept as the callback's additional parameters.
 */
public final class FormParameters {

    private final Map<String, String> values;
    private final Set<String> read = new HashSet<>();

    public FormParameters(Map<String, String> values) {
        this.values = values;
    }

    /** Blank, "N/A" and absent are null; otherwise the value without surrounding whitespace. */
    public String text(String name) {
        return JumioValues.notAvailableToNull(asSent(name));
    }

    /** Absent or blank is null; anything else exactly as sent, "N/A" included. */
    public String asSent(String name) {
        read.add(name);
        String value = values.get(name);
        return value == null || value.isBlank() ? null : value;
    }

    /** The parameters not read, in the order posted. */
    public Map<String, String> unread() {
        Map<String, String> unread = new LinkedHashMap<>(values);
        unread.keySet().removeAll(read);
        return Collections.unmodifiableMap(unread);
    }
}
