package com.jumiogateway.dataprotection;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/**
 * /actuator/health "dataEncryption" (authenticated details): whether personal data is encrypted at rest and under
 * which key. UP either way (running without a key is allowed unless gateway.data.require-encryption), so a probe
 * does not fail the quick start; the detail says "off" plainly. Reads no table.
 */
@Component("dataEncryption")
public class DataProtectionHealthIndicator extends AbstractHealthIndicator {

    private final DataProtection protection;

    public DataProtectionHealthIndicator(DataProtection protection) {
        super("Data encryption state unavailable");
        this.protection = protection;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        if (protection.enabled()) {
            builder.up().withDetail("encryption", "on").withDetail("activeKey", protection.activeKeyId())
                    .withDetail("keys", protection.keyIds());
        } else {
            builder.up().withDetail("encryption", "off")
                    .withDetail("warning", "no key in GATEWAY_DATA_KEYS: personal data is stored in clear");
        }
    }
}
