package com.jumiogateway.inbox;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the intake commits callbacks to the inbox ({@code gateway.intake}, the part the {@link InboxWriter} uses); the
 * defaults and their meaning are in config/application.yaml.
 *
 * @param writerThreads threads committing callbacks; concurrent callbacks share a commit
 * @param maxBatch      most callbacks committed in one transaction
 * @param storeTimeout  a callback not confirmed committed within this time gets 503
 */
@ConfigurationProperties(prefix = "gateway.intake")
public record InboxWriterProperties(int writerThreads, int maxBatch, Duration storeTimeout) {
}
