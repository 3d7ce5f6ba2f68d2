package com.jumiogateway.webhook;

/**
 * What one attempt got: the HTTP status (null when no answer came: timeout, refused connection), a Retry-After in
 * seconds when the receiver sent one, a bounded error text (never the receiver's body), and how long it took.
 */
public record DeliveryAnswer(Integer statusCode, Long retryAfterSeconds, String error, long durationMs) {

    public enum Outcome { DELIVERED, RETRY, PERMANENT_FAILURE }

    /**
     * 2xx delivered; 5xx, 408, 409, 429 and no answer at all are retried; any other status (4xx, and 3xx: redirects
     * are not followed) is a permanent failure.
     */
    public Outcome outcome() {
        if (statusCode == null) {
            return Outcome.RETRY;
        }
        int s = statusCode;
        if (s >= 200 && s < 300) {
            return Outcome.DELIVERED;
        }
        if (s >= 500 || s == 408 || s == 409 || s == 429) {
            return Outcome.RETRY;
        }
        return Outcome.PERMANENT_FAILURE;
    }
}
