package com.jumiogateway.personaldata;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The erased scan references ({@code erasure_tombstone}). The result store asks here before and after storing a
 * result: a callback or retrieval result arriving after an erasure is stored without its personal fields and counted
 * ({@code gateway.erasure.later.results{kind}}), so it never brings the person back.
 */
@Component("erasureTombstones")
public class ErasureTombstones {

    private final JdbcTemplate jdbc;
    private final MeterRegistry meters;

    public ErasureTombstones(JdbcTemplate jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.meters = meters;
    }

    /** True when the scan reference was erased. */
    public boolean erased(String scanReference) {
        return scanReference != null && !jdbc.queryForList(
                "SELECT scan_reference FROM erasure_tombstone WHERE scan_reference = ?", String.class, scanReference).isEmpty();
    }

    /** A result arrived for an erased reference and was stored without its personal fields: counted, on the tombstone too. */
    public void laterResult(String scanReference, String kind) {
        jdbc.update("UPDATE erasure_tombstone SET later_results = later_results + 1 WHERE scan_reference = ?", scanReference);
        meters.counter("gateway.erasure.later.results", "kind", String.valueOf(kind)).increment();
    }
}
