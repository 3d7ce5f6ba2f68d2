package com.jumiogateway.dataprotection;

/**
 * A data key problem the service must not work around: a setting that does not parse, a value stored under a key id
 * that is not configured, or a configured key that does not decrypt what was stored under its id. The message names
 * the key id and what to do, never key material or a stored value.
 */
public class DataKeyException extends IllegalStateException {

    public DataKeyException(String message) {
        super(message);
    }

    public DataKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
