package com.jumiogateway.inbox;

import java.time.Clock;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
@EnableConfigurationProperties({InboxProperties.class, InboxWriterProperties.class})
class WorkerConfiguration {

    /**
     * The threads the worker route splits a claimed batch over, bound in Camel's registry as "inboxWorkerPool" and
     * managed (shut down) by Camel. Not a Spring bean: an Executor bean would replace Spring Boot's task executor,
     * which platform-http uses for requests.
     */
    @Bean
    CamelContextConfiguration inboxWorkerPool(InboxProperties properties) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                camel.getRegistry().bind("inboxWorkerPool",
                        camel.getExecutorServiceManager().newFixedThreadPool(this, "inbox-worker", properties.threads()));
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
            }
        };
    }

    @Bean
    InboxWriter inboxWriter(org.springframework.jdbc.core.JdbcTemplate jdbc,
                            org.springframework.transaction.support.TransactionTemplate transactions, Clock clock,
                            InboxWriterProperties properties) {
        return new InboxWriter(jdbc, transactions, clock, properties.writerThreads(), properties.maxBatch(),
                properties.storeTimeout());
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
