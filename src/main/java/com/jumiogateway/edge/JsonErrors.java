package com.jumiogateway.edge;

import java.nio.charset.StandardCharsets;

/**
 * The one shape of every error answer: {@code {"error":"<reason>","message":"<text>"}}, with texts chosen here.
 * Nothing from the request is ever echoed (a caller-sent value in an answer or a log is how injection starts).
 */
public final class JsonErrors {

    private JsonErrors() {
    }

    /** Reason code for a status, as the intake and API routes use them. */
    public static String reason(int status) {
        return switch (status) {
            case 400 -> "bad-request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 408 -> "request-timeout";
            case 413 -> "payload-too-large";
            case 414 -> "uri-too-long";
            case 415 -> "unsupported-media-type";
            case 429 -> "too-many-requests";
            case 431 -> "headers-too-large";
            case 503 -> "unavailable";
            default -> status >= 500 ? "internal" : "client-error";
        };
    }

    /** A fixed message per status. */
    public static String message(int status) {
        return switch (status) {
            case 400 -> "The request is malformed";
            case 401 -> "Authentication required";
            case 403 -> "Not allowed";
            case 404 -> "No such resource";
            case 405 -> "Method not allowed here";
            case 406 -> "Only application/json answers are available";
            case 408 -> "The request did not arrive in time";
            case 413 -> "The request body is too large";
            case 414 -> "The request URI is too long";
            case 415 -> "Unsupported content type";
            case 429 -> "Too many failed attempts; retry later";
            case 431 -> "The request headers are too large";
            case 503 -> "The service is unavailable; please retry";
            default -> status >= 500 ? "Internal error" : "The request was refused";
        };
    }

    public static byte[] body(int status) {
        return body(reason(status), message(status));
    }

    /** Reason and message are the gateway's own constants (JSON-escaped anyway). */
    public static byte[] body(String reason, String message) {
        return ("{\"error\":\"" + escape(reason) + "\",\"message\":\"" + escape(message) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
