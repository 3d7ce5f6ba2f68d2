package com.jumiogateway.result;

import com.jumiogateway.routing.ExchangeNames;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Headers;
import org.springframework.stereotype.Component;

/**
 * Route step of verification-result: the result's identifying fields as headers, so the log line and the alert
 * rules compare headers. Every {@code ${body.x}} in a route is a bean-language call on the body: the fan-out ran up
 * to thirteen per result (the log line five when logged, the rules up to eight). At 200 callbacks/s with the log line
 * off, those and process-callback's four were 18 % of the worker threads' samples (README "Cost per callback").
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
