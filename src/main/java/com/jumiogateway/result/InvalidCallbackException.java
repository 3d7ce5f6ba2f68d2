package com.jumiogateway.result;

/** A stored callback that cannot be turned into a result as it is: marked failed, kept for replay. */
public class InvalidCallbackException extends RuntimeException {

    public InvalidCallbackException(String message) {
        super(message);
    }

    public InvalidCallbackException(String message, Throwable cause) {
        super(message, cause);
    }
}
