package com.jumiogateway.netverify;

import static com.jumiogateway.form.JumioValues.bool;
import static com.jumiogateway.form.JumioValues.additionalFields;
import static com.jumiogateway.form.JumioValues.notAvailableToNull;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.jumiogateway.form.FormBody;
import com.jumiogateway.form.FormParameters;
import com.jumiogateway.form.JumioValues;
import com.jumiogateway.netverify.NetverifyCallback.AddressFormat;
import com.jumiogateway.netverify.NetverifyCallback.DlCategory;
import com.jumiogateway.netverify.NetverifyCallback.IdAddress;
import com.jumiogateway.netverify.NetverifyCallback.IdentityVerification;
import com.jumiogateway.netverify.NetverifyCallback.RejectReason;
import com.jumiogateway.netverify.NetverifyCallback.RejectReasonDetail;
import com.jumiogateway.result.InvalidCallbackException;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the raw body of a Netverify callback (application/x-www-form-urlencoded) into a {@link NetverifyCallback},
 * absorbing the payload quirks Jumio is known for. Exception messages name parameters, never values: the body is
 * personal data.
 *
 * <p>Rules: a repeated parameter keeps its first value. "N/A" and blank values become null, except for the idCheck*
 * results and the merchant's own values (merchantIdScanReference, merchantReportingCriteria, customerId), which are
 * kept exactly as sent. Unknown parameters go to {@code additionalParameters}; unknown fields inside the embedded
 * JSON objects go to their {@code additionalFields}.
 */
@Component("netverifyCallbackParser")
public class NetverifyCallbackParser {

    /** Jumio's scan references have 36 characters; the result store accepts up to 100. */
    static final int MAX_SCAN_REFERENCE_LENGTH = 100;



    private static final Set<String> IDENTITY_VERIFICATION_FIELDS =
            Set.of("similarity", "validity", "reason", "handwrittenNoteMatches");
    private static final Set<String> REJECT_REASON_FIELDS =
            Set.of("rejectReasonCode", "rejectReasonDescription", "rejectReasonDetails");
    private static final Set<String> US_ADDRESS_ONLY_FIELDS = Set.of(
            "stateCode", "streetSuffix", "streetDirection", "unitDesignator", "unitNumber", "zip", "zipExtension");
    private static final Set<String> EU_ADDRESS_ONLY_FIELDS = Set.of("province", "unitDetails");
    private static final Set<String> RAW_ADDRESS_ONLY_FIELDS = Set.of("line1", "line2", "line3", "line4", "line5");
    private static final Set<String> ADDRESS_FIELDS = Set.of(
            "city", "stateCode", "streetName", "streetSuffix", "streetDirection", "streetNumber", "unitDesignator",
            "unitNumber", "zip", "zipExtension", "country", "province", "unitDetails", "postalCode",
            "line1", "line2", "line3", "line4", "line5");
    private static final Set<String> DL_CATEGORY_FIELDS =
            Set.of("category", "issueDate", "expiryDate", "isReadable", "availability");

    private final ObjectReader jsonReader;

    public NetverifyCallbackParser(ObjectMapper objectMapper) {
        // Own reader settings, whatever the shared mapper's: JSON followed by anything else is broken JSON.
        this.jsonReader = objectMapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /**
     * @param body the raw request body, as stored
     * @throws InvalidCallbackException when the body is not a form, jumioIdScanReference is missing or blank, an
     *                                  embedded JSON value is broken, or a timestamp cannot be read
     */
    public NetverifyCallback parse(String body) {
        FormParameters p = new FormParameters(FormBody.decode(body, "Netverify callback"));
        String scanReference = p.text("jumioIdScanReference");
        if (scanReference == null) {
            throw new InvalidCallbackException("Netverify callback has no jumioIdScanReference");
        }
        if (scanReference.length() > MAX_SCAN_REFERENCE_LENGTH) {
            throw new InvalidCallbackException("Netverify callback parameter 'jumioIdScanReference' is longer than "
                    + MAX_SCAN_REFERENCE_LENGTH + " characters");
        }
        // Arguments are evaluated left to right, so unread() last sees every parameter read before it.
        return new NetverifyCallback(
                p.text("callBackType"),
                scanReference,
                p.text("verificationStatus"),
                p.text("idScanStatus"),
                p.text("idScanSource"),
                p.asSent("idCheckDataPositions"),
                p.asSent("idCheckDocumentValidation"),
                p.asSent("idCheckHologram"),
                p.asSent("idCheckMRZcode"),
                p.asSent("idCheckMicroprint"),
                p.asSent("idCheckSecurityFeatures"),
                p.asSent("idCheckSignature"),
                timestamp(p, "transactionDate"),
                timestamp(p, "callbackDate"),
                identityVerification(p),
                p.text("idType"),
                p.text("idSubtype"),
                p.text("idCountry"),
                rejectReason(p),
                p.text("idScanImage"),
                p.text("idScanImageFace"),
                p.text("idScanImageBackside"),
                p.text("idNumber"),
                p.text("idFirstName"),
                p.text("idLastName"),
                p.text("idDob"),
                p.text("idExpiry"),
                p.text("idUsState"),
                p.text("personalNumber"),
                idAddress(p),
                p.asSent("merchantIdScanReference"),
                p.asSent("merchantReportingCriteria"),
                p.asSent("customerId"),
                p.text("clientIp"),
                timestamp(p, "firstAttemptDate"),
                p.text("optionalData1"),
                p.text("optionalData2"),
                p.text("dni"),
                p.text("curp"),
                p.text("gender"),
                p.text("presetCountry"),
                p.text("presetIdType"),
                p.text("dlCarPermission"),
                dlCategories(p),
                p.text("nationality"),
                p.text("passportNumber"),
                p.text("durationOfStay"),
                p.text("numberOfEntries"),
                p.text("visaCategory"),
                p.text("originDob"),
                p.text("issuingAuthority"),
                p.text("issuingDate"),
                p.text("issuingPlace"),
                livenessImages(p),
                p.unread());
    }

    // --- top-level values -------------------------------------------------------------------------------------

    private static Instant timestamp(FormParameters p, String name) {
        return JumioValues.timestamp(p.text(name), "Netverify callback parameter '" + name
                + "' is not a timestamp (expected YYYY-MM-DDThh:mm:ss.SSSZ)");
    }

    /** Jumio sends a JSON array of URLs or a comma-separated list. */
    private List<String> livenessImages(FormParameters p) {
        String value = p.text("livenessImages");
        if (value == null) {
            return null;
        }
        List<String> urls = new ArrayList<>();
        if (value.startsWith("[")) {
            for (JsonNode element : readJson("livenessImages", value)) {
                addIfPresent(urls, element.isValueNode() ? element.asText() : element.toString());
            }
        } else {
            for (String url : value.split(",")) {
                addIfPresent(urls, url);
            }
        }
        return List.copyOf(urls);
    }

    // --- embedded JSON ----------------------------------------------------------------------------------------

    private IdentityVerification identityVerification(FormParameters p) {
        JsonNode object = jsonObject(p, "identityVerification");
        if (object == null) {
            return null;
        }
        return new IdentityVerification(
                text(object, "similarity"),
                bool(object, "validity"),
                text(object, "reason"),
                bool(object, "handwrittenNoteMatches"),
                additionalFields(object, IDENTITY_VERIFICATION_FIELDS));
    }

    private RejectReason rejectReason(FormParameters p) {
        JsonNode object = jsonObject(p, "rejectReason");
        if (object == null) {
            return null;
        }
        Map<String, String> additionalFields = new LinkedHashMap<>(additionalFields(object, REJECT_REASON_FIELDS));
        List<RejectReasonDetail> details = new ArrayList<>();
        JsonNode sentDetails = object.path("rejectReasonDetails");
        // one detail comes as an object, several as an array
        boolean shapeUnderstood = sentDetails.isMissingNode() || sentDetails.isNull() || sentDetails.isObject()
                || sentDetails.isArray();
        for (JsonNode detail : sentDetails.isObject() ? List.of(sentDetails) : sentDetails) {
            if (detail.isObject()) {
                details.add(new RejectReasonDetail(text(detail, "detailsCode"), text(detail, "detailsDescription")));
            } else {
                shapeUnderstood = false;
            }
        }
        if (!shapeUnderstood) {
            // nothing is dropped: what could not be read is kept as sent
            additionalFields.put("rejectReasonDetails", sentDetails.toString());
        }
        return new RejectReason(
                text(object, "rejectReasonCode"),
                text(object, "rejectReasonDescription"),
                List.copyOf(details),
                Collections.unmodifiableMap(additionalFields));
    }

    private IdAddress idAddress(FormParameters p) {
        JsonNode object = jsonObject(p, "idAddress");
        if (object == null) {
            return null;
        }
        return new IdAddress(
                addressFormat(object),
                text(object, "city"),
                text(object, "stateCode"),
                text(object, "streetName"),
                text(object, "streetSuffix"),
                text(object, "streetDirection"),
                text(object, "streetNumber"),
                text(object, "unitDesignator"),
                text(object, "unitNumber"),
                text(object, "zip"),
                text(object, "zipExtension"),
                text(object, "country"),
                text(object, "province"),
                text(object, "unitDetails"),
                text(object, "postalCode"),
                text(object, "line1"),
                text(object, "line2"),
                text(object, "line3"),
                text(object, "line4"),
                text(object, "line5"),
                additionalFields(object, ADDRESS_FIELDS));
    }

    /**
     * Raw if any line is present, US if any US-only field, EU if any EU-only field or a postal code (US uses zip);
     * null when only fields all formats share (city, country, street) came.
     */
    private static AddressFormat addressFormat(JsonNode address) {
        if (anyPresent(address, RAW_ADDRESS_ONLY_FIELDS)) {
            return AddressFormat.RAW;
        }
        if (anyPresent(address, US_ADDRESS_ONLY_FIELDS)) {
            return AddressFormat.US;
        }
        if (anyPresent(address, EU_ADDRESS_ONLY_FIELDS) || text(address, "postalCode") != null) {
            return AddressFormat.EU;
        }
        return null;
    }

    /** A JSON array of categories, one category object, or an object keyed by category name. */
    private List<DlCategory> dlCategories(FormParameters p) {
        String value = p.text("dlCategories");
        if (value == null) {
            return null;
        }
        JsonNode root = readJson("dlCategories", value);
        List<DlCategory> categories = new ArrayList<>();
        if (root.isArray()) {
            for (JsonNode element : root) {
                categories.add(dlCategory(element, null));
            }
        } else if (root.isObject() && anyPresent(root, DL_CATEGORY_FIELDS)) {
            categories.add(dlCategory(root, null));
        } else if (root.isObject()) {
            root.properties().forEach(entry -> categories.add(dlCategory(entry.getValue(), entry.getKey())));
        } else if (!root.isNull()) {
            throw new InvalidCallbackException(
                    "Netverify callback parameter 'dlCategories' is not a JSON array or object");
        }
        return List.copyOf(categories);
    }

    private static DlCategory dlCategory(JsonNode node, String categoryKey) {
        if (!node.isObject()) {
            // a bare category name
            return new DlCategory(categoryKey != null ? categoryKey : notAvailableToNull(node.asText()),
                    null, null, null, null);
        }
        String category = text(node, "category");
        return new DlCategory(
                category != null ? category : categoryKey,
                text(node, "issueDate"),
                text(node, "expiryDate"),
                bool(node, "isReadable"),
                text(node, "availability"));
    }

    private JsonNode jsonObject(FormParameters p, String name) {
        String value = p.text(name);
        if (value == null) {
            return null;
        }
        JsonNode node = readJson(name, value);
        if (node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new InvalidCallbackException("Netverify callback parameter '" + name + "' is not a JSON object");
        }
        return node;
    }

    private JsonNode readJson(String name, String value) {
        try {
            return jsonReader.readTree(value);
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the offending text (personal data): neither it nor the cause is passed on.
            throw new InvalidCallbackException(
                    "Netverify callback parameter '" + name + "' is not valid JSON" + position(e.getLocation()));
        }
    }

    private static String position(JsonLocation location) {
        return location == null || location.getColumnNr() < 1 ? "" : " (at column " + location.getColumnNr() + ")";
    }

    // --- JSON field helpers -----------------------------------------------------------------------------------

    /** A field as text: numbers and booleans as written, nested JSON as JSON text, blank and "N/A" as null. */
    private static String text(JsonNode object, String field) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        return notAvailableToNull(node.isValueNode() ? node.asText() : node.toString());
    }

    private static boolean anyPresent(JsonNode object, Set<String> fields) {
        return fields.stream().anyMatch(field -> text(object, field) != null);
    }

    private static void addIfPresent(List<String> values, String value) {
        String present = notAvailableToNull(value);
        if (present != null) {
            values.add(present);
        }
    }
}
