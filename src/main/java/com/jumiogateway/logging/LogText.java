package com.jumiogateway.logging;

/**
 * What may reach a log line: control characters (CR, LF, NUL, escape sequences, Unicode line separators) are
 * written as visible escapes, so nothing a caller sent can start a forged line or steer a terminal, and a message
 * is cut at {@link #MAX_LENGTH} characters, so one request cannot add megabytes of log.
 */
public final class LogText {

    public static final int MAX_LENGTH = 4000;

    private LogText() {
    }

    public static String sanitize(String text) {
        if (text == null) {
            return null;
        }
        int length = Math.min(text.length(), MAX_LENGTH);
        StringBuilder out = null;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            boolean unsafe = c != '\t' && (Character.isISOControl(c) || c == '\u2028' || c == '\u2029');
            if (unsafe && out == null) {
                out = new StringBuilder(length + 16).append(text, 0, i);
            }
            if (out != null) {
                if (!unsafe) {
                    out.append(c);
                } else if (c == '\n') {
                    out.append("\\n");
                } else if (c == '\r') {
                    out.append("\\r");
                } else {
                    out.append(String.format("\\u%04x", (int) c));
                }
            }
        }
        String result = out == null ? (length == text.length() ? text : text.substring(0, length)) : out.toString();
        return length < text.length() ? result + "...(" + (text.length() - length) + " more characters)" : result;
    }
}
