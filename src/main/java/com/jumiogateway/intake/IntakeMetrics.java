package com.jumiogateway.intake;

import com.jumiogateway.routing.ExchangeNames;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/** Counters the intake routes call by name. */
@Component("intakeMetrics")
public class IntakeMetrics {

    private final MeterRegistry meters;

    public IntakeMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** The inbox could not be written: the caller gets 503. */
    public void databaseUnavailable(@Header(ExchangeNames.CALLBACK_KIND) String kind) {
        meters.counter("gateway.callbacks.refused", "reason", "database-unavailable").increment();
    }
}
