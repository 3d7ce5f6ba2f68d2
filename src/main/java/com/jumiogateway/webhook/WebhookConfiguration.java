package com.jumiogateway.webhook;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
@EnableConfigurationProperties(WebhookProperties.class)
class WebhookConfiguration {

    /** The threads the delivery loop sends a claimed batch on, "webhookDeliveryPool" in Camel's registry. */
    @Bean
    CamelContextConfiguration webhookDeliveryPool(WebhookProperties properties) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                camel.getRegistry().bind("webhookDeliveryPool",
                        camel.getExecutorServiceManager().newFixedThreadPool(this, "webhook-delivery", properties.getThreads()));
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
            }
        };
    }
}
