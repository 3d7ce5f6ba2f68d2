package db.migration;

import com.jumiogateway.storage.SqlValues;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Raw callback bodies are kept as the bytes received, not as text: a body need not be valid UTF-8, and PostgreSQL
 * refuses a NUL character in text, which made one caller's bytes able to fail another caller's commit. Java rather
 * than SQL because the text-to-bytes conversion and the column rename are spelled differently on H2 and PostgreSQL.
 */
public class V6__Callback_bodies_as_bytes extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        Connection connection = context.getConnection();
        boolean postgres = SqlValues.isPostgres(connection);
        try (Statement ddl = connection.createStatement()) {
            ddl.execute("ALTER TABLE callback_inbox ADD COLUMN raw_body BYTEA");
        }
        try (Statement select = connection.createStatement();
             ResultSet rows = select.executeQuery("SELECT id, body FROM callback_inbox");
             PreparedStatement update = connection.prepareStatement("UPDATE callback_inbox SET raw_body = ? WHERE id = ?")) {
            int pending = 0;
            while (rows.next()) {
                String body = rows.getString(2);
                update.setBytes(1, body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
                update.setLong(2, rows.getLong(1));
                update.addBatch();
                if (++pending == 500) {
                    update.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                update.executeBatch();
            }
        }
        try (Statement ddl = connection.createStatement()) {
            ddl.execute("ALTER TABLE callback_inbox DROP COLUMN body");
            ddl.execute(postgres ? "ALTER TABLE callback_inbox RENAME COLUMN raw_body TO body"
                    : "ALTER TABLE callback_inbox ALTER COLUMN raw_body RENAME TO body");
            ddl.execute("ALTER TABLE callback_inbox ALTER COLUMN body SET NOT NULL");
        }
    }
}
