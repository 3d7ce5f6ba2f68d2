package com.jumiogateway.dataprotection;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The one seam between the stores and the cipher: every write of a {@link ProtectedColumn} goes through
 * {@link #seal}/{@link #sealText} (the store keeps the returned key id in the row's
 * {@value ProtectedColumn#KEY_ID_COLUMN}), every read through {@link #open}/{@link #openText} with the row's key id.
 * Without a key a value is stored as it is, with a null key id (the quick start). A null or empty value (a purged
 * body) is never encrypted and needs no key. Bound as "dataProtection"; built only after
 * {@link DataKeyCheck} accepted the configured keys against the database.
 */
public class DataProtection {

    /** A value as stored: encrypted under {@code keyId}, or as given when {@code keyId} is null. */
    public record SealedBytes(String keyId, byte[] value) {
    }

    /** A text value as stored: base64 of the encrypted bytes under {@code keyId}, or as given when it is null. */
    public record SealedText(String keyId, String value) {
    }

    private final DataCipher cipher;

    public DataProtection(DataCipher cipher) {
        this.cipher = cipher;
    }

    /** True when values are encrypted (a key is configured). */
    public boolean enabled() {
        return cipher.enabled();
    }

    /** The key id new values are encrypted under; null when encryption is off. */
    public String activeKeyId() {
        return cipher.activeKeyId();
    }

    /** The configured key ids, newest (encrypting) first. */
    public List<String> keyIds() {
        return cipher.keyIds();
    }

    public SealedBytes seal(ProtectedColumn column, byte[] clear) {
        if (!cipher.enabled() || clear == null || clear.length == 0) {
            return new SealedBytes(null, clear);
        }
        return new SealedBytes(cipher.activeKeyId(), cipher.encrypt(clear, column.purpose()));
    }

    public byte[] open(ProtectedColumn column, String keyId, byte[] stored) {
        if (keyId == null || stored == null || stored.length == 0) {
            return stored;
        }
        return cipher.decrypt(keyId, stored, column.purpose());
    }

    public SealedText sealText(ProtectedColumn column, String clear) {
        if (!cipher.enabled() || clear == null || clear.isEmpty()) {
            return new SealedText(null, clear);
        }
        byte[] sealed = cipher.encrypt(clear.getBytes(StandardCharsets.UTF_8), column.purpose());
        return new SealedText(cipher.activeKeyId(), Base64.getEncoder().encodeToString(sealed));
    }

    public String openText(ProtectedColumn column, String keyId, String stored) {
        if (keyId == null || stored == null || stored.isEmpty()) {
            return stored;
        }
        byte[] sealed;
        try {
            sealed = Base64.getDecoder().decode(stored);
        } catch (IllegalArgumentException e) {
            throw new DataKeyException("A value of " + column.purpose() + " marked as encrypted under data key '"
                    + keyId + "' is not base64");
        }
        return new String(cipher.decrypt(keyId, sealed, column.purpose()), StandardCharsets.UTF_8);
    }

    /** Opens a stored value of either kind as bytes (text columns: their UTF-8). */
    byte[] openAny(ProtectedColumn column, String keyId, Object stored) {
        if (column.binary()) {
            return open(column, keyId, (byte[]) stored);
        }
        String text = openText(column, keyId, (String) stored);
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }
}
