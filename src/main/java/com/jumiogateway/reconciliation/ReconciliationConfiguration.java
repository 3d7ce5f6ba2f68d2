package com.jumiogateway.reconciliation;

import com.jumiogateway.claims.InstanceIdentity;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

@Configuration
@EnableConfigurationProperties({ReconciliationProperties.class, JumioApiProperties.class})
class ReconciliationConfiguration {

    @Bean
    RetrievalSchedule retrievalSchedule(ReconciliationProperties properties) {
        return new RetrievalSchedule(properties);
    }

    @Bean("retrievalCredentials")
    RetrievalCredentials retrievalCredentials(JdbcTemplate jdbc, JumioApiProperties jumio,
                                              ReconciliationProperties properties, Clock clock, MeterRegistry meters,
                                              InstanceIdentity identity) {
        return new RetrievalCredentials(jdbc, jumio, properties, clock, meters, identity.id());
    }

    @Bean("pendingTransactions")
    PendingTransactions pendingTransactions(JdbcTemplate jdbc, TransactionTemplate transactions,
                                            ReconciliationProperties properties, RetrievalSchedule schedule,
                                            RetrievalCredentials credentials, MeterRegistry meters, Clock clock,
                                            InstanceIdentity identity, PlatformPolling platform) {
        return new PendingTransactions(jdbc, transactions, properties, schedule, credentials, meters, clock,
                identity, platform::enabled);
    }
}
