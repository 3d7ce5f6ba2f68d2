package com.jumiogateway.form;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A form-encoded value (UTF-8, '+' is a space) decoded leniently: a broken %-escape stays literal, malformed UTF-8
 * becomes U+FFFD, nothing throws. Each decoded character knows the position in the encoded text at which it starts,
 * so a span of the decoded text can be replaced in the encoded one and every other byte kept as received.
 *
 * <p>{@link FormBody} is the strict decoder of the parsers (a broken escape or invalid UTF-8 refuses the callback);
 * this one is for the intake's redaction of a raw body, which must never fail and never alter more than it masks.
 */
public record DecodedFormValue(String text, int[] offsets) {

    public static DecodedFormValue of(String encoded) {
        int length = encoded.length();
        byte[] bytes = new byte[length * 4];
        int[] byteOffsets = new int[length * 4];
        int b = 0;
        for (int i = 0; i < length; ) {
            char c = encoded.charAt(i);
            int high = i + 2 < length ? Character.digit(encoded.charAt(i + 1), 16) : -1;
            int low = i + 2 < length ? Character.digit(encoded.charAt(i + 2), 16) : -1;
            if (c == '+') {
                byteOffsets[b] = i;
                bytes[b++] = ' ';
                i++;
            } else if (c == '%' && high >= 0 && low >= 0) {
                byteOffsets[b] = i;
                bytes[b++] = (byte) (high << 4 | low);
                i += 3;
            } else {
                int codePoint = encoded.codePointAt(i);
                for (byte x : new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8)) {
                    byteOffsets[b] = i;
                    bytes[b++] = x;
                }
                i += Character.charCount(codePoint);
            }
        }
        StringBuilder text = new StringBuilder(b);
        int[] offsets = new int[b + 1];
        int t = 0;
        for (int k = 0; k < b; ) {
            int lead = bytes[k] & 0xFF;
            int continuation;
            int codePoint;
            if (lead < 0x80) {
                continuation = 0;
                codePoint = lead;
            } else if (lead >= 0xC2 && lead < 0xE0) {
                continuation = 1;
                codePoint = lead & 0x1F;
            } else if (lead >= 0xE0 && lead < 0xF0) {
                continuation = 2;
                codePoint = lead & 0x0F;
            } else if (lead >= 0xF0 && lead < 0xF5) {
                continuation = 3;
                codePoint = lead & 0x07;
            } else {
                continuation = -1;
                codePoint = 0xFFFD;
            }
            boolean valid = continuation >= 0 && k + continuation < b;
            for (int j = 1; valid && j <= continuation; j++) {
                int next = bytes[k + j] & 0xFF;
                valid = (next & 0xC0) == 0x80;
                codePoint = codePoint << 6 | (next & 0x3F);
            }
            if (valid && (codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF))) {
                valid = false;
            }
            for (char ch : Character.toChars(valid ? codePoint : 0xFFFD)) {
                offsets[t++] = byteOffsets[k];
                text.append(ch);
            }
            k += valid ? continuation + 1 : 1;
        }
        offsets[t] = length;
        return new DecodedFormValue(text.toString(), Arrays.copyOf(offsets, t + 1));
    }

    /** The position in the encoded text at which the decoded character at {@code index} starts (the length of
     * the encoded text for {@code index == text().length()}). */
    public int offset(int index) {
        return offsets[index];
    }
}
