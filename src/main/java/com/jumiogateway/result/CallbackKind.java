package com.jumiogateway.result;

/** Which Jumio product a callback or retrieval result belongs to. */
public enum CallbackKind {
    NETVERIFY,
    DOCUMENT_VERIFICATION,
    PLATFORM
}
