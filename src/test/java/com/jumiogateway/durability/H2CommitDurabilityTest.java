package com.jumiogateway.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.jumiogateway.support.GatewayInstance;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Any H2 file URL, not only the default one, gets WRITE_DELAY=0 (each commit in the file before the 200): an
 * operator pointing GATEWAY_DB_URL at another H2 file keeps the guarantee CrashRecoveryTest proves for the default.
 */
class H2CommitDurabilityTest {

    @Test
    void anH2FileDatabaseWithAWriteDelayGetsNoneOnceTheServiceStarts() {
        String configured = System.getenv("GATEWAY_DB_URL");
        assumeTrue(configured == null || configured.isBlank(), "H2 only (GATEWAY_DB_URL names another database)");
        String url = "jdbc:h2:file:./target/test-db/write-delay-" + System.nanoTime() + ";WRITE_DELAY=500";
        try (GatewayInstance instance = GatewayInstance.start(url, Map.of())) {
            assertThat(instance.jdbc().queryForList(
                    "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'",
                    String.class)).isNotEmpty().containsOnly("0");
        }
    }
}
