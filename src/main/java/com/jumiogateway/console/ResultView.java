package com.jumiogateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.jumiogateway.documentverification.DocumentTypes;
import com.jumiogateway.enrich.CountryNames;
import com.jumiogateway.personaldata.PersonalDataRedaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A stored result as the console's result page shows it: the decision, status, reject reason, document and country
 * in words, timings and delivery counters. {@link #details} (the product's payload, with the person's data) is
 * filled only for a reader who may see personal data.
 */
public record ResultView(
        String scanReference,
        String kind,
        String kindName,
        String source,
        String sourceText,
        String status,
        String statusText,
        String decision,
        String decisionText,
        String decisionTone,
        String merchantReference,
        String customerId,
        String documentType,
        String documentTypeName,
        String country,
        String countryName,
        RejectReasonView rejectReason,
        String transactionDate,
        String eventTime,
        String timeToResult,
        Map<String, String> delivery,
        String personalDataState,
        Map<String, String> details) {

    public record RejectReasonView(String code, String description, String category, List<String[]> details) {
    }

    /** From the result JSON as the store serves it; {@code withPersonalData} false leaves the details out. */
    static ResultView of(JsonNode node, boolean withPersonalData, CountryNames countries) {
        String kind = text(node, "kind");
        String decision = text(node, "decision");
        String country = text(node, "country");
        String countryName = text(node, "countryName");
        if (countryName == null && country != null) {
            countryName = countries.englishName(country);
        }
        String documentType = text(node, "documentType");
        RejectReasonView reject = null;
        JsonNode reason = node.path("rejectReason");
        if (reason.isObject()) {
            List<String[]> details = new ArrayList<>();
            for (JsonNode detail : reason.path("details")) {
                details.add(new String[] {text(detail, "code"), text(detail, "description")});
            }
            reject = new RejectReasonView(text(reason, "code"), text(reason, "description"), text(reason, "category"),
                    details);
        }
        Map<String, String> delivery = new LinkedHashMap<>();
        JsonNode counters = node.path("delivery");
        for (String field : List.of("deliveries", "duplicates", "staleDeliveries", "firstStoredAt", "lastUpdatedAt")) {
            if (counters.hasNonNull(field)) {
                delivery.put(field, counters.get(field).asText());
            }
        }
        Map<String, String> details = null;
        if (withPersonalData) {
            details = new LinkedHashMap<>();
            // everything but the decision fields shown above: the product's payload (masked numbers stay masked)
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!PersonalDataRedaction.DECISION_FIELDS.contains(field.getKey()) && !field.getKey().equals("delivery")
                        && !field.getKey().equals("details") && !field.getKey().equals("personalData")) {
                    flatten(field.getKey(), field.getValue(), details);
                }
            }
            flatten("", node.path("details"), details);
        }
        JsonNode personal = node.path("personalData");
        String personalState = personal.isObject()
                ? "Personal data " + (personal.path("state").asText().equals("ERASED") ? "erased" : "removed after its retention")
                  + " on " + personal.path("at").asText() : null;
        Long seconds = node.hasNonNull("secondsToResult") ? node.get("secondsToResult").asLong() : null;
        return new ResultView(text(node, "scanReference"), kind, kindName(kind), text(node, "source"),
                sourceText(text(node, "source")), text(node, "status"), words(text(node, "status")), decision,
                decisionText(decision), tone(decision), text(node, "merchantReference"), text(node, "customerId"),
                documentType, documentTypeName(documentType), country, countryName, reject,
                text(node, "transactionDate"), text(node, "eventTime"), duration(seconds), delivery, personalState, details);
    }

    private static void flatten(String prefix, JsonNode value, Map<String, String> into) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return;
        }
        if (value.isObject()) {
            value.fields().forEachRemaining(f -> flatten(prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey(),
                    f.getValue(), into));
        } else if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                flatten(prefix + "[" + i + "]", value.get(i), into);
            }
        } else {
            into.put(prefix, value.asText());
        }
    }

    static String kindName(String kind) {
        if (kind == null) {
            return null;
        }
        return switch (kind) {
            case "NETVERIFY" -> "Netverify (ID verification)";
            case "DOCUMENT_VERIFICATION" -> "Document Verification";
            case "PLATFORM" -> "Jumio Platform";
            default -> words(kind);
        };
    }

    static String sourceText(String source) {
        if (source == null) {
            return null;
        }
        return switch (source) {
            case "CALLBACK" -> "Jumio's callback";
            case "RETRIEVAL" -> "Jumio's Retrieval API (polled: no callback had come)";
            default -> words(source);
        };
    }

    static String decisionText(String decision) {
        if (decision == null) {
            return null;
        }
        return switch (decision) {
            case "APPROVED" -> "Approved";
            case "FRAUD" -> "Fraud suspected (denied)";
            case "RETRY_WITH_USER" -> "Not readable: ask the user to try again";
            case "UNSUPPORTED_DOCUMENT" -> "Document type or country not supported";
            case "NOTHING_UPLOADED" -> "Nothing was uploaded";
            case "EXTRACTED" -> "Data extracted";
            case "UPLOADED_ONLY" -> "Uploaded (no extraction)";
            case "DISCARDED" -> "Discarded: no supported document";
            case "FAILED" -> "The transaction failed at Jumio";
            case "REJECTED" -> "Rejected";
            case "REVIEW" -> "Needs a person's review";
            case "UNKNOWN" -> "Unknown status (kept as Jumio sent it)";
            default -> words(decision);
        };
    }

    /** A class for the decision's colour (each also carries its words, never colour alone). */
    static String tone(String decision) {
        if (decision == null) {
            return "neutral";
        }
        return switch (decision) {
            case "APPROVED", "EXTRACTED" -> "good";
            case "FRAUD", "REJECTED", "FAILED" -> "bad";
            case "UNKNOWN" -> "neutral";
            default -> "warn";
        };
    }

    static String documentTypeName(String code) {
        if (code == null) {
            return null;
        }
        return switch (code) {
            case "PASSPORT" -> "Passport";
            case "DRIVING_LICENSE" -> "Driving licence";
            case "ID_CARD" -> "Identity card";
            case "VISA" -> "Visa";
            default -> {
                String name = DocumentTypes.name(code);
                yield name != null ? name : words(code);
            }
        };
    }

    /** APPROVED_VERIFIED -> "Approved verified". */
    static String words(String code) {
        if (code == null || code.isBlank()) {
            return code;
        }
        String spaced = code.replace('_', ' ').toLowerCase(Locale.ROOT);
        return Character.toUpperCase(spaced.charAt(0)) + spaced.substring(1);
    }

    static String duration(Long seconds) {
        if (seconds == null) {
            return null;
        }
        Duration d = Duration.ofSeconds(seconds);
        if (d.toHours() > 0) {
            return d.toHours() + " h " + d.toMinutesPart() + " min " + d.toSecondsPart() + " s";
        }
        return d.toMinutes() > 0 ? d.toMinutes() + " min " + d.toSecondsPart() + " s" : d.toSeconds() + " s";
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
