package com.jumiogateway.storage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * A 200 means "committed", and on an H2 file database a commit is only in the file once H2 writes it: by default up
 * to WRITE_DELAY (500 ms) later, so a crash lost acknowledged callbacks. The default URL sets WRITE_DELAY=0; this
 * makes the same true for any other H2 file URL an operator configures, before the web server takes a callback
 * (singletons are initialised before the server starts). PostgreSQL and in-memory H2 are left alone.
 */
@Component
class H2CommitDurability implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(H2CommitDurability.class);

    private final DataSource dataSource;

    H2CommitDurability(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void afterSingletonsInstantiated() {
        try (Connection connection = dataSource.getConnection()) {
            String url = connection.getMetaData().getURL();
            if (!"H2".equals(connection.getMetaData().getDatabaseProductName()) || url == null
                    || url.startsWith("jdbc:h2:mem:") || url.contains(":mem:")) {
                return;
            }
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery(
                         // the current value, and the persisted one when it was ever SET
                         "SELECT MAX(SETTING_VALUE) FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'"
                                 + " AND SETTING_VALUE <> '0'")) {
                String delay = rs.next() ? rs.getString(1) : null;
                if (delay == null) {
                    return;
                }
                statement.execute("SET WRITE_DELAY 0");
                log.info("H2 WRITE_DELAY was {} ms; set to 0 so each commit is in the file before a callback is answered",
                        delay);
            }
        } catch (SQLException e) {
            // not fatal: the default URL carries WRITE_DELAY=0 already; said loudly for any other H2 URL
            log.warn("Could not make H2 write each commit to its file at once ({}): acknowledged callbacks may be lost"
                    + " on a crash; add ;WRITE_DELAY=0 to the database URL", e.getClass().getSimpleName());
        }
    }
}
