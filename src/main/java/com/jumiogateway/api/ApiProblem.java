package com.jumiogateway.api;

/**
 * An /api request that cannot be served: the http-errors route configuration answers it with {@link #getStatus()}
 * and {"error": {@link #getError()}, "message": {@link #getMessage()}}, so the JSON shape and the status codes of
 * every API error come from one place. The message is ours (it goes into the JSON as it is), never a value the caller
 * or Jumio sent.
 */
public class ApiProblem extends RuntimeException {

    private final int status;
    private final String error;

    public ApiProblem(int status, String error, String message) {
        super(message);
        this.status = status;
        this.error = error;
    }

    /** The HTTP status of the answer. */
    public int getStatus() {
        return status;
    }

    /** The short machine-readable error code, e.g. {@code bad-request} or {@code jumio-rate-limited}. */
    public String getError() {
        return error;
    }
}
