package com.jumiogateway.dataprotection;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-GCM with the JDK's {@code javax.crypto} under named keys ({@code GATEWAY_DATA_KEYS}: {@code id:base64key,...}).
 * The first key encrypts, every key decrypts. A sealed value is {@code [format 1][12-byte random nonce][ciphertext
 * with 128-bit tag]}; the additional authenticated data binds the format, the key id and the purpose (table and
 * column), so a value decrypts only under the key id stored with it and only in the column it was written for.
 * No key configured: {@link #enabled()} is false and nothing is encrypted.
 */
public final class DataCipher {

    /** First byte of every sealed value: the layout above. */
    static final byte FORMAT = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,39}");
    private static final String SETTING = "GATEWAY_DATA_KEYS (gateway.data.keys)";

    private final Map<String, SecretKey> keys;
    private final String activeKeyId;
    private final SecureRandom random = new SecureRandom();

    private DataCipher(Map<String, SecretKey> keys) {
        this.keys = Collections.unmodifiableMap(keys);
        this.activeKeyId = keys.isEmpty() ? null : keys.keySet().iterator().next();
    }

    /**
     * Parses the setting: comma-separated {@code id:base64key} entries, newest first; ids of letters, digits, '.',
     * '_' and '-' (at most 40), keys of 16, 24 or 32 bytes (AES-128/192/256). Blank: no encryption. Errors name the
     * entry and its id, never the key.
     */
    public static DataCipher fromSetting(String setting) {
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        if (setting == null || setting.isBlank()) {
            return new DataCipher(keys);
        }
        String[] entries = setting.split(",");
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].strip();
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new DataKeyException(SETTING + ": entry " + (i + 1) + " is not of the form <key id>:<base64 key>"
                        + " (generate a key with: openssl rand -base64 32)");
            }
            String id = entry.substring(0, colon).strip();
            if (!KEY_ID.matcher(id).matches()) {
                throw new DataKeyException(SETTING + ": entry " + (i + 1) + " has an invalid key id (letters, digits,"
                        + " '.', '_', '-'; at most 40 characters)");
            }
            byte[] material;
            try {
                material = Base64.getDecoder().decode(entry.substring(colon + 1).strip());
            } catch (IllegalArgumentException e) {
                throw new DataKeyException(SETTING + ": the key of key id '" + id + "' is not valid base64");
            }
            if (material.length != 16 && material.length != 24 && material.length != 32) {
                throw new DataKeyException(SETTING + ": the key of key id '" + id + "' is " + material.length
                        + " bytes; AES needs 16, 24 or 32 (generate one with: openssl rand -base64 32)");
            }
            if (keys.put(id, new SecretKeySpec(material, "AES")) != null) {
                throw new DataKeyException(SETTING + ": key id '" + id + "' is given twice");
            }
        }
        return new DataCipher(keys);
    }

    /** True when at least one key is configured. */
    public boolean enabled() {
        return activeKeyId != null;
    }

    /** The key id that encrypts (the first configured), or null when encryption is off. */
    public String activeKeyId() {
        return activeKeyId;
    }

    /** Every configured key id, newest first. */
    public List<String> keyIds() {
        return new ArrayList<>(keys.keySet());
    }

    public boolean hasKey(String keyId) {
        return keys.containsKey(keyId);
    }

    /** Encrypts under the active key for {@code purpose}; the caller stores the active key id with the value. */
    public byte[] encrypt(byte[] clear, String purpose) {
        if (activeKeyId == null) {
            throw new IllegalStateException("no data key configured");
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(activeKeyId, purpose));
            byte[] sealed = cipher.doFinal(clear);
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(FORMAT).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed: " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * Decrypts a value stored under {@code keyId} for {@code purpose}. A key id that is not configured, a value that
     * is not of our format and a failed authentication (wrong key, altered value) are DataKeyExceptions naming the key
     * id: never garbled data.
     */
    public byte[] decrypt(String keyId, byte[] sealed, String purpose) {
        SecretKey key = keys.get(keyId);
        if (key == null) {
            throw new DataKeyException("A value of " + purpose + " is encrypted under data key '" + keyId
                    + "', which " + SETTING + " does not contain");
        }
        if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != FORMAT) {
            throw new DataKeyException("A value of " + purpose + " marked as encrypted under data key '" + keyId
                    + "' is not an encrypted value of format " + FORMAT);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
            cipher.updateAAD(aad(keyId, purpose));
            return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new DataKeyException("Data key '" + keyId + "' of " + SETTING + " does not decrypt a value of "
                    + purpose + " stored under that key id (authentication failed: a wrong key for this id, or an"
                    + " altered value)", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed: " + e.getClass().getSimpleName(), e);
        }
    }

    private static byte[] aad(String keyId, String purpose) {
        return ("jumio-gateway/" + FORMAT + "/" + keyId + "/" + purpose).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "DataCipher" + keys.keySet();
    }
}
