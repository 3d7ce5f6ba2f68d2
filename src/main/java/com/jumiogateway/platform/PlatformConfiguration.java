package com.jumiogateway.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.jumiogateway.enrich.CountryNames;
import com.jumiogateway.reconciliation.JumioApiProperties;
import com.jumiogateway.reconciliation.PlatformPolling;
import com.jumiogateway.store.VerificationResultStore;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/** The Jumio Platform beans the routes call by name. */
@Configuration
@EnableConfigurationProperties(PlatformProperties.class)
class PlatformConfiguration {

    /** No redirects, no retries of its own: every request is one the routes decided to send. */
    private static HttpClient httpClient(PlatformProperties properties) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofMillis(properties.getConnectTimeoutMs()))
                .build();
    }

    @Bean
    PlatformTokenProvider platformTokenProvider(PlatformProperties properties, ObjectMapper mapper, Clock clock,
                                                JumioApiProperties jumio) {
        return new PlatformTokenProvider(properties, httpClient(properties), mapper, clock, jumio.getUserAgent());
    }

    @Bean("platformApi")
    PlatformApi platformApi(PlatformProperties properties, PlatformTokenProvider tokens, JumioApiProperties jumio) {
        return new PlatformApi(properties, tokens, httpClient(properties), jumio.getUserAgent());
    }

    @Bean("platformResults")
    PlatformResults platformResults(ObjectMapper mapper, PlatformProperties properties, CountryNames countryNames,
                                    Clock clock) {
        return new PlatformResults(mapper, properties, countryNames, clock);
    }

    @Bean("platformAccounts")
    PlatformAccounts platformAccounts(PlatformProperties properties, JdbcTemplate jdbc, Clock clock) {
        return new PlatformAccounts(properties, jdbc, clock);
    }

    @Bean("platformVerifications")
    PlatformVerifications platformVerifications(ObjectMapper mapper, VerificationResultStore results,
                                                JdbcTemplate jdbc) {
        return new PlatformVerifications(mapper, results, jdbc);
    }

    /** The poller polls PLATFORM transactions only when the Platform's credentials are configured. */
    @Bean
    PlatformPolling platformPolling(PlatformProperties properties) {
        return properties::credentialsConfigured;
    }
}
