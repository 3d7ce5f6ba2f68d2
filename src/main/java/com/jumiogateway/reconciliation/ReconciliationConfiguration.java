package com.jumiogateway.reconciliation;

import com.jumiogateway.platform.PlatformProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.UUID;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

@Configuration
@EnableConfigurationProperties({ReconciliationProperties.class, JumioApiProperties.class})
class ReconciliationConfiguration {

    private String instanceId;

    /** This instance's name in claims: configured, or the worker's, or host name and process id plus a suffix. */
    private synchronized String instanceId(ReconciliationProperties properties, Environment env) {
        if (instanceId == null) {
            instanceId = newInstanceId(properties, env);
        }
        return instanceId;
    }

    private static String newInstanceId(ReconciliationProperties properties, Environment env) {
        if (properties.getInstanceId() != null && !properties.getInstanceId().isBlank()) {
            return properties.getInstanceId();
        }
        String worker = env.getProperty("gateway.worker.instance-id");
        if (worker != null && !worker.isBlank()) {
            return worker;
        }
        // two application contexts in one JVM must not share a name
        return ManagementFactory.getRuntimeMXBean().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Bean
    RetrievalSchedule retrievalSchedule(ReconciliationProperties properties) {
        return new RetrievalSchedule(properties);
    }

    @Bean("retrievalCredentials")
    RetrievalCredentials retrievalCredentials(JdbcTemplate jdbc, JumioApiProperties jumio,
                                              ReconciliationProperties properties, Clock clock, MeterRegistry meters,
                                              Environment env) {
        return new RetrievalCredentials(jdbc, jumio, properties, clock, meters, instanceId(properties, env));
    }

    @Bean("pendingTransactions")
    PendingTransactions pendingTransactions(JdbcTemplate jdbc, TransactionTemplate transactions,
                                            ReconciliationProperties properties, RetrievalSchedule schedule,
                                            RetrievalCredentials credentials, MeterRegistry meters, Clock clock,
                                            Environment env, PlatformProperties platform) {
        return new PendingTransactions(jdbc, transactions, properties, schedule, credentials, meters, clock,
                instanceId(properties, env), platform::credentialsConfigured);
    }
}
