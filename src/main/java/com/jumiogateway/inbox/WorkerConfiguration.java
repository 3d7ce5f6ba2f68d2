package com.jumiogateway.inbox;

import java.time.Clock;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration
@EnableConfigurationProperties(InboxProperties.class)
class WorkerConfiguration {

    /**
     * The threads the worker route splits a claimed batch over, bound in Camel's registry as "inboxWorkerPool" and
     * managed (shut down) by Camel. Not a Spring bean: an Executor bean would replace Spring Boot's task executor,
     * which platform-http uses for requests.
     */
    @Bean
    CamelContextConfiguration inboxWorkerPool(Environment env) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                int threads = env.getProperty("gateway.worker.threads", Integer.class, 8);
                camel.getRegistry().bind("inboxWorkerPool",
                        camel.getExecutorServiceManager().newFixedThreadPool(this, "inbox-worker", threads));
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
            }
        };
    }

    @Bean
    InboxWriter inboxWriter(org.springframework.jdbc.core.JdbcTemplate jdbc,
                            org.springframework.transaction.support.TransactionTemplate transactions, Clock clock,
                            Environment env) {
        return new InboxWriter(jdbc, transactions, clock,
                env.getProperty("gateway.intake.writer-threads", Integer.class, 2),
                env.getProperty("gateway.intake.max-batch", Integer.class, 200),
                env.getProperty("gateway.intake.store-timeout", java.time.Duration.class, java.time.Duration.ofSeconds(10)));
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
