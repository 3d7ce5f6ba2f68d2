package com.jumiogateway.result;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerificationResultRecordTest {

    /** A payload whose hashCode fails: hashing the result must not walk it (Camel hashes bodies on every ${body.x}). */
    private record Unhashable(String value) {
        @Override
        public int hashCode() {
            throw new AssertionError("the payload was hashed");
        }
    }

    private static VerificationResult result(String status, Object details) {
        return new VerificationResult("ref-1", CallbackKind.NETVERIFY, ResultSource.CALLBACK, status, Decision.FRAUD,
                "merchant-1", "customer-1", "PASSPORT", "AUT", "Austria",
                new RejectReason("105", "FRAUDSTER", "FRAUD", true, List.of()),
                Instant.parse("2024-03-01T10:00:00Z"), Instant.parse("2024-03-01T10:05:00Z"), 300L, details);
    }

    @Test
    void hashingAResultDoesNotWalkItsPayload() {
        VerificationResult result = result("DENIED_FRAUD", new Unhashable("x"));

        assertThat(result.hashCode()).isEqualTo(result("DENIED_FRAUD", new Unhashable("y")).hashCode());
    }

    @Test
    void equalResultsHashAlikeAndResultsThatDifferInStatusAreNotEqual() {
        assertThat(result("DENIED_FRAUD", List.of("a"))).isEqualTo(result("DENIED_FRAUD", List.of("a")))
                .hasSameHashCodeAs(result("DENIED_FRAUD", List.of("a")));
        assertThat(result("DENIED_FRAUD", List.of("a"))).isNotEqualTo(result("DENIED_FRAUD", List.of("b")))
                .isNotEqualTo(result("APPROVED_VERIFIED", List.of("a")));
        assertThat(result("DENIED_FRAUD", null).hashCode()).isNotEqualTo(result("APPROVED_VERIFIED", null).hashCode());
    }
}
