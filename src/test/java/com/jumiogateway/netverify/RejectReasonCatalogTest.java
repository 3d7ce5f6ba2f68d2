package com.jumiogateway.netverify;

import com.jumiogateway.result.RejectReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RejectReasonCatalogTest {

    private final RejectReasonCatalog catalog = new RejectReasonCatalog();

    @ParameterizedTest
    @CsvSource({
            "100, MANIPULATED_DOCUMENT", "105, FRAUDSTER", "106, FAKE", "107, PHOTO_MISMATCH",
            "108, MRZ_CHECK_FAILED", "109, PUNCHED_DOCUMENT", "110, CHIP_DATA_MANIPULATED",
            "111, MISMATCH_PRINTED_BARCODE_DATA"})
    void documentedFraudCodes(String code, String description) {
        assertThat(catalog.resolve(code, null, null))
                .isEqualTo(new RejectReason(code, description, RejectReasonCatalog.FRAUD, true, List.of()));
    }

    @ParameterizedTest
    @CsvSource({
            "102, PHOTOCOPY_BLACK_WHITE", "103, PHOTOCOPY_COLOR", "104, DIGITAL_COPY", "200, NOT_READABLE_DOCUMENT",
            "201, NO_DOCUMENT", "202, SAMPLE_DOCUMENT", "206, MISSING_BACK", "207, WRONG_DOCUMENT_PAGE",
            "209, MISSING_SIGNATURE", "210, CAMERA_BLACK_WHITE", "211, DIFFERENT_PERSONS_SHOWN",
            "300, MANUAL_REJECTION"})
    void documentedNotReadableCodes(String code, String description) {
        assertThat(catalog.resolve(code, null, null))
                .isEqualTo(new RejectReason(code, description, RejectReasonCatalog.NOT_READABLE, true, List.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"112", "113", "114", "115", "118"})
    void fraudCodesSeenInTheWildHaveACategoryButNoName(String code) {
        assertThat(catalog.resolve(code, null, null))
                .isEqualTo(new RejectReason(code, null, RejectReasonCatalog.FRAUD, true, List.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"203", "204", "205", "208", "212", "213", "214"})
    void notReadableCodesSeenInTheWildHaveACategoryButNoName(String code) {
        assertThat(catalog.resolve(code, null, null))
                .isEqualTo(new RejectReason(code, null, RejectReasonCatalog.NOT_READABLE, true, List.of()));
    }

    @Test
    void jumiosDescriptionWins() {
        assertThat(catalog.resolve("118", "NEW_FRAUD_PATTERN", null).description()).isEqualTo("NEW_FRAUD_PATTERN");
        assertThat(catalog.resolve("100", "MANIPULATED", null).description()).isEqualTo("MANIPULATED");
        assertThat(catalog.resolve("100", " ", null).description()).isEqualTo("MANIPULATED_DOCUMENT");
    }

    @ParameterizedTest
    @ValueSource(strings = {"999", "101", "215", "abc"})
    void unknownCodesAreKeptAsSent(String code) {
        assertThat(catalog.resolve(code, "AS_SENT", null))
                .isEqualTo(new RejectReason(code, "AS_SENT", RejectReasonCatalog.UNKNOWN, false, List.of()));
    }

    @Test
    void missingCodeIsUnknown() {
        assertThat(catalog.resolve(null, null, null))
                .isEqualTo(new RejectReason(null, null, RejectReasonCatalog.UNKNOWN, false, List.of()));
        assertThat(catalog.category(" ")).isEqualTo(RejectReasonCatalog.UNKNOWN);
    }

    @ParameterizedTest
    @CsvSource({
            "1001, PHOTO", "1002, DOCUMENT_NUMBER", "1003, EXPIRY", "1004, DOB", "1005, NAME", "1006, ADDRESS",
            "1007, SECURITY_CHECKS", "1008, SIGNATURE", "1009, PERSONAL_NUMBER", "10011, PLACE_OF_BIRTH",
            "2001, BLURRED", "2002, BAD_QUALITY", "2003, MISSING_PART_DOCUMENT", "2004, HIDDEN_PART_DOCUMENT",
            "2005, DAMAGED_DOCUMENT"})
    void documentedDetailCodes(String code, String description) {
        RejectReason reason = catalog.resolve("100", null,
                List.of(new NetverifyCallback.RejectReasonDetail(code, null)));

        assertThat(reason.details()).containsExactly(new RejectReason.Detail(code, description, true));
    }

    @Test
    void detailsKeepJumiosTextAndUnknownCodes() {
        RejectReason reason = catalog.resolve(new NetverifyCallback.RejectReason("200", "NOT_READABLE_DOCUMENT",
                List.of(new NetverifyCallback.RejectReasonDetail("2001", "BLURRY"),
                        new NetverifyCallback.RejectReasonDetail("2999", "NEW_DETAIL"),
                        new NetverifyCallback.RejectReasonDetail("2998", null)),
                Map.of()));

        assertThat(reason.details()).containsExactly(
                new RejectReason.Detail("2001", "BLURRY", true),
                new RejectReason.Detail("2999", "NEW_DETAIL", false),
                new RejectReason.Detail("2998", null, false));
    }

    @Test
    void noRejectReasonIsNull() {
        assertThat(catalog.resolve((NetverifyCallback.RejectReason) null)).isNull();
    }

    @Test
    void categoryOfACode() {
        assertThat(catalog.category("107")).isEqualTo(RejectReasonCatalog.FRAUD);
        assertThat(catalog.category("206")).isEqualTo(RejectReasonCatalog.NOT_READABLE);
        assertThat(catalog.category("999")).isEqualTo(RejectReasonCatalog.UNKNOWN);
        assertThat(catalog.category(null)).isEqualTo(RejectReasonCatalog.UNKNOWN);
    }
}
