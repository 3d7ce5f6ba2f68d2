package com.jumiogateway.webhook;

import com.jumiogateway.claims.IdlePolling;
import com.jumiogateway.alert.AlertChannels;
import com.jumiogateway.security.ApiProperties;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriUtils;

/**
 * Alerts (fraud rules, operations) to chat channels through the delivery outbox: one message per rule, subject (scan
 * reference) and channel (a unique key), with the email's no-personal-data content (rule, status, decision, kind,
 * source, reject reason, document type and country) and a link to the result; sent, retried and logged like webhooks.
 */
@Component("chatChannels")
public class ChatChannels implements AlertChannels {

    private static final Logger log = LoggerFactory.getLogger(ChatChannels.class);

    private final WebhookProperties properties;
    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final ApiProperties api;
    private final Map<String, ChatFormat> formats;
    private final IdlePolling pacing;

    public ChatChannels(WebhookProperties properties, JdbcTemplate jdbc, Clock clock, ApiProperties api,
                        List<ChatFormat> formats, IdlePolling pacing) {
        this.pacing = pacing;
        this.properties = properties;
        this.jdbc = jdbc;
        this.clock = clock;
        this.api = api;
        this.formats = formats.stream().collect(Collectors.toMap(ChatFormat::type, Function.identity()));
        properties.getChat().forEach((name, chat) -> {
            if (!this.formats.containsKey(chat.getType().toLowerCase(Locale.ROOT))) {
                throw new IllegalStateException("Chat channel " + name + " has an unknown type; known: " + this.formats.keySet());
            }
        });
    }

    @Override
    public void alertQueued(String category, String rule, String subject, Map<String, Object> data) {
        properties.getChat().forEach((name, chat) -> {
            if (wants(chat.getCategories(), category) && wants(chat.getRules(), rule)) {
                String type = chat.getType().toLowerCase(Locale.ROOT);
                String payload = formats.get(type).render(message(category, rule, subject, data));
                boolean queued = DeliveryRows.insert(jdbc, name, type.toUpperCase(Locale.ROOT),
                        "chat:" + name + ":" + rule + ":" + subject, subject, payload, clock.instant());
                if (queued) {
                    pacing.wake(IdlePolling.DELIVERIES);
                    log.info("Chat message for alert {} queued for channel {}", rule, name);
                }
            }
        });
    }

    private static boolean wants(List<String> wanted, String value) {
        return wanted == null || wanted.isEmpty() || wanted.stream().anyMatch(w -> w.trim().equalsIgnoreCase(value));
    }

    ChatFormat.ChatMessage message(String category, String rule, String subject, Map<String, Object> data) {
        if (!"FRAUD".equals(category)) {
            String title = String.valueOf(data.getOrDefault("subject", "Jumio gateway operations alert " + rule));
            List<String> lines = new ArrayList<>();
            if (data.get("text") != null) {
                lines.add(String.valueOf(data.get("text")));
            }
            lines.add("Rule: " + rule);
            return new ChatFormat.ChatMessage(oneLine(title), lines, null);
        }
        String title = "Jumio alert " + rule + ": " + data.get("status") + " for scan " + subject;
        List<String> lines = new ArrayList<>();
        add(lines, "Decision", data.get("decision"));
        add(lines, "Kind", data.get("kind"));
        add(lines, "Source", data.get("source"));
        if (data.get("rejectReason") instanceof Map<?, ?> reason) {
            add(lines, "Reject reason", reason.get("code") + " " + (reason.get("description") == null ? "" : reason.get("description")));
        }
        add(lines, "Document", data.get("documentType") == null ? null
                : data.get("documentType") + (data.get("country") == null ? "" : " (" + data.get("country") + ")"));
        add(lines, "Result time", data.get("eventTime"));
        String link = stripSlash(api.getPublicBaseUrl()) + "/console/verifications/"
                + UriUtils.encodePathSegment(subject, StandardCharsets.UTF_8);
        return new ChatFormat.ChatMessage(oneLine(title), lines, link);
    }

    private static void add(List<String> lines, String label, Object value) {
        if (value != null) {
            lines.add(label + ": " + oneLine(String.valueOf(value).strip()));
        }
    }

    private static String oneLine(String value) {
        return value.replaceAll("[\\p{Cntrl}\\u2028\\u2029]+", " ");
    }

    private static String stripSlash(String url) {
        return url != null && url.endsWith("/") ? url.substring(0, url.length() - 1) : String.valueOf(url);
    }
}
