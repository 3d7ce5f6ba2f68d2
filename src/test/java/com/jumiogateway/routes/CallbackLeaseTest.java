package com.jumiogateway.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.Signals;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** routes/callback-inbox.camel.yaml: a callback claimed by an instance that died is processed once its lease runs out. */
class CallbackLeaseTest extends GatewayTestSupport {

    @Test
    void aClaimLeftByADeadInstanceIsTakenOverWhenItsLeaseRunsOut() {
        Timestamp past = Timestamp.from(Instant.now().minusSeconds(60));
        Timestamp future = Timestamp.from(Instant.now().plusSeconds(3600));
        leaveClaim("lease-expired", "dead-instance", past);
        leaveClaim("lease-held", "live-instance", future);

        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM verification_result WHERE scan_reference = 'lease-expired'", Long.class) == 1);
        awaitRounds(Signals.INBOX_WORKER, 2);
        assertThat(jdbc.queryForObject("SELECT status FROM callback_inbox WHERE claimed_by = 'live-instance'", String.class))
                .as("a claim still within its lease is left alone").isEqualTo("CLAIMED");
        assertThat(jdbc.queryForObject(
                "SELECT attempts FROM callback_inbox WHERE scan_reference = 'lease-expired'", Integer.class)).isEqualTo(2);
    }

    /** A callback as an instance leaves it when it dies mid-work: claimed (attempt 1), leased until {@code until}. */
    private void leaveClaim(String ref, String owner, Timestamp until) {
        jdbc.update("INSERT INTO callback_inbox (kind, source_address, content_type, body, received_at, status, attempts,"
                        + " claimed_by, claimed_until) VALUES ('NETVERIFY', ?, ?, ?, ?, 'CLAIMED', 1, ?, ?)",
                JUMIO_US, FORM, CallbackInboxTest.callback(ref).getBytes(StandardCharsets.UTF_8),
                Timestamp.from(Instant.now().minusSeconds(60)), owner, until);
    }
}
