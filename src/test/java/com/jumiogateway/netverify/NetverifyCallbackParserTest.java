package com.jumiogateway.netverify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jumiogateway.netverify.NetverifyCallback.AddressFormat;
import com.jumiogateway.netverify.NetverifyCallback.DlCategory;
import com.jumiogateway.netverify.NetverifyCallback.IdAddress;
import com.jumiogateway.netverify.NetverifyCallback.IdentityVerification;
import com.jumiogateway.netverify.NetverifyCallback.RejectReasonDetail;
import com.jumiogateway.result.InvalidCallbackException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.jumiogateway.netverify.NetverifyFixtures.approvedVerified;
import static com.jumiogateway.netverify.NetverifyFixtures.deniedFraud;
import static com.jumiogateway.netverify.NetverifyFixtures.form;
import static com.jumiogateway.netverify.NetverifyFixtures.withScanReference;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class NetverifyCallbackParserTest {

    private static final String SEED_SCAN_REFERENCE = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

    private final ObjectMapper objectMapper = NetverifyFixtures.objectMapper();
    private final NetverifyCallbackParser parser = new NetverifyCallbackParser(objectMapper);

    @Nested
    class SeedExamples {

        @Test
        void approvedVerifiedIsMappedFieldByField() {
            NetverifyCallback callback = parser.parse(approvedVerified());

            assertThat(callback.callBackType()).isEqualTo("NETVERIFYID");
            assertThat(callback.jumioIdScanReference()).isEqualTo(SEED_SCAN_REFERENCE);
            assertThat(callback.verificationStatus()).isEqualTo("APPROVED_VERIFIED");
            assertThat(callback.idScanStatus()).isEqualTo("SUCCESS");
            assertThat(callback.idScanSource()).isEqualTo("SDK");
            assertThat(callback.idCheckDataPositions()).isEqualTo("OK");
            assertThat(callback.idCheckDocumentValidation()).isEqualTo("OK");
            assertThat(callback.idCheckHologram()).isEqualTo("OK");
            assertThat(callback.idCheckMRZcode()).isEqualTo("OK");
            assertThat(callback.idCheckMicroprint()).isEqualTo("OK");
            assertThat(callback.idCheckSecurityFeatures()).isEqualTo("OK");
            assertThat(callback.idCheckSignature()).isEqualTo("OK");
            assertThat(callback.idType()).isEqualTo("PASSPORT");
            assertThat(callback.idCountry()).isEqualTo("USA");
            assertThat(callback.idDob()).isEqualTo("1990-01-01");
            assertThat(callback.idExpiry()).isEqualTo("2022-12-31");
            assertThat(callback.idFirstName()).isEqualTo("FIRSTNAME");
            assertThat(callback.idLastName()).isEqualTo("LASTNAME");
            assertThat(callback.idNumber()).isEqualTo("P1234");
            assertThat(callback.personalNumber()).as("N/A means not available").isNull();
            assertThat(callback.merchantIdScanReference()).isEqualTo("YOURIDSCANREFERENCE");
            assertThat(callback.clientIp()).isEqualTo("xxx.xxx.xxx.xxx");
            assertThat(callback.idScanImage())
                    .isEqualTo("https://netverify.com/recognition/v1/idscan/" + SEED_SCAN_REFERENCE + "/front");

            IdAddress address = callback.idAddress();
            assertThat(address.country()).isEqualTo("USA");
            assertThat(address.stateCode()).isEqualTo("US-OH");
            assertThat(address.format()).isEqualTo(AddressFormat.US);
            assertThat(address.city()).isNull();
            assertThat(address.additionalFields()).isEmpty();

            assertThat(callback.identityVerification())
                    .isEqualTo(new IdentityVerification("MATCH", true, null, null, Map.of()));

            // what the seed does not send is null, not empty or "N/A"
            assertThat(callback.transactionDate()).isNull();
            assertThat(callback.callbackDate()).isNull();
            assertThat(callback.firstAttemptDate()).isNull();
            assertThat(callback.rejectReason()).isNull();
            assertThat(callback.idSubtype()).isNull();
            assertThat(callback.idScanImageFace()).isNull();
            assertThat(callback.idScanImageBackside()).isNull();
            assertThat(callback.customerId()).isNull();
            assertThat(callback.merchantReportingCriteria()).isNull();
            assertThat(callback.dlCategories()).isNull();
            assertThat(callback.livenessImages()).isNull();
            assertThat(callback.additionalParameters()).isEmpty();
        }

        @Test
        void deniedFraudIsMappedFieldByField() {
            NetverifyCallback callback = parser.parse(deniedFraud());

            assertThat(callback.callBackType()).isEqualTo("NETVERIFYID");
            assertThat(callback.jumioIdScanReference()).isEqualTo(SEED_SCAN_REFERENCE);
            assertThat(callback.verificationStatus()).isEqualTo("DENIED_FRAUD");
            assertThat(callback.idScanStatus()).isEqualTo("ERROR");
            assertThat(callback.idScanSource()).isEqualTo("SDK");
            assertThat(callback.idType()).isEqualTo("PASSPORT");
            assertThat(callback.idCountry()).isEqualTo("USA");
            assertThat(callback.merchantIdScanReference()).isEqualTo("YOURSCANREFERENCE");
            assertThat(callback.clientIp()).isEqualTo("xxx.xxx.xxx.xxx");
            assertThat(callback.idScanImage())
                    .isEqualTo("https://netverify.com/recognition/v1/idscan/" + SEED_SCAN_REFERENCE + "/front");
            assertThat(List.of(callback.idCheckDataPositions(), callback.idCheckDocumentValidation(),
                    callback.idCheckHologram(), callback.idCheckMRZcode(), callback.idCheckMicroprint(),
                    callback.idCheckSecurityFeatures(), callback.idCheckSignature()))
                    .as("idCheck* keep N/A: it is a result")
                    .containsOnly("N/A");

            NetverifyCallback.RejectReason rejectReason = callback.rejectReason();
            assertThat(rejectReason.rejectReasonCode()).isEqualTo("100");
            assertThat(rejectReason.rejectReasonDescription()).isEqualTo("MANIPULATED_DOCUMENT");
            assertThat(rejectReason.rejectReasonDetails()).containsExactly(
                    new RejectReasonDetail("1001", "PHOTO"),
                    new RejectReasonDetail("1004", "DOB"));
            assertThat(rejectReason.additionalFields()).isEmpty();

            assertThat(callback.idNumber()).isNull();
            assertThat(callback.idFirstName()).isNull();
            assertThat(callback.idLastName()).isNull();
            assertThat(callback.idDob()).isNull();
            assertThat(callback.idAddress()).isNull();
            assertThat(callback.identityVerification()).isNull();
            assertThat(callback.additionalParameters()).isEmpty();
        }

        @Test
        void aTrailingNewlineIsIgnored() {
            assertThat(parser.parse(approvedVerified() + "\r\n")).isEqualTo(parser.parse(approvedVerified()));
        }

        @Test
        void serializesWithJacksonAndReadsBackEqual() throws Exception {
            NetverifyCallback callback = parser.parse(withScanReference(
                    "transactionDate", "2017-06-06T12:06:49.016Z",
                    "identityVerification", "{\"similarity\":\"MATCH\",\"validity\":\"TRUE\"}",
                    "rejectReason", "{\"rejectReasonCode\":\"200\",\"rejectReasonDetails\":{\"detailsCode\":\"2001\"}}",
                    "idAddress", "{\"line1\":\"1 Main St\",\"country\":\"GBR\"}",
                    "dlCategories", "[{\"category\":\"B\",\"isReadable\":\"FALSE\"}]",
                    "livenessImages", "https://a/1,https://a/2",
                    "somethingNew", "kept"));

            String json = objectMapper.writeValueAsString(callback);
            JsonNode tree = objectMapper.readTree(json);

            assertThat(tree.path("transactionDate").asText()).isEqualTo("2017-06-06T12:06:49.016Z");
            assertThat(tree.path("idCheckMRZcode").isNull()).isTrue();
            assertThat(tree.path("dlCategories").path(0).path("isReadable").asBoolean(true)).isFalse();
            assertThat(tree.path("idAddress").path("format").asText()).isEqualTo("RAW");
            assertThat(tree.path("additionalParameters").path("somethingNew").asText()).isEqualTo("kept");
            assertThat(objectMapper.readValue(json, NetverifyCallback.class)).isEqualTo(callback);
        }
    }

    @Nested
    class EveryParameter {

        /** Every parameter of Jumio's table that is plain text, so a mix-up of two positions is caught. */
        private static final List<String> TEXT_PARAMETERS = List.of(
                "callBackType", "jumioIdScanReference", "verificationStatus", "idScanStatus", "idScanSource",
                "idCheckDataPositions", "idCheckDocumentValidation", "idCheckHologram", "idCheckMRZcode",
                "idCheckMicroprint", "idCheckSecurityFeatures", "idCheckSignature", "idType", "idSubtype",
                "idCountry", "idScanImage", "idScanImageFace", "idScanImageBackside", "idNumber", "idFirstName",
                "idLastName", "idDob", "idExpiry", "idUsState", "personalNumber", "merchantIdScanReference",
                "merchantReportingCriteria", "customerId", "clientIp", "optionalData1", "optionalData2", "dni",
                "curp", "gender", "presetCountry", "presetIdType", "dlCarPermission", "nationality",
                "passportNumber", "durationOfStay", "numberOfEntries", "visaCategory", "originDob",
                "issuingAuthority", "issuingDate", "issuingPlace");

        @Test
        void eachTextParameterLandsInTheComponentOfTheSameName() throws Exception {
            List<String> namesAndValues = new ArrayList<>();
            for (String name : TEXT_PARAMETERS) {
                namesAndValues.add(name);
                namesAndValues.add("value of " + name);
            }
            NetverifyCallback callback = parser.parse(form(namesAndValues.toArray(String[]::new)));

            Map<String, Object> components = new LinkedHashMap<>();
            for (RecordComponent component : NetverifyCallback.class.getRecordComponents()) {
                components.put(component.getName(), component.getAccessor().invoke(callback));
            }
            for (String name : TEXT_PARAMETERS) {
                assertThat(components.get(name)).as(name).isEqualTo("value of " + name);
            }
            assertThat(callback.additionalParameters()).isEmpty();
        }

        @Test
        void structuredParametersAreTypedAndNotLeftOver() {
            NetverifyCallback callback = parser.parse(withScanReference(
                    "transactionDate", "2017-06-06T12:00:00.000Z",
                    "callbackDate", "2017-06-06T12:06:49.016Z",
                    "firstAttemptDate", "2017-06-06T11:59:00Z",
                    "identityVerification", "{\"similarity\":\"NO_MATCH\",\"validity\":false,"
                            + "\"reason\":\"MULTIPLE_PEOPLE\",\"handwrittenNoteMatches\":\"TRUE\"}",
                    "rejectReason", "{\"rejectReasonCode\":\"107\"}",
                    "idAddress", "{\"city\":\"Berlin\",\"postalCode\":\"10115\"}",
                    "dlCategories", "[{\"category\":\"B\"}]",
                    "livenessImages", "[\"https://a/1\"]"));

            assertThat(callback.transactionDate()).isEqualTo(Instant.parse("2017-06-06T12:00:00Z"));
            assertThat(callback.callbackDate()).isEqualTo(Instant.parse("2017-06-06T12:06:49.016Z"));
            assertThat(callback.firstAttemptDate()).isEqualTo(Instant.parse("2017-06-06T11:59:00Z"));
            assertThat(callback.identityVerification())
                    .isEqualTo(new IdentityVerification("NO_MATCH", false, "MULTIPLE_PEOPLE", true, Map.of()));
            assertThat(callback.rejectReason().rejectReasonCode()).isEqualTo("107");
            assertThat(callback.rejectReason().rejectReasonDetails()).isEmpty();
            assertThat(callback.idAddress().city()).isEqualTo("Berlin");
            assertThat(callback.dlCategories()).containsExactly(new DlCategory("B", null, null, null, null));
            assertThat(callback.livenessImages()).containsExactly("https://a/1");
            assertThat(callback.additionalParameters()).isEmpty();
        }
    }

    @Nested
    class Quirks {

        @ParameterizedTest
        @CsvSource({
                "true, true",
                "false, false",
                "'\"TRUE\"', true",
                "'\"FALSE\"', false",
                "'\"true\"', true",
                "'\"N/A\"', ",
                "null, "})
        void validityAsBooleanOrString(String jsonValue, Boolean expected) {
            NetverifyCallback callback = parser.parse(withScanReference(
                    "identityVerification", "{\"similarity\":\"MATCH\",\"validity\":" + jsonValue + "}"));

            assertThat(callback.identityVerification().validity()).isEqualTo(expected);
        }

        @Test
        void identityVerificationKeepsUnknownFields() {
            NetverifyCallback callback = parser.parse(withScanReference(
                    "identityVerification", "{\"similarity\":\"MATCH\",\"validity\":\"TRUE\",\"livenessScore\":97,"
                            + "\"extra\":{\"a\":1}}"));

            assertThat(callback.identityVerification().additionalFields())
                    .containsExactly(Map.entry("livenessScore", "97"), Map.entry("extra", "{\"a\":1}"));
        }

        @Test
        void rejectReasonDetailsAsASingleObject() {
            NetverifyCallback callback = parser.parse(withScanReference(
                    "rejectReason", "{\"rejectReasonCode\":\"200\",\"rejectReasonDescription\":\"NOT_READABLE_DOCUMENT\","
                            + "\"rejectReasonDetails\":{\"detailsCode\":\"2001\",\"detailsDescription\":\"BLURRED\"}}"));

            assertThat(callback.rejectReason().rejectReasonDetails())
                    .containsExactly(new RejectReasonDetail("2001", "BLURRED"));
        }

        @Test
        void numericCodesAreReadAsText() {
            NetverifyCallback callback = parser.parse(withScanReference(
                    "rejectReason", "{\"rejectReasonCode\":100,\"rejectReasonDetails\":[{\"detailsCode\":1001}]}"));

            assertThat(callback.rejectReason().rejectReasonCode()).isEqualTo("100");
            assertThat(callback.rejectReason().rejectReasonDetails())
                    .containsExactly(new RejectReasonDetail("1001", null));
        }

        @Test
        void rejectReasonDetailsOfAnUnexpectedShapeAreKeptAsSent() {
            NetverifyCallback callback = parser.parse(withScanReference(
                    "rejectReason", "{\"rejectReasonCode\":\"100\",\"rejectReasonDetails\":\"1001\"}"));

            assertThat(callback.rejectReason().rejectReasonDetails()).isEmpty();
            assertThat(callback.rejectReason().additionalFields())
                    .containsEntry("rejectReasonDetails", "\"1001\"");
        }

        @Test
        void unknownRejectCodesAreKept() {
            NetverifyCallback first = parser.parse(withScanReference(
                    "rejectReason", "{\"rejectReasonCode\":\"118\"}"));
            NetverifyCallback second = parser.parse(withScanReference(
                    "rejectReason", "{\"rejectReasonCode\":\"999\",\"rejectReasonDescription\":\"SOMETHING_NEW\"}"));

            assertThat(first.rejectReason().rejectReasonCode()).isEqualTo("118");
            assertThat(second.rejectReason().rejectReasonCode()).isEqualTo("999");
            assertThat(second.rejectReason().rejectReasonDescription()).isEqualTo("SOMETHING_NEW");
        }

        @ParameterizedTest
        @CsvSource({
                "2017-06-06T12:06:49.016Z, 2017-06-06T12:06:49.016Z",
                "2017-06-06T12:06:49.01Z, 2017-06-06T12:06:49.010Z",
                "2017-06-06T12:06:49.0Z, 2017-06-06T12:06:49Z",
                "2017-06-06T12:06:49Z, 2017-06-06T12:06:49Z",
                "2017-06-06T12:06:49.016+0000, 2017-06-06T12:06:49.016Z",
                "2017-06-06T14:06:49.016+02:00, 2017-06-06T12:06:49.016Z",
                "2017-06-06T12:06:49.016, 2017-06-06T12:06:49.016Z"})
        void timestampsWithZeroToThreeFractionDigits(String sent, String expected) {
            NetverifyCallback callback = parser.parse(withScanReference("transactionDate", sent));

            assertThat(callback.transactionDate()).isEqualTo(Instant.parse(expected));
        }

        @Test
        void embeddedJsonMayHaveWhitespace() {
            NetverifyCallback callback = parser.parse(withScanReference(
                    "identityVerification", "\n  { \"similarity\" : \"MATCH\" ,\n \"validity\" : true }  \n"));

            assertThat(callback.identityVerification().similarity()).isEqualTo("MATCH");
        }

        @Test
        void euAddressFormat() {
            NetverifyCallback callback = parser.parse(withScanReference(
                    "idAddress", "{\"city\":\"Madrid\",\"province\":\"Madrid\",\"streetName\":\"Calle Mayor\","
                            + "\"streetNumber\":\"1\",\"unitDetails\":\"3 B\",\"postalCode\":\"28013\","
                            + "\"country\":\"ESP\"}"));

            IdAddress address = callback.idAddress();
            assertThat(address.format()).isEqualTo(AddressFormat.EU);
            assertThat(address.city()).isEqualTo("Madrid");
            assertThat(address.province()).isEqualTo("Madrid");
            assertThat(address.streetName()).isEqualTo("Calle Mayor");
            assertThat(address.streetNumber()).isEqualTo("1");
            assertThat(address.unitDetails()).isEqualTo("3 B");
            assertThat(address.postalCode()).isEqualTo("28013");
            assertThat(address.country()).isEqualTo("ESP");
            assertThat(address.zip()).isNull();
        }

        @Test
        void rawAddressFormat() {
            NetverifyCallback callback = parser.parse(withScanReference(
                    "idAddress", "{\"line1\":\"10 Downing Street\",\"line2\":\"Westminster\",\"line3\":\"N/A\","
                            + "\"line4\":\"\",\"line5\":\"Flat 1\",\"postalCode\":\"SW1A 2AA\",\"city\":\"London\","
                            + "\"country\":\"GBR\",\"subdivision\":\"ENG\"}"));

            IdAddress address = callback.idAddress();
            assertThat(address.format()).isEqualTo(AddressFormat.RAW);
            assertThat(address.line1()).isEqualTo("10 Downing Street");
            assertThat(address.line2()).isEqualTo("Westminster");
            assertThat(address.line3()).as("N/A").isNull();
            assertThat(address.line4()).as("blank").isNull();
            assertThat(address.line5()).isEqualTo("Flat 1");
            assertThat(address.postalCode()).isEqualTo("SW1A 2AA");
            assertThat(address.city()).isEqualTo("London");
            assertThat(address.country()).isEqualTo("GBR");
            assertThat(address.additionalFields()).containsExactly(Map.entry("subdivision", "ENG"));
        }

        @Test
        void usAddressFormatWithAllFields() {
            NetverifyCallback callback = parser.parse(withScanReference(
                    "idAddress", "{\"city\":\"Columbus\",\"stateCode\":\"US-OH\",\"streetName\":\"High\","
                            + "\"streetSuffix\":\"ST\",\"streetDirection\":\"N\",\"streetNumber\":\"100\","
                            + "\"unitDesignator\":\"APT\",\"unitNumber\":\"4\",\"zip\":\"43215\","
                            + "\"zipExtension\":\"1234\",\"country\":\"USA\"}"));

            assertThat(callback.idAddress()).isEqualTo(new IdAddress(AddressFormat.US, "Columbus", "US-OH", "High",
                    "ST", "N", "100", "APT", "4", "43215", "1234", "USA", null, null, null,
                    null, null, null, null, null, Map.of()));
        }

        @Test
        void addressWithOnlySharedFieldsHasNoFormat() {
            NetverifyCallback callback = parser.parse(withScanReference(
                    "idAddress", "{\"city\":\"Columbus\",\"country\":\"USA\"}"));

            assertThat(callback.idAddress().format()).isNull();
        }

        @Test
        void dlCategoriesAsArray() {
            NetverifyCallback callback = parser.parse(withScanReference(
                    "dlCategories", "[{\"category\":\"B\",\"issueDate\":\"2010-01-01\",\"expiryDate\":\"2030-01-01\","
                            + "\"availability\":\"yes\"},{\"category\":\"C\",\"isReadable\":\"FALSE\","
                            + "\"availability\":\"not readable\"}]"));

            assertThat(callback.dlCategories()).containsExactly(
                    new DlCategory("B", "2010-01-01", "2030-01-01", null, "yes"),
                    new DlCategory("C", null, null, false, "not readable"));
        }

        @Test
        void dlCategoriesAsSingleObject() {
            NetverifyCallback callback = parser.parse(withScanReference(
                    "dlCategories", "{\"category\":\"AM\",\"availability\":\"no\",\"isReadable\":false}"));

            assertThat(callback.dlCategories()).containsExactly(new DlCategory("AM", null, null, false, "no"));
        }

        @Test
        void dlCategoriesAsObjectKeyedByCategory() {
            NetverifyCallback callback = parser.parse(withScanReference(
                    "dlCategories", "{\"B\":{\"issueDate\":\"2010-01-01\"},\"BE\":{\"availability\":\"no\"}}"));

            assertThat(callback.dlCategories()).containsExactly(
                    new DlCategory("B", "2010-01-01", null, null, null),
                    new DlCategory("BE", null, null, null, "no"));
        }

        @Test
        void livenessImagesAsJsonArray() {
            NetverifyCallback callback = parser.parse(withScanReference(
                    "livenessImages", "[ \"https://netverify.com/liveness/1\", \"https://netverify.com/liveness/2\" ]"));

            assertThat(callback.livenessImages())
                    .containsExactly("https://netverify.com/liveness/1", "https://netverify.com/liveness/2");
        }

        @Test
        void livenessImagesAsCommaSeparatedList() {
            NetverifyCallback callback = parser.parse(withScanReference(
                    "livenessImages", "https://netverify.com/liveness/1, https://netverify.com/liveness/2,"));

            assertThat(callback.livenessImages())
                    .containsExactly("https://netverify.com/liveness/1", "https://netverify.com/liveness/2");
        }

        @Test
        void unknownParametersAreKept() {
            NetverifyCallback callback = parser.parse(
                    withScanReference("verificationStatus", "APPROVED_VERIFIED", "newJumioField", "some value",
                            "emptyOne", "") + "&flagWithoutValue");

            assertThat(callback.additionalParameters()).containsExactly(
                    Map.entry("newJumioField", "some value"),
                    Map.entry("emptyOne", ""),
                    Map.entry("flagWithoutValue", ""));
        }

        @Test
        void notAvailableIsNullForPersonalDataButKeptForChecksAndMerchantValues() {
            NetverifyCallback callback = parser.parse(withScanReference(
                    "idNumber", "N/A", "idFirstName", "N/A", "idLastName", "n/a", "idDob", "N/A",
                    "idExpiry", "N/A", "personalNumber", "N/A", "idUsState", "N/A", "idAddress", "N/A",
                    "idCheckHologram", "N/A", "merchantIdScanReference", "N/A", "customerId", "N/A"));

            assertThat(callback.idNumber()).isNull();
            assertThat(callback.idFirstName()).isNull();
            assertThat(callback.idLastName()).isNull();
            assertThat(callback.idDob()).isNull();
            assertThat(callback.idExpiry()).isNull();
            assertThat(callback.personalNumber()).isNull();
            assertThat(callback.idUsState()).isNull();
            assertThat(callback.idAddress()).isNull();
            assertThat(callback.idCheckHologram()).isEqualTo("N/A");
            assertThat(callback.merchantIdScanReference()).isEqualTo("N/A");
            assertThat(callback.customerId()).isEqualTo("N/A");
        }

        @Test
        void partialIndianDateOfBirthIsKeptAsSent() {
            NetverifyCallback callback = parser.parse(withScanReference(
                    "idCountry", "IND", "idDob", "1990-12-01", "originDob", "1990/12/"));

            assertThat(callback.idDob()).isEqualTo("1990-12-01");
            assertThat(callback.originDob()).isEqualTo("1990/12/");
        }

        @Test
        void maskedFieldsAreSimplyAbsent() {
            NetverifyCallback callback = parser.parse(withScanReference(
                    "idCountry", "DEU", "idType", "ID_CARD", "verificationStatus", "APPROVED_VERIFIED"));

            assertThat(callback.idCheckMRZcode()).isNull();
            assertThat(callback.idNumber()).isNull();
        }

        @Test
        void plusIsASpaceAndUtf8IsDecoded() {
            NetverifyCallback callback = parser.parse(
                    "jumioIdScanReference=abc&idFirstName=J%C3%BCrgen+Karl&idLastName=M%C3%BCller%20Sch%C3%B6n");

            assertThat(callback.idFirstName()).isEqualTo("Jürgen Karl");
            assertThat(callback.idLastName()).isEqualTo("Müller Schön");
        }

        @Test
        void aRepeatedParameterKeepsItsFirstValue() {
            NetverifyCallback callback = parser.parse(
                    "jumioIdScanReference=first&verificationStatus=DENIED_FRAUD&verificationStatus=APPROVED_VERIFIED"
                            + "&jumioIdScanReference=second");

            assertThat(callback.jumioIdScanReference()).isEqualTo("first");
            assertThat(callback.verificationStatus()).isEqualTo("DENIED_FRAUD");
        }

        @Test
        void emptyPairsAreSkipped() {
            NetverifyCallback callback = parser.parse("&jumioIdScanReference=abc&&idType=PASSPORT&");

            assertThat(callback.jumioIdScanReference()).isEqualTo("abc");
            assertThat(callback.idType()).isEqualTo("PASSPORT");
            assertThat(callback.additionalParameters()).isEmpty();
        }
    }

    @Nested
    class Failures {

        /** Values from the bodies below that must never show up in a message. */
        private static final List<String> PERSONAL_DATA = List.of(
                "JOHN", "DOE", "P1234", "1990-01-01", "SECRET", "xxx.xxx.xxx.xxx", "YOURIDSCANREFERENCE");

        @Test
        void jsonBody() {
            // with an '=' inside, so it is the JSON check that refuses it
            InvalidCallbackException e = invalid(
                    "{\"jumioIdScanReference\":\"abc\",\"idFirstName\":\"JOHN\",\"idLastName=\":\"DOE\",\"idNumber\":\"P1234\"}");

            assertThat(e).hasMessageContaining("JSON");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "   ", "JOHN DOE P1234 garbage without pairs", "<xml name=\"JOHN\">DOE</xml>"})
        void notAForm(String body) {
            InvalidCallbackException e = invalid(body);

            assertThat(e).hasMessageStartingWith("Netverify callback body");
        }

        @Test
        void nullBody() {
            assertThatThrownBy(() -> parser.parse(null)).isInstanceOf(InvalidCallbackException.class);
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "idFirstName=JOHN&idLastName=DOE&idNumber=P1234",
                "jumioIdScanReference=&idFirstName=JOHN&idLastName=DOE",
                "jumioIdScanReference=+++&idFirstName=JOHN",
                "jumioIdScanReference=N%2FA&idFirstName=JOHN"})
        void missingOrBlankScanReference(String body) {
            InvalidCallbackException e = invalid(body);

            assertThat(e).hasMessageContaining("jumioIdScanReference");
        }

        @Test
        void overlongScanReference() {
            InvalidCallbackException e = invalid(form("jumioIdScanReference", "SECRET".repeat(20)));

            assertThat(e).hasMessageContaining("jumioIdScanReference");
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "{\"similarity\":\"MATCH\",\"validity\":true,\"reason\":JOHN DOE}",
                "{\"similarity\":\"MATCH\",\"validity\":true",
                "{\"similarity\":\"MATCH\"} SECRET",
                "JOHN"})
        void brokenIdentityVerificationJson(String json) {
            InvalidCallbackException e = invalid(approvedWithExtra("identityVerification", json));

            assertThat(e).hasMessageContaining("'identityVerification'").hasMessageContaining("JSON");
        }

        @ParameterizedTest
        @ValueSource(strings = {"rejectReason", "idAddress", "dlCategories", "livenessImages"})
        void otherBrokenEmbeddedJson(String parameter) {
            InvalidCallbackException e = invalid(approvedWithExtra(parameter, "[{\"x\":\"SECRET\""));

            assertThat(e).hasMessageContaining("'" + parameter + "'");
        }

        @Test
        void embeddedJsonOfTheWrongType() {
            InvalidCallbackException e = invalid(approvedWithExtra("idAddress", "[\"JOHN DOE\"]"));

            assertThat(e).hasMessageContaining("'idAddress'").hasMessageContaining("not a JSON object");
        }

        @ParameterizedTest
        @ValueSource(strings = {"transactionDate", "callbackDate", "firstAttemptDate"})
        void unreadableTimestamp(String parameter) {
            InvalidCallbackException e = invalid(approvedWithExtra(parameter, "06/06/2017 SECRET"));

            assertThat(e).hasMessageContaining("'" + parameter + "'");
        }

        @Test
        void brokenPercentEscape() {
            InvalidCallbackException e = invalid("jumioIdScanReference=abc&idFirstName=JOHN%2&idNumber=P1234");

            assertThat(e).hasMessageContaining("'idFirstName'");
        }

        private String approvedWithExtra(String name, String value) {
            // prepended: a repeated parameter keeps its first value, so this one overrides the seed's own
            return form(name, value, "idFirstName", "JOHN", "idLastName", "DOE", "idNumber", "P1234") + "&"
                    + approvedVerified();
        }

        private InvalidCallbackException invalid(String body) {
            InvalidCallbackException e = catchThrowableOfType(InvalidCallbackException.class, () -> parser.parse(body));
            assertThat(e).as("expected InvalidCallbackException").isNotNull();
            for (String value : PERSONAL_DATA) {
                assertThat(e.getMessage()).doesNotContain(value);
            }
            // a cause (a Jackson exception, say) could quote the body
            assertThat(e.getCause()).isNull();
            return e;
        }
    }
}
