package com.jumiogateway.dataprotection;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

@Configuration
@EnableConfigurationProperties(DataProtectionProperties.class)
class DataProtectionConfiguration {

    /**
     * The helper every store calls to seal and open its protected columns. Built only once the keys have been
     * checked against the database (JdbcTemplate is available after Flyway migrated), so no route, writer or API
     * runs with a key set that would fail on stored data: a failed check stops the start-up.
     */
    @Bean
    DataProtection dataProtection(DataProtectionProperties properties, JdbcTemplate jdbc) {
        DataCipher cipher = DataCipher.fromSetting(properties.keys());
        DataProtection protection = new DataProtection(cipher);
        new DataKeyCheck(jdbc, cipher, protection, properties.requireEncryption()).verify();
        return protection;
    }
}
