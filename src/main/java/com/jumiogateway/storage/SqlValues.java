package com.jumiogateway.storage;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;

/** Values read through JDBC maps, whose Java types differ between H2 and PostgreSQL, and which of the two answers. */
public final class SqlValues {

    private SqlValues() {
    }

    /** True when the database behind {@code jdbc} is PostgreSQL (else the embedded H2). */
    public static boolean isPostgres(org.springframework.jdbc.core.JdbcTemplate jdbc) {
        return Boolean.TRUE.equals(jdbc.execute((java.sql.Connection c) -> isPostgres(c)));
    }

    /** True when {@code connection} is to PostgreSQL (else the embedded H2); the migrations ask it this way. */
    public static boolean isPostgres(java.sql.Connection connection) throws java.sql.SQLException {
        return connection.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
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
