package com.jumiogateway.intake;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** Limits applied to every callback request before it is stored. */
@ConfigurationProperties(prefix = "gateway.intake")
public class IntakeProperties {

    /** Largest callback body accepted; larger ones get 413. */
    private DataSize maxBodySize = DataSize.ofKilobytes(256);

    public DataSize getMaxBodySize() { return maxBodySize; }
    public void setMaxBodySize(DataSize maxBodySize) { this.maxBodySize = maxBodySize; }
}
