package com.jumiogateway.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Microsoft Teams incoming webhooks: an Office 365 connector MessageCard with a title, text and a link button. */
@Component
class TeamsFormat implements ChatFormat {

    private final ObjectMapper mapper;

    TeamsFormat(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public String type() {
        return "teams";
    }

    @Override
    public String render(ChatMessage message) {
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("@type", "MessageCard");
        card.put("@context", "https://schema.org/extensions");
        card.put("summary", message.title());
        card.put("title", message.title());
        card.put("text", String.join("<br>", message.lines().stream().map(TeamsFormat::escape).toList()));
        if (message.link() != null) {
            card.put("potentialAction", List.of(Map.of("@type", "OpenUri", "name", "Open the result",
                    "targets", List.of(Map.of("os", "default", "uri", message.link())))));
        }
        try {
            return mapper.writeValueAsString(card);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String escape(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
