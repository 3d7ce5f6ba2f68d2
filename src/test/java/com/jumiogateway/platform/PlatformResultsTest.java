package com.jumiogateway.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jumiogateway.enrich.CountryNames;
import com.jumiogateway.result.Decision;
import com.jumiogateway.result.InvalidCallbackException;
import com.jumiogateway.result.ResultSource;
import com.jumiogateway.result.VerificationResult;
import com.jumiogateway.support.PlatformFake;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Decision mapping of the Platform's workflow execution details and parsing of its callback notices. */
class PlatformResultsTest {

    static final String ACCOUNT = "a-1";
    static final String EXECUTION = "w-1";
    final ObjectMapper mapper = new ObjectMapper();
    final PlatformProperties properties = new PlatformProperties();
    final PlatformResults results = new PlatformResults(mapper, properties, new CountryNames(), Clock.systemUTC());

    /** The PASSED fixture with the overall decision and one capability's decision replaced. */
    private VerificationResult mapWith(String overall, String capability, String type, String label) throws Exception {
        ObjectNode details = (ObjectNode) mapper.readTree(PlatformFake.detailsBody("details-passed.json", ACCOUNT, EXECUTION));
        ((ObjectNode) details.path("decision")).put("type", overall);
        if (capability != null) {
            ObjectNode decision = (ObjectNode) details.path("capabilities").path(capability).get(0).path("decision");
            decision.put("type", type);
            ((ObjectNode) decision.path("details")).put("label", label);
        }
        return results.map(mapper.writeValueAsString(details), EXECUTION, ACCOUNT, "user-42", "10013",
                Instant.parse("2024-03-01T10:06:00Z"), ResultSource.CALLBACK);
    }

    @Test
    void decisionsMapOntoTheCommonModel() throws Exception {
        assertThat(mapWith("PASSED", null, null, null).decision()).isEqualTo(Decision.APPROVED);
        assertThat(mapWith("WARNING", "watchlistScreening", "WARNING", "ALERT").decision()).isEqualTo(Decision.REVIEW);
        assertThat(mapWith("NOT_EXECUTED", null, null, null).decision()).isEqualTo(Decision.UNKNOWN);
        assertThat(mapWith("SOMETHING_NEW", null, null, null).status()).isEqualTo("SOMETHING_NEW");
        assertThat(mapWith("REJECTED", "imageChecks", "REJECTED", "MANIPULATED_DOCUMENT").decision()).isEqualTo(Decision.FRAUD);
        assertThat(mapWith("REJECTED", "imageChecks", "REJECTED", "DIGITAL_COPY").decision()).isEqualTo(Decision.FRAUD);
        assertThat(mapWith("REJECTED", "dataChecks", "REJECTED", "MRZ_CHECKSUM").decision()).isEqualTo(Decision.FRAUD);
        assertThat(mapWith("REJECTED", "liveness", "REJECTED", "ID_USED_AS_SELFIE").decision()).isEqualTo(Decision.FRAUD);
        assertThat(mapWith("REJECTED", "similarity", "REJECTED", "NO_MATCH").decision()).isEqualTo(Decision.FRAUD);
        assertThat(mapWith("REJECTED", "usability", "REJECTED", "BLURRED").decision()).isEqualTo(Decision.RETRY_WITH_USER);
        assertThat(mapWith("REJECTED", "extraction", "REJECTED", "UNSUPPORTED_DOCUMENT_TYPE").decision())
                .isEqualTo(Decision.UNSUPPORTED_DOCUMENT);
        assertThat(mapWith("REJECTED", "watchlistScreening", "REJECTED", "ALERT").decision()).isEqualTo(Decision.REJECTED);
        // a fraud label on a capability that passed is no fraud
        assertThat(mapWith("REJECTED", "imageChecks", "PASSED", "MANIPULATED_DOCUMENT").decision()).isEqualTo(Decision.REJECTED);
    }

    @Test
    void theFraudLabelListsComeFromConfiguration() throws Exception {
        properties.getFraudLabels().setImageChecks(List.of("FAKE"));
        properties.getFraudLabels().setOther(List.of("ALERT"));
        assertThat(mapWith("REJECTED", "imageChecks", "REJECTED", "MANIPULATED_DOCUMENT").decision()).isEqualTo(Decision.REJECTED);
        assertThat(mapWith("REJECTED", "imageChecks", "REJECTED", "fake").decision()).isEqualTo(Decision.FRAUD);
        assertThat(mapWith("REJECTED", "watchlistScreening", "REJECTED", "ALERT").decision()).isEqualTo(Decision.FRAUD);
    }

    @Test
    void rejectReasonNamesTheRejectedCapabilitiesAndDetailsKeepEverything() throws Exception {
        VerificationResult result = mapWith("REJECTED", "dataChecks", "REJECTED", "MRZ_CHECKSUM");
        assertThat(result.rejectReason().category()).isEqualTo("FRAUD");
        assertThat(result.rejectReason().details()).extracting(d -> d.code() + " " + d.description())
                .containsExactly("MRZ_CHECKSUM dataChecks rejected");
        @SuppressWarnings("unchecked")
        Map<String, Object> details = (Map<String, Object>) result.details();
        assertThat(details).containsEntry("accountId", ACCOUNT).containsEntry("workflowExecutionId", EXECUTION)
                .containsEntry("userReference", "user-42").containsEntry("workflowStatus", "PROCESSED");
        assertThat(details.get("capabilities").toString()).contains("ageEstimation", "watchlistScreening");
        assertThat(result.transactionDate()).isEqualTo(Instant.parse("2024-03-01T10:00:05Z"));
        assertThat(result.secondsToResult()).isEqualTo(295);
        assertThat(result.eventTime()).isEqualTo(Instant.parse("2024-03-01T10:06:00Z"));
    }

    @Test
    void detailsOfAnotherExecutionOrAccountAreRefused() {
        String details = PlatformFake.detailsBody("details-passed.json", ACCOUNT, EXECUTION);
        assertThatThrownBy(() -> results.map(details, "w-2", ACCOUNT, null, null, Instant.now(), ResultSource.CALLBACK))
                .isInstanceOf(InvalidCallbackException.class);
        assertThatThrownBy(() -> results.map(details, EXECUTION, "a-2", null, null, Instant.now(), ResultSource.CALLBACK))
                .isInstanceOf(InvalidCallbackException.class);
    }

    @Test
    void noticesAreParsedAndBadOnesRefused() {
        PlatformResults.Notice notice = results.parse("{\"callbackSentAt\":\"2024-03-01T10:05:30.123Z\",\"userReference\":\"u-1\","
                + "\"workflowExecution\":{\"id\":\"w-1\",\"href\":\"https://x\",\"definitionKey\":\"10013\",\"status\":\"processed\"},"
                + "\"account\":{\"id\":\"a-1\",\"href\":\"https://y\"}}");
        assertThat(notice).isEqualTo(new PlatformResults.Notice(Instant.parse("2024-03-01T10:05:30.123Z"), "u-1", "w-1",
                "10013", "PROCESSED", "a-1"));
        properties.setRetrievalUrl("https://retrieval.{region}.jumio.ai/");
        assertThat(results.detailsUrl(notice)).isEqualTo("https://retrieval.amer-1.jumio.ai/api/v1/accounts/a-1/workflow-executions/w-1");

        for (String bad : List.of("", "[]", "{", "{\"workflowExecution\":{\"id\":\"w\",\"status\":\"PROCESSED\"}}",
                "{\"callbackSentAt\":\"2024-03-01T10:05:30Z\",\"workflowExecution\":{\"id\":\"w/../x\",\"status\":\"PROCESSED\"},\"account\":{\"id\":\"a\"}}",
                "{\"callbackSentAt\":\"yesterday\",\"workflowExecution\":{\"id\":\"w\",\"status\":\"PROCESSED\"},\"account\":{\"id\":\"a\"}}",
                "{\"callbackSentAt\":\"2024-03-01T10:05:30Z\",\"workflowExecution\":{\"id\":\"w\"},\"account\":{\"id\":\"a\"}}")) {
            assertThatThrownBy(() -> results.parse(bad)).as(bad).isInstanceOf(InvalidCallbackException.class);
        }
    }
}
