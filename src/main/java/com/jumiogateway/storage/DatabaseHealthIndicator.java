package com.jumiogateway.storage;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/**
 * /actuator/health "db" (part of readiness), in place of Spring Boot's own check: DOWN unless the database answers
 * a round trip on a pooled connection within a second. Spring Boot's check validates with {@code isValid(0)}, which
 * waits without limit on a database that stopped answering (a probe that hangs instead of saying DOWN). Getting the
 * connection is bounded by the pool's connection-timeout; a connection that fails the check is evicted by the pool.
 */
@Component("dbHealthIndicator")
public class DatabaseHealthIndicator extends AbstractHealthIndicator {

    /** How long the database may take to answer the check's round trip. */
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(1);

    private final DataSource dataSource;

    public DatabaseHealthIndicator(DataSource dataSource) {
        super("Database unavailable");
        this.dataSource = dataSource;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (!connection.isValid((int) ANSWER_WITHIN.toSeconds())) {
                // a broken connection leaves the pool now, not at a later checkout
                if (dataSource.isWrapperFor(HikariDataSource.class)) {
                    dataSource.unwrap(HikariDataSource.class).evictConnection(connection);
                }
                builder.down().withDetail("database", "no answer within " + ANSWER_WITHIN.toMillis() + " ms");
                return;
            }
            builder.up().withDetail("database", connection.getMetaData().getDatabaseProductName());
        }
    }
}
