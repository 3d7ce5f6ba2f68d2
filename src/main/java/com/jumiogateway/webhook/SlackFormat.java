package com.jumiogateway.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Slack incoming webhooks: {"text": ...} in Slack's mrkdwn, the link as {@code <url|label>}. */
@Component
class SlackFormat implements ChatFormat {

    private final ObjectMapper mapper;

    SlackFormat(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public String type() {
        return "slack";
    }

    @Override
    public String render(ChatMessage message) {
        StringBuilder text = new StringBuilder("*").append(escape(message.title())).append("*");
        for (String line : message.lines()) {
            text.append('\n').append(escape(line));
        }
        if (message.link() != null) {
            text.append("\n<").append(message.link()).append("|Open the result>");
        }
        try {
            return mapper.writeValueAsString(Map.of("text", text.toString()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Slack's three control characters in mrkdwn. */
    private static String escape(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
