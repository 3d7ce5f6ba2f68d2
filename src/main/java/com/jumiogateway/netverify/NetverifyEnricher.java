package com.jumiogateway.netverify;

import com.jumiogateway.routing.ExchangeNames;
import com.jumiogateway.form.JumioValues;
import com.jumiogateway.enrich.CountryNames;
import com.jumiogateway.result.CallbackKind;
import com.jumiogateway.result.Decision;
import com.jumiogateway.result.ResultSource;
import com.jumiogateway.result.VerificationResult;
import org.apache.camel.Body;
import org.apache.camel.Handler;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** Turns a parsed Netverify callback into the common {@link VerificationResult}. */
@Component("netverifyEnricher")
public class NetverifyEnricher {

    private final CountryNames countryNames;
    private final RejectReasonCatalog rejectReasonCatalog;

    public NetverifyEnricher(CountryNames countryNames, RejectReasonCatalog rejectReasonCatalog) {
        this.countryNames = countryNames;
        this.rejectReasonCatalog = rejectReasonCatalog;
    }

    /**
     * @param receivedAt when the gateway received (or retrieved) the result; the event time when Jumio sent no
     *                   callbackDate, which the documented examples never do
     */
    public VerificationResult enrich(NetverifyCallback callback, ResultSource source, Instant receivedAt) {
        Objects.requireNonNull(callback, "callback");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Instant transactionDate = callback.transactionDate();
        Instant callbackDate = callback.callbackDate();
        return new VerificationResult(
                callback.jumioIdScanReference(),
                CallbackKind.NETVERIFY,
                source,
                callback.verificationStatus(),
                decision(callback.verificationStatus()),
                callback.merchantIdScanReference(),
                callback.customerId(),
                callback.idType(),
                callback.idCountry(),
                countryNames.englishName(callback.idCountry()),
                rejectReasonCatalog.resolve(callback.rejectReason()),
                transactionDate,
                callbackDate != null ? callbackDate : receivedAt,
                transactionDate != null && callbackDate != null
                        ? Duration.between(transactionDate, callbackDate).toSeconds()
                        : null,
                callback);
    }

    /**
     * For routes: {@code bean:netverifyEnricher?method=enrichFromExchange} (also the default method of this bean).
     * The body is the parsed callback; the headers {@value ExchangeNames#CALLBACK_RECEIVED_AT} (Instant, Date/Timestamp,
     * epoch millis or ISO text) and {@value ExchangeNames#RESULT_SOURCE} (the enum or its name) are required.
     */
    @Handler
    public VerificationResult enrichFromExchange(@Body NetverifyCallback callback,
                                                 @Header(ExchangeNames.CALLBACK_RECEIVED_AT) Object receivedAt,
                                                 @Header(ExchangeNames.RESULT_SOURCE) ResultSource source) {
        Object received = ExchangeNames.required(receivedAt, ExchangeNames.CALLBACK_RECEIVED_AT);
        return enrich(callback, ExchangeNames.required(source, ExchangeNames.RESULT_SOURCE),
                JumioValues.toInstant(received, ExchangeNames.CALLBACK_RECEIVED_AT));
    }

    static Decision decision(String verificationStatus) {
        return NetverifyStatuses.decision(verificationStatus);
    }
}
