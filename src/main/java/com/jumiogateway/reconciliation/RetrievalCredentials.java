package com.jumiogateway.reconciliation;

import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Whether Jumio accepts our retrieval credentials, shared by every instance through the database: a row in
 * retrieval_credentials_block means "refused" (401/403). While it exists every instance stops polling, except that
 * one instance at a time may send one probe request per probe interval; the first poll Jumio answers with anything
 * but 401/403 deletes the row. Whoever inserts or deletes the row raises the operations alert, so each alert is
 * raised once per episode across the service.
 */
public class RetrievalCredentials {

    private static final Logger log = LoggerFactory.getLogger(RetrievalCredentials.class);
    private static final String NAME = "retrieval";

    private final JdbcTemplate jdbc;
    private final JumioApiProperties jumio;
    private final ReconciliationProperties properties;
    private final Clock clock;
    private final MeterRegistry meters;
    private final String instanceId;
    private volatile boolean blockedLocally;
    private volatile boolean warnedUnconfigured;

    public RetrievalCredentials(JdbcTemplate jdbc, JumioApiProperties jumio, ReconciliationProperties properties,
                                Clock clock, MeterRegistry meters, String instanceId) {
        this.jdbc = jdbc;
        this.jumio = jumio;
        this.properties = properties;
        this.clock = clock;
        this.meters = meters;
        this.instanceId = instanceId;
    }

    /** False (and logged once) when no API token or secret is configured: nothing is polled. */
    public boolean configured() {
        boolean configured = jumio.credentialsConfigured();
        if (!configured && !warnedUnconfigured) {
            warnedUnconfigured = true;
            log.warn("No Jumio API credentials configured (GATEWAY_JUMIO_API_TOKEN / GATEWAY_JUMIO_API_SECRET):"
                    + " the reconciliation poller does not poll");
        }
        return configured;
    }

    /** Reads the shared state; remembers it for {@link #blockedLocally()}. */
    public boolean blocked() {
        boolean blocked = !jdbc.queryForList("SELECT name FROM retrieval_credentials_block WHERE name = ?",
                String.class, NAME).isEmpty();
        blockedLocally = blocked;
        return blocked;
    }

    /** The state as this instance last saw or set it; checked before each request of a claimed batch. */
    public boolean blockedLocally() {
        return blockedLocally;
    }

    /** While blocked: true for exactly one caller across the service per probe interval. */
    public boolean takeProbe() {
        Instant now = clock.instant();
        boolean granted = jdbc.update("UPDATE retrieval_credentials_block SET next_probe_at = ? WHERE name = ? AND next_probe_at <= ?",
                Timestamp.from(now.plus(properties.getCredentialsProbeInterval())), NAME, Timestamp.from(now)) == 1;
        if (granted) {
            log.info("Jumio refuses the retrieval credentials: this instance sends the probe request");
        }
        return granted;
    }

    /** Jumio answered 401/403. Returns true when this call started the episode (raise the alert). */
    public boolean refused(@Header("CamelHttpResponseCode") int httpStatus) {
        blockedLocally = true;
        Instant now = clock.instant();
        try {
            jdbc.update("INSERT INTO retrieval_credentials_block (name, http_status, blocked_at, next_probe_at, blocked_by)"
                            + " VALUES (?, ?, ?, ?, ?)", NAME, httpStatus, Timestamp.from(now),
                    Timestamp.from(now.plus(properties.getCredentialsProbeInterval())), instanceId);
        } catch (DuplicateKeyException alreadyBlocked) {
            return false;
        }
        meters.counter("gateway.reconciliation.credentials.refused", "status", Integer.toString(httpStatus)).increment();
        log.error("Jumio refused the retrieval credentials (HTTP {}): polling stops, one probe every {}", httpStatus,
                properties.getCredentialsProbeInterval());
        return true;
    }

    /** Jumio accepted a request. Returns true when this call ended an episode (raise the recovery notice). */
    public boolean accepted() {
        if (!blockedLocally) {
            return false;
        }
        blockedLocally = false;
        boolean ended = jdbc.update("DELETE FROM retrieval_credentials_block WHERE name = ?", NAME) == 1;
        if (ended) {
            log.warn("Jumio accepts the retrieval credentials again: polling resumes");
        }
        return ended;
    }

    /** For the API: the current block, or null. */
    public Map<String, Object> current() {
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT http_status, blocked_at, next_probe_at"
                + " FROM retrieval_credentials_block WHERE name = ?", NAME);
        return rows.isEmpty() ? null : rows.get(0);
    }
}
