package com.jumiogateway.netverify;

import com.jumiogateway.enrich.CountryNames;
import com.jumiogateway.result.CallbackKind;
import com.jumiogateway.result.Decision;
import com.jumiogateway.result.RejectReason;
import com.jumiogateway.result.ResultSource;
import com.jumiogateway.result.VerificationResult;
import org.apache.camel.Handler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.reflect.Method;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

import static com.jumiogateway.netverify.NetverifyFixtures.approvedVerified;
import static com.jumiogateway.netverify.NetverifyFixtures.deniedFraud;
import static com.jumiogateway.netverify.NetverifyFixtures.withScanReference;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetverifyEnricherTest {

    private static final Instant RECEIVED_AT = Instant.parse("2024-03-01T10:15:30Z");

    private final NetverifyCallbackParser parser = new NetverifyCallbackParser(NetverifyFixtures.objectMapper());
    private final NetverifyEnricher enricher = new NetverifyEnricher(new CountryNames(), new RejectReasonCatalog());

    @Test
    void approvedSeedExample() {
        NetverifyCallback callback = parser.parse(approvedVerified());

        VerificationResult result = enricher.enrich(callback, ResultSource.CALLBACK, RECEIVED_AT);

        assertThat(result.scanReference()).isEqualTo("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx");
        assertThat(result.kind()).isEqualTo(CallbackKind.NETVERIFY);
        assertThat(result.source()).isEqualTo(ResultSource.CALLBACK);
        assertThat(result.status()).isEqualTo("APPROVED_VERIFIED");
        assertThat(result.decision()).isEqualTo(Decision.APPROVED);
        assertThat(result.merchantReference()).isEqualTo("YOURIDSCANREFERENCE");
        assertThat(result.customerId()).isNull();
        assertThat(result.documentType()).isEqualTo("PASSPORT");
        assertThat(result.country()).isEqualTo("USA");
        assertThat(result.countryName()).isEqualTo("United States");
        assertThat(result.rejectReason()).isNull();
        assertThat(result.transactionDate()).isNull();
        assertThat(result.eventTime()).as("the seed has no callbackDate").isEqualTo(RECEIVED_AT);
        assertThat(result.secondsToResult()).isNull();
        assertThat(result.details()).isSameAs(callback);
    }

    @Test
    void fraudSeedExample() {
        VerificationResult result = enricher.enrich(parser.parse(deniedFraud()), ResultSource.RETRIEVAL, RECEIVED_AT);

        assertThat(result.decision()).isEqualTo(Decision.FRAUD);
        assertThat(result.source()).isEqualTo(ResultSource.RETRIEVAL);
        assertThat(result.merchantReference()).isEqualTo("YOURSCANREFERENCE");
        assertThat(result.rejectReason()).isEqualTo(new RejectReason("100", "MANIPULATED_DOCUMENT",
                RejectReasonCatalog.FRAUD, true, List.of(
                        new RejectReason.Detail("1001", "PHOTO", true),
                        new RejectReason.Detail("1004", "DOB", true))));
    }

    @ParameterizedTest
    @CsvSource({
            "APPROVED_VERIFIED, APPROVED",
            "DENIED_FRAUD, FRAUD",
            "ERROR_NOT_READABLE_ID, RETRY_WITH_USER",
            "DENIED_UNSUPPORTED_ID_TYPE, UNSUPPORTED_DOCUMENT",
            "DENIED_UNSUPPORTED_ID_COUNTRY, UNSUPPORTED_DOCUMENT",
            "NO_ID_UPLOADED, NOTHING_UPLOADED",
            "SOMETHING_NEW, UNKNOWN",
            "approved_verified, UNKNOWN"})
    void decisionFollowsTheVerificationStatus(String status, Decision expected) {
        NetverifyCallback callback = parser.parse(withScanReference("verificationStatus", status));

        VerificationResult result = enricher.enrich(callback, ResultSource.CALLBACK, RECEIVED_AT);

        assertThat(result.decision()).isEqualTo(expected);
        assertThat(result.status()).as("kept as sent").isEqualTo(status);
    }

    @Test
    void noStatusIsUnknown() {
        NetverifyCallback callback = parser.parse(withScanReference());

        assertThat(enricher.enrich(callback, ResultSource.CALLBACK, RECEIVED_AT).decision())
                .isEqualTo(Decision.UNKNOWN);
    }

    @Test
    void callbackDateIsTheEventTimeAndSecondsToResultAreCounted() {
        NetverifyCallback callback = parser.parse(withScanReference(
                "transactionDate", "2017-06-06T12:00:00.500Z",
                "callbackDate", "2017-06-06T12:06:49.016Z"));

        VerificationResult result = enricher.enrich(callback, ResultSource.CALLBACK, RECEIVED_AT);

        assertThat(result.transactionDate()).isEqualTo(Instant.parse("2017-06-06T12:00:00.500Z"));
        assertThat(result.eventTime()).isEqualTo(Instant.parse("2017-06-06T12:06:49.016Z"));
        assertThat(result.secondsToResult()).isEqualTo(408L);
    }

    @Test
    void noSecondsToResultWithoutTransactionDate() {
        NetverifyCallback callback = parser.parse(withScanReference("callbackDate", "2017-06-06T12:06:49Z"));

        VerificationResult result = enricher.enrich(callback, ResultSource.CALLBACK, RECEIVED_AT);

        assertThat(result.secondsToResult()).isNull();
        assertThat(result.eventTime()).isEqualTo(Instant.parse("2017-06-06T12:06:49Z"));
    }

    @Test
    void unknownRejectCodesAreKeptAsUnknown() {
        NetverifyCallback unnamed = parser.parse(withScanReference(
                "verificationStatus", "DENIED_FRAUD", "rejectReason", "{\"rejectReasonCode\":\"118\"}"));
        NetverifyCallback unknown = parser.parse(withScanReference(
                "verificationStatus", "DENIED_FRAUD", "rejectReason",
                "{\"rejectReasonCode\":\"999\",\"rejectReasonDetails\":[{\"detailsCode\":\"9999\"}]}"));

        assertThat(enricher.enrich(unnamed, ResultSource.CALLBACK, RECEIVED_AT).rejectReason())
                .isEqualTo(new RejectReason("118", null, RejectReasonCatalog.FRAUD, true, List.of()));
        assertThat(enricher.enrich(unknown, ResultSource.CALLBACK, RECEIVED_AT).rejectReason())
                .isEqualTo(new RejectReason("999", null, RejectReasonCatalog.UNKNOWN, false,
                        List.of(new RejectReason.Detail("9999", null, false))));
    }

    @Test
    void kosovoAndUnknownCountries() {
        assertThat(enricher.enrich(parser.parse(withScanReference("idCountry", "XKX")), ResultSource.CALLBACK,
                RECEIVED_AT).countryName()).isEqualTo("Kosovo");
        assertThat(enricher.enrich(parser.parse(withScanReference("idCountry", "QQQ")), ResultSource.CALLBACK,
                RECEIVED_AT).countryName()).isNull();
    }

    @Test
    void requiresSourceAndReceivedAt() {
        NetverifyCallback callback = parser.parse(approvedVerified());

        assertThatThrownBy(() -> enricher.enrich(callback, null, RECEIVED_AT)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> enricher.enrich(callback, ResultSource.CALLBACK, null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void routeMethodAcceptsTheUsualHeaderTypes() {
        NetverifyCallback callback = parser.parse(approvedVerified());

        for (Object receivedAt : List.of(RECEIVED_AT, Timestamp.from(RECEIVED_AT), RECEIVED_AT.toEpochMilli(),
                "2024-03-01T10:15:30Z", "2024-03-01T11:15:30+01:00",
                OffsetDateTime.ofInstant(RECEIVED_AT, ZoneOffset.ofHours(2)))) {
            assertThat(enricher.enrichFromExchange(callback, receivedAt, ResultSource.CALLBACK).eventTime())
                    .as(receivedAt.getClass().getSimpleName())
                    .isEqualTo(RECEIVED_AT);
        }
    }

    @Test
    void routeMethodRefusesMissingHeaders() {
        NetverifyCallback callback = parser.parse(approvedVerified());

        assertThatThrownBy(() -> enricher.enrichFromExchange(callback, null, ResultSource.CALLBACK))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CallbackReceivedAt");
        assertThatThrownBy(() -> enricher.enrichFromExchange(callback, RECEIVED_AT, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ResultSource");
        assertThatThrownBy(() -> enricher.enrichFromExchange(callback, "yesterday", ResultSource.CALLBACK))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CallbackReceivedAt");
    }

    @Test
    void onlyTheRouteMethodIsCamelsDefaultHandler() {
        List<String> handlers = Arrays.stream(NetverifyEnricher.class.getMethods())
                .filter(method -> method.isAnnotationPresent(Handler.class))
                .map(Method::getName)
                .toList();

        assertThat(handlers).containsExactly("enrichFromExchange");
    }
}
