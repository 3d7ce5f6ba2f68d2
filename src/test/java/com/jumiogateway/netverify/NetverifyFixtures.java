package com.jumiogateway.netverify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.springframework.http.converter.json.Jackson2ObjectMapperBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;

/** Test helpers: the seed callbacks exactly as posted, and form bodies built from name/value pairs. */
final class NetverifyFixtures {

    private NetverifyFixtures() {
    }

    /** Configured like Spring Boot's mapper: java.time support, ISO-8601 text for dates. */
    static ObjectMapper objectMapper() {
        return Jackson2ObjectMapperBuilder.json().featuresToDisable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
    }

    static String approvedVerified() {
        return read("approved-verified.txt");
    }

    static String deniedFraud() {
        return read("denied-fraud.txt");
    }

    private static String read(String name) {
        try (InputStream in = NetverifyFixtures.class.getResourceAsStream("/fixtures/netverify/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A form body from name, value, name, value, ... (values encoded as a browser would). */
    static String form(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must come in pairs");
        }
        StringJoiner body = new StringJoiner("&");
        for (int i = 0; i < namesAndValues.length; i += 2) {
            body.add(URLEncoder.encode(namesAndValues[i], StandardCharsets.UTF_8) + "="
                    + URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
        }
        return body.toString();
    }

    /** A minimal valid body plus the given pairs. */
    static String withScanReference(String... namesAndValues) {
        String[] all = new String[namesAndValues.length + 2];
        all[0] = "jumioIdScanReference";
        all[1] = "11111111-2222-3333-4444-555555555555";
        System.arraycopy(namesAndValues, 0, all, 2, namesAndValues.length);
        return form(all);
    }
}
