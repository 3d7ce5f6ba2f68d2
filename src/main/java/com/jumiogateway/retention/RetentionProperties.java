package com.jumiogateway.retention;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How long personal data is kept ({@code gateway.retention}); defaults and their meaning are in
 * config/application.yaml and the README ("Personal data: what is kept, for how long").
 *
 * @param enabled            false: nothing is purged (the retention route still runs, and does nothing)
 * @param interval           how often the retention route runs
 * @param rawCallbacks       raw bodies of PROCESSED callbacks are emptied this long after processing
 * @param failedRawCallbacks raw bodies of FAILED callbacks (kept for a fix and a replay) are emptied this long after failing
 * @param personalData       personal fields of stored results, the content of sent alerts and the payloads of finished
 *                           deliveries are removed this long after the result was last written (the alert sent, the
 *                           delivery delivered or failed)
 * @param audit              audit events are deleted this long after they were recorded
 * @param batchSize          rows per purge transaction (short locks; several instances take different rows)
 * @param maxBatches         most batches of one kind per run (the rest waits for the next run)
 */
@ConfigurationProperties(prefix = "gateway.retention")
public record RetentionProperties(boolean enabled, Duration interval, Duration rawCallbacks, Duration failedRawCallbacks,
                                  Duration personalData, Duration audit, int batchSize, int maxBatches) {
}
