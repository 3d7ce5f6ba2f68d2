package com.jumiogateway.dataprotection;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Encryption at rest ({@code gateway.data}); the defaults and their meaning are in config/application.yaml.
 *
 * @param keys               {@code GATEWAY_DATA_KEYS}: {@code id:base64key,...}, newest (encrypting) first; blank: off
 * @param requireEncryption  refuse to start without a key
 * @param rotation           re-encryption of rows not under the newest key
 */
@ConfigurationProperties(prefix = "gateway.data")
public record DataProtectionProperties(String keys, boolean requireEncryption, @DefaultValue Rotation rotation) {

    /** @param batchSize rows re-encrypted per table and transaction (bounds how long rows stay locked) */
    public record Rotation(@DefaultValue("100") int batchSize) {
    }
}
