package com.jumiogateway.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * A Flyway migration for PostgreSQL alone (partial indexes, table storage parameters): H2, the embedded default, has
 * neither, and its schema stays as the migrations before made it. Java rather than SQL to branch on the database.
 */
public abstract class PostgreSqlOnlyMigration extends BaseJavaMigration {

    @Override
    public final void migrate(Context context) throws Exception {
        Connection connection = context.getConnection();
        if (!SqlValues.isPostgres(connection)) {
            return;
        }
        try (Statement ddl = connection.createStatement()) {
            migrate(ddl);
        }
    }

    /** The statements, run on PostgreSQL only, in the migration's transaction. */
    protected abstract void migrate(Statement ddl) throws SQLException;
}
