package com.jumiogateway.support;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A byte search of the whole database through JDBC: every column of every row of every table (Flyway's history
 * too), binary columns as their bytes, all others as their text. What a person erased must not be found anywhere.
 */
public final class DatabaseSearch {

    private DatabaseSearch() {
    }

    /** Where each value occurs, as "table.column" (empty: nowhere). */
    public static List<String> find(JdbcTemplate jdbc, String... values) {
        return jdbc.execute((Connection c) -> {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), c.getSchema(), "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
            if (tables.isEmpty()) {
                throw new IllegalStateException("no tables found: the search would prove nothing");
            }
            List<String> found = new ArrayList<>();
            for (String table : tables) {
                try (Statement select = c.createStatement(); ResultSet rows = select.executeQuery("SELECT * FROM \"" + table + "\"")) {
                    ResultSetMetaData meta = rows.getMetaData();
                    while (rows.next()) {
                        for (int column = 1; column <= meta.getColumnCount(); column++) {
                            byte[] bytes = binary(meta.getColumnType(column)) ? rows.getBytes(column)
                                    : text(rows.getString(column));
                            for (String value : values) {
                                if (bytes != null && contains(bytes, value.getBytes(StandardCharsets.UTF_8))) {
                                    found.add(table.toLowerCase() + "." + meta.getColumnName(column).toLowerCase()
                                            + " holds " + value);
                                }
                            }
                        }
                    }
                }
            }
            return found;
        });
    }

    private static boolean binary(int type) {
        return type == Types.BINARY || type == Types.VARBINARY || type == Types.LONGVARBINARY || type == Types.BLOB;
    }

    private static byte[] text(String value) {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
