package com.jumiogateway.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): {@code v1,<base64 HMAC-SHA256 of
 * "<webhook-id>.<webhook-timestamp>.<body>">} keyed with the secret's bytes ({@code whsec_<base64>}). With two
 * secrets (a rotation) the header carries both signatures, space-separated: receivers accept either.
 */
public final class WebhookSigner {

    private static final String PREFIX = "whsec_";

    private WebhookSigner() {
    }

    /** The keys of a destination's secrets, decoded once (the sender keeps them per destination). */
    public static List<SecretKeySpec> keys(List<String> secrets) {
        return secrets.stream().map(secret -> new SecretKeySpec(key(secret), "HmacSHA256")).toList();
    }

    public static String signature(List<SecretKeySpec> keys, String id, long timestamp, CharSequence body) {
        byte[] content = (id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8);
        List<String> signatures = new ArrayList<>(keys.size());
        for (SecretKeySpec key : keys) {
            signatures.add("v1," + hmac(key, content));
        }
        return String.join(" ", signatures);
    }

    /** The key bytes of a {@code whsec_<base64>} secret (a secret without the prefix is read as base64 too). */
    static byte[] key(String secret) {
        String encoded = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
        try {
            return Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("A webhook secret is not whsec_<base64>");
        }
    }

    /** One Mac per sender thread: looking the algorithm up costs more than the HMAC of a payload. */
    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    });

    private static String hmac(SecretKeySpec key, byte[] content) {
        try {
            Mac mac = MACS.get();
            mac.init(key);
            return Base64.getEncoder().encodeToString(mac.doFinal(content));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
