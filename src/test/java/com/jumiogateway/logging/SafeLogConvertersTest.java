package com.jumiogateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.sql.SQLException;
import org.apache.camel.RuntimeCamelException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;

/** The log converters of logback-spring.xml: one line per message, no database error text. */
class SafeLogConvertersTest {

    private final LoggerContext context = new LoggerContext();
    private final Logger logger = context.getLogger("test");

    private LoggingEvent event(String message, Throwable throwable, Object... arguments) {
        return new LoggingEvent("test", logger, Level.WARN, message, throwable, arguments);
    }

    @Test
    void controlCharactersInAMessageCannotStartANewLine() {
        String forged = "x\r\n2026-01-01T00:00:00.000Z  INFO 1 --- [main] verification-result : FORGED\u0000\u001b[31m\u2028y\tz";

        String line = new SafeMessageConverter().convert(event("Value {}", null, forged));

        assertThat(line).doesNotContain("\r", "\n", "\u0000", "\u001b", "\u2028")
                .isEqualTo("Value x\\r\\n2026-01-01T00:00:00.000Z  INFO 1 --- [main] verification-result : FORGED"
                        + "\\u0000\\u001b[31m\\u2028y\tz");
    }

    @Test
    void aHugeMessageIsCut() {
        String line = new SafeMessageConverter().convert(event("{}", null, "a".repeat(5_000_000)));

        assertThat(line).hasSizeLessThan(LogText.MAX_LENGTH + 100).endsWith("more characters)");
    }

    @Test
    void databaseExceptionMessagesAreWithheldEvenWhenAWrapperRepeatsThem() {
        SQLException sql = new SQLException("ERROR: duplicate key value violates unique constraint; Key (scan_reference)=(SECRET-4111111111111111) already exists");
        Throwable wrapped = new RuntimeCamelException(new DataIntegrityViolationException("PreparedStatementCallback; " + sql.getMessage(), sql));

        String trace = new SafeThrowableConverter().convert(event("Failed", wrapped));

        assertThat(trace).doesNotContain("SECRET", "4111111111111111");
        assertThat(trace).contains("org.apache.camel.RuntimeCamelException: " + SafeThrowableConverter.WITHHELD)
                .contains("Caused by: org.springframework.dao.DataIntegrityViolationException: " + SafeThrowableConverter.WITHHELD)
                .contains("Caused by: java.sql.SQLException: " + SafeThrowableConverter.WITHHELD)
                .contains("\tat com.jumiogateway.logging.SafeLogConvertersTest");
    }

    @Test
    void otherExceptionMessagesStayButOnOneLine() {
        String trace = new SafeThrowableConverter().convert(event("Failed", new IllegalStateException("bad\r\nFORGED line")));

        assertThat(trace).contains("java.lang.IllegalStateException: bad\\r\\nFORGED line");
        assertThat(trace.lines().filter(l -> l.startsWith("FORGED"))).isEmpty();
    }
}
