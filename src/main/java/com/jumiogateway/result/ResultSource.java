package com.jumiogateway.result;

/** How a result reached us. */
public enum ResultSource {
    CALLBACK,
    RETRIEVAL
}
