package com.jumiogateway.dataprotection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The AES-GCM cipher and the key setting, without a database. */
class DataCipherTest {

    static String key() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    static final String K1 = key();
    static final String K2 = key();
    static final byte[] CLEAR = "idFirstName=QUENTINA&idNumber=X9K27Q4TZ".getBytes(StandardCharsets.UTF_8);

    @Test
    void firstKeyEncryptsEveryKeyDecrypts() {
        DataCipher both = DataCipher.fromSetting(" k2:" + K2 + " , k1:" + K1 + " ");
        assertThat(both.enabled()).isTrue();
        assertThat(both.activeKeyId()).isEqualTo("k2");
        assertThat(both.keyIds()).containsExactly("k2", "k1");

        byte[] underK1 = DataCipher.fromSetting("k1:" + K1).encrypt(CLEAR, "callback_inbox.body");
        assertThat(both.decrypt("k1", underK1, "callback_inbox.body")).isEqualTo(CLEAR);
        byte[] underK2 = both.encrypt(CLEAR, "callback_inbox.body");
        assertThat(DataCipher.fromSetting("k2:" + K2).decrypt("k2", underK2, "callback_inbox.body")).isEqualTo(CLEAR);
    }

    @Test
    void sealedValueHoldsNoClearTextAndEachHasItsOwnNonce() {
        DataCipher cipher = DataCipher.fromSetting("k1:" + K1);
        byte[] a = cipher.encrypt(CLEAR, "p");
        byte[] b = cipher.encrypt(CLEAR, "p");
        assertThat(new String(a, StandardCharsets.ISO_8859_1)).doesNotContain("QUENTINA").doesNotContain("X9K27Q4TZ");
        assertThat(a).isNotEqualTo(b);
        // format byte, 12-byte nonce, ciphertext, 16-byte tag
        assertThat(a[0]).isEqualTo(DataCipher.FORMAT);
        assertThat(a).hasSize(1 + 12 + CLEAR.length + 16);
    }

    @Test
    void wrongKeyAlteredValueOtherKeyIdOrOtherColumnFailNamingTheKeyIdNeverGarbage() {
        byte[] sealed = DataCipher.fromSetting("k1:" + K1).encrypt(CLEAR, "callback_inbox.body");

        assertThatThrownBy(() -> DataCipher.fromSetting("k1:" + K2).decrypt("k1", sealed, "callback_inbox.body"))
                .isInstanceOf(DataKeyException.class).hasMessageContaining("'k1'").hasMessageContaining("authentication failed");
        byte[] altered = sealed.clone();
        altered[20] ^= 1;
        assertThatThrownBy(() -> DataCipher.fromSetting("k1:" + K1).decrypt("k1", altered, "callback_inbox.body"))
                .isInstanceOf(DataKeyException.class);
        // the key id is authenticated: the same key material under another id does not open it
        assertThatThrownBy(() -> DataCipher.fromSetting("k9:" + K1).decrypt("k9", sealed, "callback_inbox.body"))
                .isInstanceOf(DataKeyException.class).hasMessageContaining("'k9'");
        // so is the column: a body copied into another column does not open there
        assertThatThrownBy(() -> DataCipher.fromSetting("k1:" + K1).decrypt("k1", sealed, "verification_result.result_json"))
                .isInstanceOf(DataKeyException.class);
        assertThatThrownBy(() -> DataCipher.fromSetting("k2:" + K2).decrypt("k1", sealed, "callback_inbox.body"))
                .isInstanceOf(DataKeyException.class).hasMessageContaining("'k1'").hasMessageContaining("does not contain");
    }

    @Test
    void blankSettingMeansOff() {
        assertThat(DataCipher.fromSetting("").enabled()).isFalse();
        assertThat(DataCipher.fromSetting(null).activeKeyId()).isNull();
        DataProtection off = new DataProtection(DataCipher.fromSetting(" "));
        assertThat(off.seal(ProtectedColumn.CALLBACK_BODY, CLEAR).keyId()).isNull();
        assertThat(off.seal(ProtectedColumn.CALLBACK_BODY, CLEAR).value()).isEqualTo(CLEAR);
        assertThat(off.sealText(ProtectedColumn.RESULT_DETAILS, "{}").value()).isEqualTo("{}");
    }

    @Test
    void healthSaysWhetherEncryptionIsOnAndNeverShowsAKey() {
        var off = new DataProtectionHealthIndicator(new DataProtection(DataCipher.fromSetting(""))).health();
        assertThat(off.getDetails()).containsEntry("encryption", "off").containsKey("warning");
        var on = new DataProtectionHealthIndicator(new DataProtection(DataCipher.fromSetting("k2:" + K2 + ",k1:" + K1))).health();
        assertThat(on.getDetails()).containsEntry("encryption", "on").containsEntry("activeKey", "k2");
        assertThat(on.getDetails().toString()).doesNotContain(K1).doesNotContain(K2);
    }

    @Test
    void textValuesRoundTripAsBase64AndEmptyValuesStayEmpty() {
        DataProtection protection = new DataProtection(DataCipher.fromSetting("k1:" + K1));
        DataProtection.SealedText sealed = protection.sealText(ProtectedColumn.RESULT_DETAILS, "{\"firstName\":\"QUENTINA\"}");
        assertThat(sealed.keyId()).isEqualTo("k1");
        assertThat(sealed.value()).doesNotContain("QUENTINA");
        assertThat(protection.openText(ProtectedColumn.RESULT_DETAILS, "k1", sealed.value())).isEqualTo("{\"firstName\":\"QUENTINA\"}");
        assertThat(protection.seal(ProtectedColumn.CALLBACK_BODY, new byte[0]).keyId()).isNull();
        assertThat(protection.open(ProtectedColumn.CALLBACK_BODY, "k1", new byte[0])).isEmpty();
    }

    @Test
    void badSettingsAreRefusedWithoutEchoingKeyMaterial() {
        assertThatThrownBy(() -> DataCipher.fromSetting("k1")).isInstanceOf(DataKeyException.class)
                .hasMessageContaining("entry 1");
        assertThatThrownBy(() -> DataCipher.fromSetting("k1:not*base64")).isInstanceOf(DataKeyException.class)
                .hasMessageContaining("'k1'").hasMessageNotContaining("not*base64");
        String shortKey = Base64.getEncoder().encodeToString(new byte[10]);
        assertThatThrownBy(() -> DataCipher.fromSetting("k1:" + shortKey)).isInstanceOf(DataKeyException.class)
                .hasMessageContaining("10 bytes").hasMessageNotContaining(shortKey);
        assertThatThrownBy(() -> DataCipher.fromSetting("k1:" + K1 + ",k1:" + K2)).isInstanceOf(DataKeyException.class)
                .hasMessageContaining("twice").hasMessageNotContaining(K1);
        assertThatThrownBy(() -> DataCipher.fromSetting("bad id:" + K1)).isInstanceOf(DataKeyException.class);
        assertThat(DataCipher.fromSetting("k1:" + K1).toString()).doesNotContain(K1);
    }
}
