package com.jumiogateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One spelling per source address, so the stored address and the allowlist agree whatever the proxy wrote. */
class AddressNormalisationTest {

    @Test
    void ipv4SpellingsBecomeDottedDecimal() {
        assertThat(CallbackSourceAllowlist.normalize("034.202.241.227")).isEqualTo("34.202.241.227");
        assertThat(CallbackSourceAllowlist.normalize("583725539")).isEqualTo("34.202.241.227");
        assertThat(CallbackSourceAllowlist.normalize("::ffff:22ca:f1e3")).isEqualTo("34.202.241.227");
        assertThat(CallbackSourceAllowlist.normalize(" 34.202.241.227 ")).isEqualTo("34.202.241.227");
    }

    @Test
    void ipv6BecomesTheRfc5952Form() {
        assertThat(CallbackSourceAllowlist.normalize("2001:0DB8:0000:0000:0000:0000:0000:0001")).isEqualTo("2001:db8::1");
        assertThat(CallbackSourceAllowlist.normalize("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(CallbackSourceAllowlist.normalize("2001:db8:0:1:0:0:0:0")).isEqualTo("2001:db8:0:1::");
        assertThat(CallbackSourceAllowlist.normalize("2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");
        assertThat(CallbackSourceAllowlist.normalize("2001:db8:1:1:1:1:0:1")).isEqualTo("2001:db8:1:1:1:1:0:1");
    }

    @Test
    void textThatIsNotAnAddressIsNeverLookedUp() {
        assertThat(CallbackSourceAllowlist.normalize("callback.jumio.com")).isNull();
        assertThat(CallbackSourceAllowlist.normalize("unknown")).isNull();
        assertThat(CallbackSourceAllowlist.normalize("1.2.3.4\r\nFORGED")).isNull();
        assertThat(CallbackSourceAllowlist.normalize("")).isNull();
        assertThat(CallbackSourceAllowlist.normalize(null)).isNull();
    }
}
