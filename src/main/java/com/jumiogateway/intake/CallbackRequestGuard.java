package com.jumiogateway.intake;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import org.apache.camel.Exchange;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/** Size and content-type checks for a callback request, before anything is stored. */
@Component("callbackRequestGuard")
public class CallbackRequestGuard {

    public static final String BODY_HEADER = "CallbackBody";
    public static final String CONTENT_TYPE_HEADER = "CallbackContentType";

    private final IntakeProperties properties;
    private final MeterRegistry meters;

    public CallbackRequestGuard(IntakeProperties properties, MeterRegistry meters) {
        this.properties = properties;
        this.meters = meters;
    }

    /**
     * Refuses with 413 or 415, otherwise copies the raw body and content type into headers for the inbox insert.
     * The body is kept exactly as received.
     */
    public void check(Exchange exchange, String expectedContentType) {
        long limit = properties.getMaxBodySize().toBytes();
        Long declared = exchange.getIn().getHeader(Exchange.CONTENT_LENGTH, Long.class);
        if (declared != null && declared > limit) {
            throw refused(413, "payload-too-large", "Callback body exceeds " + limit + " bytes");
        }
        String contentType = exchange.getIn().getHeader(Exchange.CONTENT_TYPE, String.class);
        if (!matches(contentType, expectedContentType)) {
            throw refused(415, "unsupported-media-type", "Callback content type must be " + expectedContentType);
        }
        byte[] body = exchange.getIn().getBody(byte[].class);
        if (body == null || body.length == 0) {
            throw refused(400, "empty-body", "Callback body is empty");
        }
        if (body.length > limit) {
            throw refused(413, "payload-too-large", "Callback body exceeds " + limit + " bytes");
        }
        exchange.getIn().setHeader(BODY_HEADER, body);
        exchange.getIn().setHeader(CONTENT_TYPE_HEADER, contentType);
    }

    private CallbackRefusedException refused(int status, String reason, String message) {
        meters.counter("gateway.callbacks.refused", "reason", reason).increment();
        return new CallbackRefusedException(status, reason, message);
    }

    private static boolean matches(String actual, String expected) {
        if (actual == null) {
            return false;
        }
        try {
            MediaType type = MediaType.parseMediaType(actual.toLowerCase(Locale.ROOT));
            return type.isCompatibleWith(MediaType.parseMediaType(expected)) && !type.isWildcardType()
                    && !type.isWildcardSubtype();
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }
}
