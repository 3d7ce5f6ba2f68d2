package com.jumiogateway.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %safeMsg} in logback-spring.xml: the formatted message, one line, bounded ({@link LogText}). */
public class SafeMessageConverter extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return LogText.sanitize(event.getFormattedMessage());
    }
}
