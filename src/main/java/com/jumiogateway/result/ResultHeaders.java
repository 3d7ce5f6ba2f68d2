package com.jumiogateway.result;

import com.jumiogateway.routing.ExchangeNames;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Headers;
import org.springframework.stereotype.Component;

/**
 * Route step of verification-result: the result's identifying fields as headers, so the log line and the alert
 * rules compare headers. Every {@code ${body.x}} in a route is a bean-language call on the body; the fan-out's log
 * line and rules ran some ten of them per result, a fifth of the worker's CPU (README "Cost per callback").
 */
@Component("resultHeaders")
public class ResultHeaders {

    /** Sets CallbackScanReference, VerificationKind, VerificationStatus, VerificationDecision, VerificationSource. */
    public void describe(@Body VerificationResult result, @Headers Map<String, Object> headers) {
        headers.put(ExchangeNames.CALLBACK_SCAN_REFERENCE, result.scanReference());
        headers.put(ExchangeNames.VERIFICATION_KIND, name(result.kind()));
        headers.put(ExchangeNames.VERIFICATION_STATUS, result.status());
        headers.put(ExchangeNames.VERIFICATION_DECISION, name(result.decision()));
        headers.put(ExchangeNames.VERIFICATION_SOURCE, name(result.source()));
    }

    private static String name(Enum<?> value) {
        return value == null ? null : value.name();
    }
}
