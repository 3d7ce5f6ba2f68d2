package com.jumiogateway.intake;

import com.jumiogateway.routing.ExchangeNames;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import org.apache.camel.Exchange;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/** Size and content-type checks for a callback request, before anything is stored. */
@Component("callbackRequestGuard")
public class CallbackRequestGuard {


    private final IntakeProperties properties;
    private final MeterRegistry meters;

    public CallbackRequestGuard(IntakeProperties properties, MeterRegistry meters) {
        this.properties = properties;
        this.meters = meters;
    }

    /**
     * Refuses with 413, 415 or 400 (empty), otherwise copies the raw body and content type into headers for the
     * inbox insert. The body is the one the servlet edge read ({@link CallbackEdge#BODY_ATTRIBUTE}), kept exactly as
     * received: Camel's own message body is never used (Camel does not see the body at all).
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
        HttpServletRequest request = exchange.getIn().getHeader(Exchange.HTTP_SERVLET_REQUEST, HttpServletRequest.class);
        Object received = request == null ? null : request.getAttribute(CallbackEdge.BODY_ATTRIBUTE);
        if (!(received instanceof byte[] body)) {
            // the edge reads every /callbacks/** body; a route served some other way must not fall back to Camel's
            throw new IllegalStateException("Callback body was not read by the servlet edge");
        }
        if (body.length == 0) {
            throw refused(400, "empty-body", "Callback body is empty");
        }
        if (body.length > limit) {
            throw refused(413, "payload-too-large", "Callback body exceeds " + limit + " bytes");
        }
        exchange.getIn().setHeader(ExchangeNames.CALLBACK_BODY, body);
        exchange.getIn().setHeader(ExchangeNames.CALLBACK_CONTENT_TYPE, contentType);
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
