package com.jumiogateway.dataprotection;

/**
 * Every database column that holds personal data encrypted at rest, with the row's key column. Each of these tables
 * has a {@value #KEY_ID_COLUMN} column naming the data key its protected column is encrypted under (NULL: stored in
 * clear, written while no key was configured). Start-up checks and key rotation go through this list, so a new
 * protected column is one more constant here (and its key id column in a migration).
 */
public enum ProtectedColumn {

    /** The raw callback as received (bytes): a Netverify form holds names, date of birth, ID number, address. */
    CALLBACK_BODY("callback_inbox", "body", "id", true),
    /** The enriched result served by the API: its details hold the same personal data. */
    RESULT_DETAILS("verification_result", "result_json", "scan_reference", false);

    /** Column of every protected table that names the key its protected column is encrypted under. */
    public static final String KEY_ID_COLUMN = "data_key_id";

    private final String table;
    private final String column;
    private final String rowKey;
    private final boolean binary;

    ProtectedColumn(String table, String column, String rowKey, boolean binary) {
        this.table = table;
        this.column = column;
        this.rowKey = rowKey;
        this.binary = binary;
    }

    public String table() {
        return table;
    }

    public String column() {
        return column;
    }

    /** The table's primary key column. */
    public String rowKey() {
        return rowKey;
    }

    /** True for a binary column (bytes stored as sealed); false for text (sealed bytes stored as base64). */
    public boolean binary() {
        return binary;
    }

    /** Bound into every value's authenticated data: a value decrypts only in the column it was written for. */
    public String purpose() {
        return table + "." + column;
    }
}
