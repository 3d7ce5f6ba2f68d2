package com.jumiogateway.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.jumiogateway.support.GatewayInstance;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Any H2 file URL, not only the default one, gets WRITE_DELAY=0 (each commit in the file before the 200): an
 * operator pointing GATEWAY_DB_URL at another H2 file keeps the guarantee com.jumiogateway.durability.CrashRecoveryTest proves for the default.
 */
class H2CommitDurabilityTest {

    @Test
    void theUrlIsRewrittenOnlyWhenItLacksWriteDelayZero() {
        String shipped = "jdbc:h2:file:./data/gateway;AUTO_SERVER=FALSE;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
        assertThat(H2CommitDurability.needsRewrite(shipped)).isFalse();
        assertThat(H2CommitDurability.needsRewrite("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1")).isFalse();
        assertThat(H2CommitDurability.needsRewrite("jdbc:postgresql://db/test")).isFalse();
        assertThat(H2CommitDurability.needsRewrite("jdbc:h2:file:./other")).isTrue();
        assertThat(H2CommitDurability.durable("jdbc:h2:file:./other;write_delay=500;AUTO_SERVER=FALSE"))
                .isEqualTo("jdbc:h2:file:./other;AUTO_SERVER=FALSE;WRITE_DELAY=0");
    }

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
