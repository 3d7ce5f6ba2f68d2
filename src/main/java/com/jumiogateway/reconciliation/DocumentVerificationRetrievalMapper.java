package com.jumiogateway.reconciliation;

import com.jumiogateway.routing.ExchangeNames;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jumiogateway.form.JumioValues;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/**
 * Document Verification results found by polling take the callback's path: the Retrieval API's
 * {@code GET /api/netverify/v2/documents/{ref}/data} answer ({@code {timestamp, scanReference, document{},
 * transaction{}}}) carries the same fields as a Document Verification callback (form parameters scanReference,
 * timestamp and the JSON objects transaction and document), so it is written as that form and read by
 * {@code documentVerificationCallbackParser} (which masks pan, accountNumber and ssn to their last four digits) and
 * {@code documentVerificationEnricher}: one model, one masking, one meaning for both paths.
 */
@Component("documentVerificationRetrievalMapper")
public class DocumentVerificationRetrievalMapper {

    private final ObjectMapper mapper;

    public DocumentVerificationRetrievalMapper(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Route step: the data payload in the body, the claimed row in the exchange property; returns the callback form. */
    public String toCallbackForm(@Body String payload,
                                 @ExchangeProperty(ExchangeNames.PENDING_TRANSACTION) PendingTransaction row) {
        return toCallbackForm(payload, row.scanReference());
    }

    public String toCallbackForm(String payload, String expectedScanReference) {
        JsonNode root = JumioValues.readAnswer(mapper, payload, "Document Verification retrieval data",
                expectedScanReference);
        StringJoiner form = new StringJoiner("&");
        add(form, "scanReference", expectedScanReference);
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals("scanReference") || field.getValue().isNull()) {
                continue;
            }
            JsonNode value = field.getValue();
            add(form, field.getKey(), value.isValueNode() ? value.asText() : value.toString());
        }
        return form.toString();
    }

    private static void add(StringJoiner form, String name, String value) {
        form.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
}
