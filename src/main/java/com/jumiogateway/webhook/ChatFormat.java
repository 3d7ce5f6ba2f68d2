package com.jumiogateway.webhook;

import java.util.List;

/**
 * How one kind of chat channel wants a message (the JSON its incoming webhook accepts). A new kind of channel is one
 * more bean implementing this (its {@link #type()} is the value of gateway.webhooks.chat.&lt;name&gt;.type); the
 * delivery route posts what it renders like any other delivery.
 */
public interface ChatFormat {

    /** Lower-case name used in configuration, e.g. slack, teams. */
    String type();

    /** The request body for the channel's incoming webhook. */
    String render(ChatMessage message);

    /**
     * A chat message: one title line, a few "label: value" lines (no personal data), and a link to the result.
     *
     * @param link null when there is nothing to link to
     */
    record ChatMessage(String title, List<String> lines, String link) {
    }
}
