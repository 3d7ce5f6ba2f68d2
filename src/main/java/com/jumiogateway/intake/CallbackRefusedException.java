package com.jumiogateway.intake;

/** A callback request refused before it is stored; the status and reason go back to the caller. */
public class CallbackRefusedException extends RuntimeException {

    private final int status;
    private final String reason;

    public CallbackRefusedException(int status, String reason, String message) {
        super(message);
        this.status = status;
        this.reason = reason;
    }

    public int getStatus() { return status; }
    public String getReason() { return reason; }
}
