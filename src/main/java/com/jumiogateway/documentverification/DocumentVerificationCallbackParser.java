package com.jumiogateway.documentverification;

import static com.jumiogateway.form.JumioValues.bool;
import static com.jumiogateway.form.JumioValues.additionalFields;
import static com.jumiogateway.form.JumioValues.notAvailableToNull;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.TextNode;
import com.jumiogateway.documentverification.DocumentVerificationCallback.Address;
import com.jumiogateway.documentverification.DocumentVerificationCallback.Document;
import com.jumiogateway.documentverification.DocumentVerificationCallback.ExtractedData;
import com.jumiogateway.documentverification.DocumentVerificationCallback.Image;
import com.jumiogateway.documentverification.DocumentVerificationCallback.Transaction;
import com.jumiogateway.form.FormBody;
import com.jumiogateway.form.FormParameters;
import com.jumiogateway.form.JumioValues;
import com.jumiogateway.result.InvalidCallbackException;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the raw body of a Document Verification callback (application/x-www-form-urlencoded: scanReference,
 * timestamp, and the JSON objects transaction and document) into a {@link DocumentVerificationCallback}, absorbing
 * Jumio's payload quirks: images as an array or an object, image classifiers as numbers or strings, JSON objects
 * sent as a JSON string (at the top level or nested), booleans as strings, 0 to 3 fraction digits in timestamps.
 *
 * <p>Every JSON parameter is passed through {@link SensitiveNumberMasker#maskTree} before it is read, so a full
 * card, account or social security number never reaches the model, even from a body stored before redaction
 * existed. Exception messages name parameters and fields, never values: the body is personal data.
 *
 * <p>Rules: a repeated parameter keeps its first value. "N/A" and blank values become null, except for the
 * merchant's own values, kept exactly as sent. Unknown parameters go to {@code additionalParameters}, unknown JSON
 * fields to the {@code additionalFields} of their object; unknown document types are kept as sent.
 */
@Component("documentVerificationCallbackParser")
public class DocumentVerificationCallbackParser {

    static final String CALLBACK = "Document Verification callback";

    /** Jumio's scan references have 36 characters; the result store accepts up to 100. */
    static final int MAX_SCAN_REFERENCE_LENGTH = 100;

    /** Levels of "JSON inside a JSON string" unwrapped before giving up. */
    private static final int MAX_STRING_WRAPPING = 3;


    private static final Set<String> TRANSACTION_FIELDS = Set.of("date", "status", "source", "merchantScanReference",
            "customerId", "merchantReportingCriteria", "clientIp");
    private static final Set<String> DOCUMENT_FIELDS = Set.of("status", "country", "type", "images",
            "originalDocument", "customDocumentCode", "extractedData");
    private static final Set<String> EXTRACTED_DATA_FIELDS = Set.of("firstName", "lastName", "name",
            "accountNumber", "pan", "issueDate", "expiryDate", "dueDate", "ssn", "signatureAvailable", "swiftCode",
            "cardNumberLastFourDigits", "address");
    private static final Set<String> ADDRESS_FIELDS = Set.of("line1", "line2", "line3", "line4", "line5",
            "countryCode", "postalCode", "city", "subdivision");
    private static final Set<String> IMAGE_FIELDS = Set.of("classifier", "href");

    private final ObjectReader jsonReader;
    private final SensitiveNumberMasker masker;

    public DocumentVerificationCallbackParser(ObjectMapper objectMapper, SensitiveNumberMasker masker) {
        // Own reader settings, whatever the shared mapper's: JSON followed by anything else is broken JSON.
        this.jsonReader = objectMapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.masker = masker;
    }

    /**
     * @param body the raw request body, as stored
     * @throws InvalidCallbackException when the body is not a form, scanReference is missing, blank or too long,
     *                                  transaction or document is not a JSON object (directly or as a JSON string),
     *                                  or a timestamp cannot be read
     */
    public DocumentVerificationCallback parse(String body) {
        FormParameters p = new FormParameters(FormBody.decode(body, CALLBACK));
        String scanReference = p.text("scanReference");
        if (scanReference == null) {
            throw new InvalidCallbackException(CALLBACK + " has no scanReference");
        }
        if (scanReference.length() > MAX_SCAN_REFERENCE_LENGTH) {
            throw new InvalidCallbackException(CALLBACK + " parameter 'scanReference' is longer than "
                    + MAX_SCAN_REFERENCE_LENGTH + " characters");
        }
        Instant timestamp = timestamp(p.text("timestamp"), "parameter 'timestamp'");
        Transaction transaction = transaction(jsonParameter(p, "transaction"));
        Document document = document(jsonParameter(p, "document"));
        return new DocumentVerificationCallback(scanReference, timestamp, transaction, document,
                additionalParameters(p.unread()));
    }

    // --- transaction ------------------------------------------------------------------------------------------

    private Transaction transaction(JsonNode object) {
        if (object == null) {
            return null;
        }
        return new Transaction(
                timestamp(text(object, "date"), "'transaction' field 'date'"),
                text(object, "status"),
                text(object, "source"),
                asSent(object, "merchantScanReference"),
                asSent(object, "customerId"),
                asSent(object, "merchantReportingCriteria"),
                text(object, "clientIp"),
                additionalFields(object, TRANSACTION_FIELDS));
    }

    // --- document ---------------------------------------------------------------------------------------------

    private Document document(JsonNode object) {
        if (object == null) {
            return null;
        }
        return new Document(
                text(object, "status"),
                text(object, "country"),
                text(object, "type"),
                images(object.get("images")),
                text(object, "originalDocument"),
                asSent(object, "customDocumentCode"),
                extractedData(jsonField(object, "extractedData", "'document' field 'extractedData'")),
                additionalFields(object, DOCUMENT_FIELDS));
    }

    private ExtractedData extractedData(JsonNode object) {
        if (object == null) {
            return null;
        }
        Map<String, String> additionalFields = new LinkedHashMap<>(additionalFields(object, EXTRACTED_DATA_FIELDS));
        Boolean signatureAvailable = bool(object, "signatureAvailable");
        String sentSignature = text(object, "signatureAvailable");
        if (signatureAvailable == null && sentSignature != null) {
            // nothing is dropped: a value that is neither true nor false is kept as sent
            additionalFields.put("signatureAvailable", sentSignature);
        }
        return new ExtractedData(
                text(object, "firstName"),
                text(object, "lastName"),
                text(object, "name"),
                text(object, "accountNumber"),
                text(object, "pan"),
                text(object, "issueDate"),
                text(object, "expiryDate"),
                text(object, "dueDate"),
                text(object, "ssn"),
                signatureAvailable,
                text(object, "swiftCode"),
                text(object, "cardNumberLastFourDigits"),
                address(jsonField(object, "address", "'extractedData' field 'address'")),
                Collections.unmodifiableMap(additionalFields));
    }

    private static Address address(JsonNode object) {
        if (object == null) {
            return null;
        }
        return new Address(
                text(object, "line1"),
                text(object, "line2"),
                text(object, "line3"),
                text(object, "line4"),
                text(object, "line5"),
                text(object, "countryCode"),
                text(object, "postalCode"),
                text(object, "city"),
                text(object, "subdivision"),
                additionalFields(object, ADDRESS_FIELDS));
    }

    /**
     * An array of URLs or image objects, one image object, or an object keyed by classifier (values URLs or image
     * objects); any of them possibly sent as a JSON string; a plain string is one URL or a comma-separated list.
     */
    private List<Image> images(JsonNode node) {
        JsonNode images = node;
        if (images != null && images.isTextual()) {
            String text = notAvailableToNull(images.textValue());
            if (text == null) {
                return List.of();
            }
            if (!looksLikeJson(text)) {
                List<Image> urls = new ArrayList<>();
                for (String url : text.split(",")) {
                    String present = notAvailableToNull(url);
                    if (present != null) {
                        urls.add(new Image(null, present, Map.of()));
                    }
                }
                return List.copyOf(urls);
            }
            // JSON sent as a JSON string: each level of quoting is one step shorter, so this ends
            return images(readJson(text, "'document' field 'images'"));
        }
        if (images == null || images.isNull() || images.isMissingNode()) {
            return List.of();
        }
        List<Image> result = new ArrayList<>();
        if (images.isArray()) {
            for (JsonNode element : images) {
                addImage(result, element, null);
            }
        } else if (images.isObject() && (images.has("classifier") || images.has("href") || images.has("url"))) {
            addImage(result, images, null);
        } else if (images.isObject()) {
            images.properties().forEach(entry -> addImage(result, entry.getValue(), entry.getKey()));
        } else {
            addImage(result, images, null);
        }
        return List.copyOf(result);
    }

    private static void addImage(List<Image> images, JsonNode node, String classifierKey) {
        if (node == null || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            String href = notAvailableToNull(node.isValueNode() ? node.asText() : node.toString());
            if (href != null) {
                images.add(new Image(classifierKey, href, Map.of()));
            }
            return;
        }
        String classifier = text(node, "classifier");
        String href = text(node, "href");
        Set<String> known = new HashSet<>(IMAGE_FIELDS);
        if (href == null && text(node, "url") != null) {
            href = text(node, "url");
            known.add("url");
        }
        images.add(new Image(classifier != null ? classifier : classifierKey, href, additionalFields(node, known)));
    }

    // --- top level --------------------------------------------------------------------------------------------

    /** Unknown parameters as decoded; protected ones (and protected fields in JSON ones) masked. */
    private Map<String, String> additionalParameters(Map<String, String> unread) {
        Map<String, String> result = new LinkedHashMap<>();
        unread.forEach((name, value) -> result.put(name, masker.isProtected(name)
                ? SensitiveNumberMasker.mask(value)
                : masker.maskTree(TextNode.valueOf(value)).textValue()));
        return Collections.unmodifiableMap(result);
    }

    private static Instant timestamp(String value, String what) {
        return JumioValues.timestamp(value, CALLBACK + " " + what + " is not a timestamp (expected YYYY-MM-DDThh:mm:ss.SSSZ)");
    }

    // --- embedded JSON ----------------------------------------------------------------------------------------

    /** A form parameter holding a JSON object (or a JSON string holding one), protected numbers masked. */
    private JsonNode jsonParameter(FormParameters p, String name) {
        String value = p.text(name);
        if (value == null) {
            return null;
        }
        String what = "parameter '" + name + "'";
        JsonNode object = unwrap(readJson(value, what), what);
        return object == null ? null : masker.maskTree(object);
    }

    /** A field holding a JSON object, or a JSON string holding one (the nested-JSON quirk); null when absent. */
    private JsonNode jsonField(JsonNode parent, String field, String what) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            String text = notAvailableToNull(node.textValue());
            if (text == null) {
                return null;
            }
            // the masker has already masked protected fields inside JSON text
            return unwrap(readJson(text, what), what);
        }
        return unwrap(node, what);
    }

    /** Unwraps JSON sent as a JSON string; null for JSON null; an object or an error otherwise. */
    private JsonNode unwrap(JsonNode node, String what) {
        JsonNode current = node;
        for (int level = 0; current.isTextual() && level < MAX_STRING_WRAPPING; level++) {
            String text = notAvailableToNull(current.textValue());
            if (text == null) {
                return null;
            }
            current = readJson(text, what);
        }
        if (current.isNull()) {
            return null;
        }
        if (!current.isObject()) {
            throw new InvalidCallbackException(CALLBACK + " " + what + " is not a JSON object");
        }
        return current;
    }

    private JsonNode readJson(String value, String what) {
        try {
            return jsonReader.readTree(value);
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the offending text (personal data): neither it nor the cause is passed on.
            throw new InvalidCallbackException(CALLBACK + " " + what + " is not valid JSON" + position(e.getLocation()));
        }
    }

    private static String position(JsonLocation location) {
        return location == null || location.getColumnNr() < 1 ? "" : " (at column " + location.getColumnNr() + ")";
    }

    private static boolean looksLikeJson(String text) {
        String stripped = text.strip();
        return stripped.startsWith("{") || stripped.startsWith("[") || stripped.startsWith("\"");
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

    /** The merchant's own values: absent, null or blank is null; anything else exactly as sent. */
    private static String asSent(JsonNode object, String field) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        String value = node.isValueNode() ? node.asText() : node.toString();
        return value.isBlank() ? null : value;
    }
}
