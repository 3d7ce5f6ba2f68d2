package com.jumiogateway.netverify;

import com.jumiogateway.routing.ExchangeNames;
import com.jumiogateway.enrich.CountryNames;
import com.jumiogateway.result.Decision;
import com.jumiogateway.result.ResultSource;
import com.jumiogateway.result.VerificationResult;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;

import static com.jumiogateway.netverify.NetverifyFixtures.deniedFraud;
import static org.assertj.core.api.Assertions.assertThat;

/** The beans as routes call them: by bean name, the body and headers bound by Camel (no Spring context). */
class NetverifyBeansCamelBindingTest {

    private static final Instant RECEIVED_AT = Instant.parse("2024-03-01T10:15:30Z");

    private CamelContext camel;
    private ProducerTemplate producer;

    @BeforeEach
    void startCamel() throws Exception {
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("netverifyCallbackParser",
                new NetverifyCallbackParser(NetverifyFixtures.objectMapper()));
        camel.getRegistry().bind("netverifyEnricher",
                new NetverifyEnricher(new CountryNames(), new RejectReasonCatalog()));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:named")
                        .to("bean:netverifyCallbackParser?method=parse")
                        .to("bean:netverifyEnricher?method=enrichFromExchange");
                from("direct:default")
                        .to("bean:netverifyCallbackParser")
                        .to("bean:netverifyEnricher");
            }
        });
        camel.start();
        producer = camel.createProducerTemplate();
    }

    @AfterEach
    void stopCamel() {
        camel.stop();
    }

    @Test
    void namedMethodsWithAStringBodyAndTypedHeaders() {
        VerificationResult result = producer.requestBodyAndHeaders("direct:named", deniedFraud(), Map.of(
                ExchangeNames.CALLBACK_RECEIVED_AT, RECEIVED_AT,
                ExchangeNames.RESULT_SOURCE, ResultSource.CALLBACK), VerificationResult.class);

        assertThat(result.decision()).isEqualTo(Decision.FRAUD);
        assertThat(result.source()).isEqualTo(ResultSource.CALLBACK);
        assertThat(result.eventTime()).isEqualTo(RECEIVED_AT);
    }

    @Test
    void defaultMethodsWithABytesBodyAndHeadersAsJdbcAndTextGiveThem() {
        VerificationResult result = producer.requestBodyAndHeaders("direct:default",
                deniedFraud().getBytes(StandardCharsets.UTF_8), Map.of(
                        ExchangeNames.CALLBACK_RECEIVED_AT, Timestamp.from(RECEIVED_AT),
                        ExchangeNames.RESULT_SOURCE, "RETRIEVAL"), VerificationResult.class);

        assertThat(result.decision()).isEqualTo(Decision.FRAUD);
        assertThat(result.source()).isEqualTo(ResultSource.RETRIEVAL);
        assertThat(result.eventTime()).isEqualTo(RECEIVED_AT);
    }
}
