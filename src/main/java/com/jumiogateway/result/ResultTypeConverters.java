package com.jumiogateway.result;

import org.apache.camel.Converter;
import org.apache.camel.TypeConverters;
import org.apache.camel.util.StringHelper;
import org.springframework.stereotype.Component;

/**
 * Text to the result model's enums, for the routes: {@code ${body.kind} == 'NETVERIFY'} in a filter, a header set to
 * {@code CALLBACK} bound to a {@link ResultSource} parameter. Camel's generic enum conversion first looks for a
 * converter for the exact pair (text, enum) and, finding none, scans every registered converter on every call (a
 * miss is not remembered): in the profile of the end-to-end benchmark that scan was a tenth of the worker's CPU.
 * Registered here (camel-spring-boot adds {@code TypeConverters} beans), the pair is found at once. Same matching as
 * Camel's own: case-insensitive, {@code document-verification} is {@code DOCUMENT_VERIFICATION}; no match: null.
 */
@Component
public class ResultTypeConverters implements TypeConverters {

    @Converter
    public static CallbackKind toCallbackKind(String text) {
        return constant(CallbackKind.class, text);
    }

    @Converter
    public static ResultSource toResultSource(String text) {
        return constant(ResultSource.class, text);
    }

    @Converter
    public static Decision toDecision(String text) {
        return constant(Decision.class, text);
    }

    private static <E extends Enum<E>> E constant(Class<E> type, String text) {
        String trimmed = text.trim();
        String asConstant = StringHelper.asEnumConstantValue(trimmed);
        for (E value : type.getEnumConstants()) {
            if (value.name().equalsIgnoreCase(trimmed) || value.name().equals(asConstant)) {
                return value;
            }
        }
        return null;
    }
}
