package com.jumiogateway.webhook;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** The webhook and chat settings (gateway.webhooks.*); the senders are the consumers of seda:send-delivery. */
@Configuration
@EnableConfigurationProperties(WebhookProperties.class)
class WebhookConfiguration {
}
