package com.jumiogateway.documentverification;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.http.converter.json.Jackson2ObjectMapperBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;

/** Test helpers: the seed callbacks exactly as posted, and Document Verification bodies built from parts. */
public final class DocumentVerificationFixtures {

    public static final String SEED_SCAN_REFERENCE = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

    /** A Visa test number (passes the Luhn check); never to be seen in full after intake. */
    public static final String PAN = "4556737586899855";
    /** The IBAN of the standard example, as a bank statement's account number. */
    public static final String ACCOUNT_NUMBER = "DE89370400440532013000";
    public static final String SSN = "123-45-6789";

    private DocumentVerificationFixtures() {
    }

    /** Configured like Spring Boot's mapper: java.time support, ISO-8601 text for dates. */
    public static ObjectMapper objectMapper() {
        return Jackson2ObjectMapperBuilder.json().featuresToDisable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
    }

    public static SensitiveNumberMasker masker() {
        return new SensitiveNumberMasker(objectMapper());
    }

    public static CallbackBodyRedactor redactor() {
        return new CallbackBodyRedactor(masker(), new SimpleMeterRegistry());
    }

    public static DocumentVerificationCallbackParser parser() {
        return new DocumentVerificationCallbackParser(objectMapper(), masker());
    }

    /** The seed's UPLOADED example (SSC from AUT, no extracted data). */
    public static String uploaded() {
        return read("uploaded.txt");
    }

    /** The seed's EXTRACTED example (SSC from USA with firstName, lastName, signatureAvailable, ssn). */
    public static String extractedSsc() {
        return read("extracted-ssc.txt");
    }

    /** The seed's DISCARDED example. */
    public static String discarded() {
        return read("discarded.txt");
    }

    private static String read(String name) {
        try (InputStream in = DocumentVerificationFixtures.class.getResourceAsStream(
                "/fixtures/document-verification/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A form body from name, value, name, value, ... (values encoded as a browser would). */
    public static String form(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must come in pairs");
        }
        StringJoiner body = new StringJoiner("&");
        for (int i = 0; i < namesAndValues.length; i += 2) {
            body.add(encode(namesAndValues[i]) + "=" + encode(namesAndValues[i + 1]));
        }
        return body.toString();
    }

    public static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** A DONE transaction as Jumio sends it. */
    public static String doneTransaction() {
        return "{\"customerId\":\"CUSTOMERID\",\"date\":\"2024-03-01T10:00:00.123Z\","
                + "\"merchantScanReference\":\"YOURSCANREFERENCE\",\"source\":\"DOC_API\",\"status\":\"DONE\","
                + "\"merchantReportingCriteria\":\"REPORTING\",\"clientIp\":\"203.0.113.7\"}";
    }

    /**
     * A credit card (CC) extraction: name, pan, expiryDate. Spaced like pretty JSON, so a test can tell a body kept
     * byte for byte from one rewritten from parsed JSON.
     */
    public static String creditCardDocument(String pan) {
        return "{\"type\": \"CC\", \"country\": \"USA\", \"status\": \"EXTRACTED\", "
                + "\"images\": [\"https://retrieval.netverify.com/api/netverify/v2/documents/ref/pages/1\", "
                + "\"https://retrieval.netverify.com/api/netverify/v2/documents/ref/pages/2\"], "
                + "\"extractedData\": {\"name\": \"JANE Q CARDHOLDER\", \"pan\": \"" + pan + "\", "
                + "\"expiryDate\": \"2027-08-31\"}}";
    }

    /** A bank statement (BS) extraction: name, issueDate, raw address, accountNumber, swiftCode (spaced JSON). */
    public static String bankStatementDocument(String accountNumber) {
        return "{\"type\": \"BS\", \"country\": \"DEU\", \"status\": \"EXTRACTED\", "
                + "\"images\":[\"https://retrieval.netverify.com/api/netverify/v2/documents/ref/pages/1\"],"
                + "\"originalDocument\":\"https://retrieval.netverify.com/api/netverify/v2/documents/ref/original\","
                + "\"extractedData\":{\"name\":\"MAX MUSTERMANN\",\"issueDate\":\"2024-02-29\","
                + "\"accountNumber\":\"" + accountNumber + "\",\"swiftCode\":\"COBADEFFXXX\","
                + "\"address\":{\"line1\":\"MAX MUSTERMANN\",\"line2\":\"HAUPTSTRASSE 5\",\"line3\":\"10115 BERLIN\","
                + "\"countryCode\":\"DEU\",\"postalCode\":\"10115\",\"city\":\"BERLIN\",\"subdivision\":\"BERLIN\"}}}";
    }

    /** A complete callback body for a scan reference, timestamp (as sent), transaction and document JSON. */
    public static String callback(String scanReference, String timestamp, String transaction, String document) {
        return form("timestamp", timestamp, "scanReference", scanReference, "document", document,
                "transaction", transaction);
    }
}
