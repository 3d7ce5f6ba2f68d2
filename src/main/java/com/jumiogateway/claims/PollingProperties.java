package com.jumiogateway.claims;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the queue pollers (callback inbox, alert outbox, delivery outbox) slow down when idle
 * ({@code gateway.polling}); the defaults and their meaning are in config/application.yaml.
 *
 * @param idleAfter a queue whose polls found nothing for this long counts as idle
 * @param idleDelay an idle queue is asked the database at most this often (its scheduler keeps ticking, without a
 *                  query); work queued by this instance wakes it at once. Zero: never slow down
 */
@ConfigurationProperties(prefix = "gateway.polling")
public record PollingProperties(Duration idleAfter, Duration idleDelay) {

    public PollingProperties {
        idleAfter = idleAfter == null ? Duration.ofSeconds(2) : idleAfter;
        idleDelay = idleDelay == null ? Duration.ofSeconds(2) : idleDelay;
    }
}
