package com.jumiogateway.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.classic.pattern.ThrowableHandlingConverter;
import ch.qos.logback.core.CoreConstants;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code %safeEx} in logback-spring.xml: a stack trace like Spring Boot's, except that
 * <ul>
 *   <li>exception messages are one line and bounded ({@link LogText}): a caller's CR/LF cannot forge a line;</li>
 *   <li>the message of a database exception (JDBC, the drivers, Spring's DAO and JDBC layers, the pool) is never
 *   printed, only its class: PostgreSQL and H2 quote SQL parameters, that is callback values, in their messages;
 *   a wrapping exception whose message repeats such a message is withheld too.</li>
 * </ul>
 */
public class SafeThrowableConverter extends ThrowableHandlingConverter {

    private static final List<String> DATABASE_PACKAGES = List.of("java.sql.", "javax.sql.", "org.postgresql.",
            "org.h2.", "com.zaxxer.hikari.", "org.springframework.dao.", "org.springframework.jdbc.",
            "org.springframework.transaction.");
    static final String WITHHELD = "(message withheld: database error)";

    @Override
    public String convert(ILoggingEvent event) {
        IThrowableProxy proxy = event.getThrowableProxy();
        if (proxy == null) {
            return CoreConstants.EMPTY_STRING;
        }
        List<String> secrets = new ArrayList<>();
        collectDatabaseMessages(proxy, secrets, 0);
        StringBuilder out = new StringBuilder(2048).append(CoreConstants.LINE_SEPARATOR);
        render(proxy, "", "", secrets, out, 0);
        return out.append(CoreConstants.LINE_SEPARATOR).toString();
    }

    public static boolean isDatabaseException(String className) {
        return DATABASE_PACKAGES.stream().anyMatch(className::startsWith);
    }

    private static void collectDatabaseMessages(IThrowableProxy proxy, List<String> secrets, int depth) {
        if (proxy == null || depth > 20) {
            return;
        }
        if (isDatabaseException(proxy.getClassName()) && proxy.getMessage() != null && !proxy.getMessage().isBlank()) {
            secrets.add(proxy.getMessage());
        }
        collectDatabaseMessages(proxy.getCause(), secrets, depth + 1);
        IThrowableProxy[] suppressed = proxy.getSuppressed();
        if (suppressed != null) {
            for (IThrowableProxy s : suppressed) {
                collectDatabaseMessages(s, secrets, depth + 1);
            }
        }
    }

    private static String message(IThrowableProxy proxy, List<String> secrets) {
        String message = proxy.getMessage();
        if (message == null) {
            return null;
        }
        if (isDatabaseException(proxy.getClassName()) || secrets.stream().anyMatch(message::contains)) {
            return WITHHELD;
        }
        return LogText.sanitize(message);
    }

    private static void render(IThrowableProxy proxy, String prefix, String indent, List<String> secrets,
                               StringBuilder out, int depth) {
        if (depth > 20) {
            return;
        }
        out.append(indent).append(prefix).append(proxy.getClassName());
        String message = message(proxy, secrets);
        if (message != null) {
            out.append(": ").append(message);
        }
        out.append(CoreConstants.LINE_SEPARATOR);
        StackTraceElementProxy[] frames = proxy.getStackTraceElementProxyArray();
        int common = proxy.getCommonFrames();
        if (frames != null) {
            for (int i = 0; i < frames.length - common; i++) {
                out.append(indent).append('\t').append(frames[i].getSTEAsString()).append(CoreConstants.LINE_SEPARATOR);
            }
        }
        if (common > 0) {
            out.append(indent).append("\t... ").append(common).append(" common frames omitted")
                    .append(CoreConstants.LINE_SEPARATOR);
        }
        IThrowableProxy[] suppressed = proxy.getSuppressed();
        if (suppressed != null) {
            for (IThrowableProxy s : suppressed) {
                render(s, "Suppressed: ", indent + "\t", secrets, out, depth + 1);
            }
        }
        if (proxy.getCause() != null) {
            render(proxy.getCause(), "Caused by: ", indent, secrets, out, depth + 1);
        }
    }
}
