package com.jumiogateway.platform;

/**
 * A Jumio Platform API answered with an unexpected HTTP status (0: not asked, e.g. no credentials). Transient for the
 * inbox worker (the callback is retried later, never marked FAILED on its account).
 */
public class PlatformApiException extends RuntimeException {

    private final int status;

    public PlatformApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** For routes' throwException (status unknown). */
    public PlatformApiException(String message) {
        this(0, message);
    }

    public int getStatus() {
        return status;
    }
}
