package com.jumiogateway.intake;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** A single address or a CIDR range, IPv4 or IPv6. Parsed from literals only: never triggers a DNS lookup. */
public record AddressRange(byte[] network, int prefixLength, String text) {

    public static AddressRange parse(String value) {
        String trimmed = value.trim();
        int slash = trimmed.indexOf('/');
        String host = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] address = literal(host);
        int prefix = slash < 0 ? address.length * 8 : Integer.parseInt(trimmed.substring(slash + 1));
        if (prefix < 0 || prefix > address.length * 8) {
            throw new IllegalArgumentException("Invalid prefix length in " + value);
        }
        return new AddressRange(mask(address, prefix), prefix, trimmed);
    }

    public boolean contains(InetAddress candidate) {
        byte[] bytes = candidate.getAddress();
        return bytes.length == network.length && Arrays.equals(mask(bytes, prefixLength), network);
    }

    /** Accepts only IP literals; anything that would need DNS is refused. */
    static byte[] literal(String host) {
        if (host.isEmpty() || !(host.contains(":") || host.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
            throw new IllegalArgumentException("Not an IP address literal: " + host);
        }
        try {
            return InetAddress.getByName(host).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("Not an IP address literal: " + host, e);
        }
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] &= (byte) (0xFF << (8 - bits));
        }
        return masked;
    }

    @Override
    public String toString() {
        return text;
    }
}
