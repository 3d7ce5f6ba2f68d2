package com.jumiogateway.alert;

import java.time.Instant;
import java.util.Map;

/**
 * An alert this instance has claimed for sending.
 *
 * @param attempts this attempt's number (1 for the first)
 * @param data     the stored alert fields (only allowed, non-personal ones), as written at enqueue time
 */
public record ClaimedAlert(
        long id,
        String alertKey,
        String rule,
        String category,
        String scanReference,
        int attempts,
        Instant createdAt,
        Map<String, Object> data) {
}
