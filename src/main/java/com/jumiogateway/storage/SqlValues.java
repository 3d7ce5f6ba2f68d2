package com.jumiogateway.storage;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;

/** Values read through JDBC maps, whose Java types differ between H2 and PostgreSQL. */
public final class SqlValues {

    private SqlValues() {
    }

    /**
     * A TIMESTAMP WITH TIME ZONE column as an instant (null stays null): H2 answers OffsetDateTime, PostgreSQL's driver
     * Timestamp, and a driver may also answer an Instant or text.
     */
    public static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Timestamp timestamp) {
            return timestamp.toInstant();
        }
        if (value instanceof OffsetDateTime offset) {
            return offset.toInstant();
        }
        if (value instanceof Instant instant) {
            return instant;
        }
        return Instant.parse(value.toString());
    }
}
