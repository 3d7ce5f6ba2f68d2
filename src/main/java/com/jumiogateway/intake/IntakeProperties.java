package com.jumiogateway.intake;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** Limits applied to every callback request before it is stored. */
@ConfigurationProperties(prefix = "gateway.intake")
public class IntakeProperties {

    /** Largest callback body accepted; larger ones get 413. */
    private DataSize maxBodySize = DataSize.ofKilobytes(256);
    /** A callback body must have arrived completely within this time (408 otherwise); each read waits at most this. */
    private Duration bodyReadTimeout = Duration.ofSeconds(5);
    /** Callbacks admitted and not yet answered, at most; one more is answered 503 at once (0: no limit). */
    private int maxInFlight = 100;

    public DataSize getMaxBodySize() { return maxBodySize; }
    public void setMaxBodySize(DataSize maxBodySize) { this.maxBodySize = maxBodySize; }
    public Duration getBodyReadTimeout() { return bodyReadTimeout; }
    public void setBodyReadTimeout(Duration bodyReadTimeout) { this.bodyReadTimeout = bodyReadTimeout; }
    public int getMaxInFlight() { return maxInFlight; }
    public void setMaxInFlight(int maxInFlight) { this.maxInFlight = maxInFlight; }
}
