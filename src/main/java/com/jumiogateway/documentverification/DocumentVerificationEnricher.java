package com.jumiogateway.documentverification;

import com.jumiogateway.routing.ExchangeNames;
import com.jumiogateway.form.JumioValues;
import com.jumiogateway.documentverification.DocumentVerificationCallback.Document;
import com.jumiogateway.documentverification.DocumentVerificationCallback.Transaction;
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

/**
 * Turns a parsed Document Verification callback into the common {@link VerificationResult}: decision EXTRACTED,
 * UPLOADED_ONLY, DISCARDED or FAILED (transaction FAILED), the document type's readable name, the country name and
 * whether extraction happened.
 */
@Component("documentVerificationEnricher")
public class DocumentVerificationEnricher {

    static final String TRANSACTION_FAILED = "FAILED";
    /** Jumio: "UPLOADED (default)": a document without a status was uploaded, nothing more. */
    static final String DEFAULT_DOCUMENT_STATUS = "UPLOADED";

    private final CountryNames countryNames;

    public DocumentVerificationEnricher(CountryNames countryNames) {
        this.countryNames = countryNames;
    }

    /**
     * @param receivedAt when the gateway received (or retrieved) the result; the event time when Jumio sent no
     *                   timestamp
     */
    public VerificationResult enrich(DocumentVerificationCallback callback, ResultSource source, Instant receivedAt) {
        Objects.requireNonNull(callback, "callback");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Transaction transaction = callback.transaction();
        Document document = callback.document();
        Instant transactionDate = transaction == null ? null : transaction.date();
        Instant timestamp = callback.timestamp();
        String documentType = document == null ? null : document.type();
        String country = document == null ? null : document.country();
        return new VerificationResult(
                callback.scanReference(),
                CallbackKind.DOCUMENT_VERIFICATION,
                source,
                status(callback),
                decision(callback),
                transaction == null ? null : transaction.merchantScanReference(),
                transaction == null ? null : transaction.customerId(),
                documentType,
                country,
                countryNames.englishName(country),
                null,
                transactionDate,
                timestamp != null ? timestamp : receivedAt,
                transactionDate != null && timestamp != null
                        ? Duration.between(transactionDate, timestamp).toSeconds()
                        : null,
                new DocumentVerificationDetails(DocumentTypes.name(documentType), dataExtracted(document), callback));
    }

    /**
     * For routes: {@code bean:documentVerificationEnricher?method=enrichFromExchange} (also the default method).
     * The body is the parsed callback; the headers {@value ExchangeNames#CALLBACK_RECEIVED_AT} (Instant, Date/Timestamp,
     * epoch millis or ISO text) and {@value ExchangeNames#RESULT_SOURCE} (the enum or its name) are required.
     */
    @Handler
    public VerificationResult enrichFromExchange(@Body DocumentVerificationCallback callback,
                                                 @Header(ExchangeNames.CALLBACK_RECEIVED_AT) Object receivedAt,
                                                 @Header(ExchangeNames.RESULT_SOURCE) ResultSource source) {
        Object received = ExchangeNames.required(receivedAt, ExchangeNames.CALLBACK_RECEIVED_AT);
        return enrich(callback, ExchangeNames.required(source, ExchangeNames.RESULT_SOURCE),
                JumioValues.toInstant(received, ExchangeNames.CALLBACK_RECEIVED_AT));
    }

    /** FAILED when the transaction failed; otherwise the document status (UPLOADED by default), else as sent. */
    static String status(DocumentVerificationCallback callback) {
        Transaction transaction = callback.transaction();
        Document document = callback.document();
        if (transaction != null && TRANSACTION_FAILED.equalsIgnoreCase(transaction.status())) {
            return TRANSACTION_FAILED;
        }
        if (document != null) {
            return document.status() != null ? document.status() : DEFAULT_DOCUMENT_STATUS;
        }
        return transaction == null ? null : transaction.status();
    }

    static Decision decision(DocumentVerificationCallback callback) {
        String status = status(callback);
        if (status == null) {
            return Decision.UNKNOWN;
        }
        if (callback.document() == null && !TRANSACTION_FAILED.equals(status)) {
            // a DONE transaction without its document says nothing about the document
            return Decision.UNKNOWN;
        }
        return switch (status.toUpperCase(java.util.Locale.ROOT)) {
            case "FAILED" -> Decision.FAILED;
            case "EXTRACTED" -> Decision.EXTRACTED;
            case "UPLOADED" -> Decision.UPLOADED_ONLY;
            case "DISCARDED" -> Decision.DISCARDED;
            default -> Decision.UNKNOWN;
        };
    }

    static boolean dataExtracted(Document document) {
        return document != null
                && ("EXTRACTED".equalsIgnoreCase(document.status()) || document.extractedData() != null);
    }
}
