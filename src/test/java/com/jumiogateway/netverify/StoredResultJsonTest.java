package com.jumiogateway.netverify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.jumiogateway.enrich.CountryNames;
import com.jumiogateway.result.ResultSource;
import com.jumiogateway.result.VerificationResult;
import com.jumiogateway.store.VerificationResultStore;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.http.converter.json.Jackson2ObjectMapperBuilder;

/**
 * The store serialises a result's payload once and embeds that text in the stored result JSON: the stored JSON must
 * be exactly what serialising the whole result gives, with the mapper configured as config/application.yaml does.
 */
class StoredResultJsonTest {

    private static final ObjectMapper MAPPER = Jackson2ObjectMapperBuilder.json()
            .featuresToDisable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .serializationInclusion(JsonInclude.Include.NON_NULL).build();

    private final NetverifyCallbackParser parser = new NetverifyCallbackParser(MAPPER);
    private final NetverifyEnricher enricher = new NetverifyEnricher(new CountryNames(), new RejectReasonCatalog());

    @Test
    void embeddingThePayloadsJsonGivesTheSameTextAsSerialisingTheResult() throws Exception {
        for (String body : new String[] {NetverifyFixtures.approvedVerified(), NetverifyFixtures.deniedFraud()}) {
            VerificationResult result = enricher.enrich(parser.parse(body), ResultSource.CALLBACK,
                    Instant.parse("2024-03-01T10:15:30Z"));
            String details = MAPPER.writeValueAsString(result.details());

            String once = MAPPER.writeValueAsString(VerificationResultStore.withSerialisedDetails(result, details));

            assertThat(details).contains("\"jumioIdScanReference\"");
            assertThat(once).isEqualTo(MAPPER.writeValueAsString(result)).contains(details);
        }
    }

    @Test
    void aResultWithoutPayloadIsSerialisedAsItIs() throws Exception {
        VerificationResult result = enricher.enrich(parser.parse(NetverifyFixtures.deniedFraud()), ResultSource.RETRIEVAL,
                Instant.parse("2024-03-01T10:15:30Z")).withDetails(null);

        String once = MAPPER.writeValueAsString(VerificationResultStore.withSerialisedDetails(result, "null"));

        assertThat(once).isEqualTo(MAPPER.writeValueAsString(result));
    }
}
