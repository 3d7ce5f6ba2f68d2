package com.jumiogateway.alert;

import java.util.Map;

/**
 * Further channels an alert goes to besides email (chat: Slack, Microsoft Teams), each through its own outbox.
 * Called at every enqueue of an alert, also when the alert was already queued: an implementation must be idempotent
 * per rule, subject and channel, so a retried fan-out repairs a message a crash left unqueued.
 */
public interface AlertChannels {

    /**
     * @param category FRAUD or OPERATIONS
     * @param subject  what the alert is about, usually a scan reference
     * @param data     the alert's fields: only allowed, non-personal values
     */
    void alertQueued(String category, String rule, String subject, Map<String, Object> data);
}
