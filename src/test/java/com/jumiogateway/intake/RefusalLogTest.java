package com.jumiogateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** A stranger hammering the intake is counted every time but logged once a minute, so it cannot fill the log. */
@ExtendWith(OutputCaptureExtension.class)
class RefusalLogTest {

    @Test
    void repeatedRefusalsOfOneCallerAreCountedButLoggedOnce(CapturedOutput logs) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CallbackSourceAllowlist allowlist = new CallbackSourceAllowlist(new AllowlistProperties(), host -> {
            throw new java.net.UnknownHostException(host);
        }, meters);

        for (int i = 0; i < 500; i++) {
            allowlist.refused(allowlist.decide("203.0.113.50", Collections.emptyEnumeration()));
        }
        allowlist.refused(allowlist.decide("203.0.113.51", Collections.emptyEnumeration()));

        assertThat(meters.counter("gateway.callbacks.refused", "reason", "source-not-allowed").count()).isEqualTo(501.0);
        assertThat(logs.getAll().lines().filter(l -> l.contains("Refused callback from 203.0.113.50"))).hasSize(1);
        assertThat(logs.getAll().lines().filter(l -> l.contains("Refused callback from 203.0.113.51"))).hasSize(1);
    }
}
