package com.jumiogateway.reconciliation;

/**
 * Whether PLATFORM transactions can be polled (the Jumio Platform's credentials are configured). Provided by the
 * platform package, which builds on this one: reconciliation asks through this interface rather than knowing it.
 */
@FunctionalInterface
public interface PlatformPolling {

    boolean enabled();
}
