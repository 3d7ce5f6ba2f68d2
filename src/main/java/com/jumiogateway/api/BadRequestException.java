package com.jumiogateway.api;

/**
 * The caller's mistake in an /api request (an unknown status, say): answered 400 {"error":"bad-request",
 * "message":...} by the http-errors route configuration. The message is ours, never a value the caller sent.
 */
public class BadRequestException extends ApiProblem {

    public BadRequestException(String message) {
        super(400, "bad-request", message);
    }
}
