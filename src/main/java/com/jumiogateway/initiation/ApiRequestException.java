package com.jumiogateway.initiation;

/** A request to /api/transactions that cannot be served: the status and a short JSON error go back to the caller. */
public class ApiRequestException extends RuntimeException {

    private final int status;
    private final String error;

    public ApiRequestException(int status, String error, String message) {
        super(message);
        this.status = status;
        this.error = error;
    }

    public int getStatus() { return status; }
    public String getError() { return error; }
}
