package com.jumiogateway.alert;

/**
 * One rendered alert email. Recipients and sender come from configuration only (the alert's category); the subject is
 * a single line. The sender route copies these into the mail headers after removing every other header.
 *
 * @param to      comma-separated, validated addresses; null when none (cc and bcc likewise)
 * @param html    the HTML part, values HTML-escaped
 * @param text    the plain-text alternative
 * @param messageId the Message-ID header, the same at every attempt of one alert (derived from its key)
 */
public record AlertMessage(
        long alertId,
        String rule,
        String from,
        String to,
        String cc,
        String bcc,
        String subject,
        String html,
        String text,
        String messageId) {
}
