package com.jumiogateway.intake;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/** Counters the intake routes call by name. */
@Component("intakeMetrics")
public class IntakeMetrics {

    private final MeterRegistry meters;
    // looked up once per kind: registry lookups showed up in the intake profile
    private final java.util.Map<String, io.micrometer.core.instrument.Counter> received = new java.util.concurrent.ConcurrentHashMap<>();

    public IntakeMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** A callback was committed to the inbox (and will be answered 200). */
    public void stored(@Header("CallbackKind") String kind) {
        received.computeIfAbsent(String.valueOf(kind), k -> meters.counter("gateway.callbacks.received", "kind", k)).increment();
    }

    /** The inbox could not be written: the caller gets 503. */
    public void databaseUnavailable(@Header("CallbackKind") String kind) {
        meters.counter("gateway.callbacks.refused", "reason", "database-unavailable").increment();
    }
}
