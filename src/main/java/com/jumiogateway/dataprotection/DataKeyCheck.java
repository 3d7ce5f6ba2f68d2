package com.jumiogateway.dataprotection;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Start-up check of the configured keys against the database, before anything reads or writes a protected column.
 * Refuses to start (a {@link DataKeyException} naming the key id) when: encryption is required and no key is
 * configured; the database holds values under a key id that is not configured (a removed or forgotten key, or no key
 * at all); or a configured key does not decrypt a value stored under its id (a wrong key: the GCM tag does not
 * match). One value per key id and column is decrypted: a wrong key fails on every value, so one is enough. The key
 * ids present are found through the indexed key id column, not by reading the data.
 */
final class DataKeyCheck {

    private static final Logger log = LoggerFactory.getLogger(DataKeyCheck.class);

    private final JdbcTemplate jdbc;
    private final DataCipher cipher;
    private final DataProtection protection;
    private final boolean requireEncryption;

    DataKeyCheck(JdbcTemplate jdbc, DataCipher cipher, DataProtection protection, boolean requireEncryption) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.protection = protection;
        this.requireEncryption = requireEncryption;
    }

    void verify() {
        if (!cipher.enabled() && requireEncryption) {
            throw new DataKeyException("gateway.data.require-encryption is true (GATEWAY_DATA_REQUIRE_ENCRYPTION) but"
                    + " GATEWAY_DATA_KEYS holds no key: the service refuses to store personal data in clear. Generate"
                    + " a key with 'openssl rand -base64 32' and set GATEWAY_DATA_KEYS=k1:<that key>");
        }
        List<String> present = new ArrayList<>();
        for (ProtectedColumn column : ProtectedColumn.values()) {
            List<String> keyIds = jdbc.queryForList("SELECT DISTINCT " + ProtectedColumn.KEY_ID_COLUMN + " FROM "
                    + column.table() + " WHERE " + ProtectedColumn.KEY_ID_COLUMN + " IS NOT NULL", String.class);
            for (String keyId : keyIds) {
                if (!cipher.hasKey(keyId)) {
                    throw new DataKeyException("The database holds values of " + column.purpose()
                            + " encrypted under data key '" + keyId + "', which GATEWAY_DATA_KEYS does not contain"
                            + (cipher.enabled() ? " (it has " + cipher.keyIds() + ")" : " (it is empty)")
                            + ". Add key '" + keyId + "' back to GATEWAY_DATA_KEYS (after the newest key) and start"
                            + " again; remove it only once GET /api/data-keys shows no row under it");
                }
                List<Object> sample = jdbc.query("SELECT " + column.column() + " FROM " + column.table() + " WHERE "
                        + ProtectedColumn.KEY_ID_COLUMN + " = ? AND OCTET_LENGTH(" + column.column() + ") > 0"
                        + " FETCH FIRST 1 ROWS ONLY", (rs, n) -> column.binary() ? rs.getBytes(1) : rs.getString(1), keyId);
                if (!sample.isEmpty()) {
                    try {
                        protection.openAny(column, keyId, sample.get(0));
                    } catch (DataKeyException e) {
                        throw new DataKeyException("Data key '" + keyId + "' in GATEWAY_DATA_KEYS does not decrypt the"
                                + " values of " + column.purpose() + " stored under key id '" + keyId + "' (wrong key"
                                + " for this id: the AES-GCM authentication tag does not match). Give the key that"
                                + " encrypted them under this id", e);
                    }
                }
                if (!present.contains(keyId)) {
                    present.add(keyId);
                }
            }
        }
        if (cipher.enabled()) {
            log.info("Data encryption at rest is on: new values are encrypted under key '{}'; configured keys {};"
                    + " keys in use in the database {} all decrypt", cipher.activeKeyId(), cipher.keyIds(), present);
        } else {
            log.warn("Data encryption at rest is OFF: GATEWAY_DATA_KEYS holds no key, so raw callbacks and results"
                    + " (names, document numbers) are stored in clear. Set GATEWAY_DATA_KEYS (and"
                    + " GATEWAY_DATA_REQUIRE_ENCRYPTION=true in production)");
        }
    }
}
