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

    /** True when the exception or one of its causes comes from the database layer (whose messages quote values). */
    public static boolean isDatabaseException(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (SafeThrowableConverter.isDatabaseException(t.getClass().getName())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The exception chain's types and messages on one bounded line, for a log line or a last_error column; any
     * message of a chain that involves the database is withheld (class names only): PostgreSQL and H2 quote SQL
     * parameters, that is callback values, and a wrapper often repeats its cause's message.
     */
    public static String describe(Throwable error) {
        if (error == null) {
            return "unknown error";
        }
        boolean database = isDatabaseException(error);
        StringBuilder text = new StringBuilder();
        Throwable current = error;
        for (int depth = 0; current != null && depth < 4; depth++, current = current.getCause()) {
            if (depth > 0) {
                text.append(" <- ");
            }
            text.append(current.getClass().getSimpleName());
            if (!database && current.getMessage() != null) {
                text.append(": ").append(current.getMessage());
            }
        }
        String line = sanitize(text.toString().replaceAll("\\p{Cntrl}+", " ").strip());
        return line.length() > 1000 ? line.substring(0, 1000) : line;
    }
}
