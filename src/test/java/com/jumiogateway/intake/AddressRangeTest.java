package com.jumiogateway.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressRangeTest {

    @Test
    void singleAddressesAndCidrRangesMatchIpv4AndIpv6() throws Exception {
        assertThat(AddressRange.parse("34.202.241.227").contains(InetAddress.getByName("34.202.241.227"))).isTrue();
        assertThat(AddressRange.parse("34.202.241.227").contains(InetAddress.getByName("34.202.241.228"))).isFalse();
        assertThat(AddressRange.parse("10.0.0.0/8").contains(InetAddress.getByName("10.255.1.2"))).isTrue();
        assertThat(AddressRange.parse("10.0.0.0/8").contains(InetAddress.getByName("11.0.0.1"))).isFalse();
        assertThat(AddressRange.parse("2001:db8::/32").contains(InetAddress.getByName("2001:db8:1::5"))).isTrue();
        assertThat(AddressRange.parse("2001:db8::/32").contains(InetAddress.getByName("10.0.0.1"))).isFalse();
    }

    @Test
    void hostnamesAreNeverLookedUp() {
        assertThatThrownBy(() -> AddressRange.parse("callback.jumio.com")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AddressRange.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
    }
}
