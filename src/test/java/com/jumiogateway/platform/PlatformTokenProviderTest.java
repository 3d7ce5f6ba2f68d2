package com.jumiogateway.platform;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.jumiogateway.support.PlatformFake;
import com.jumiogateway.support.TestClock;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The OAuth2 token provider and the Platform API client against a real HTTP server playing Jumio's auth endpoint:
 * one token request however many callers ask at once, renewal once the margin is reached, 401 handling.
 */
@ExtendWith(OutputCaptureExtension.class)
class PlatformTokenProviderTest {

    static final PlatformFake jumio = new PlatformFake();
    final ExecutorService pool = Executors.newFixedThreadPool(50);
    PlatformProperties properties;
    PlatformTokenProvider provider;
    TestClock clock;

    @BeforeEach
    void setUp() {
        jumio.reset();
        properties = new PlatformProperties();
        properties.setClientId(PlatformFake.CLIENT_ID);
        properties.setClientSecret(PlatformFake.CLIENT_SECRET);
        properties.setAuthUrl(jumio.baseUrl() + "/auth");
        properties.setRetrievalUrl(jumio.baseUrl() + "/retrieval");
        properties.setTokenRefreshMargin(Duration.ofSeconds(60));
        clock = TestClock.now();
        provider = new PlatformTokenProvider(properties, client(), new ObjectMapper(), clock, "Test/1.0");
    }

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    @AfterAll
    static void stopJumio() {
        jumio.stop();
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    /** {@code callers} threads released at the same moment, each asking for a token; the distinct answers. */
    private Set<String> askConcurrently(int callers) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> answers = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            answers.add(pool.submit((Callable<String>) () -> {
                start.await();
                return provider.token();
            }));
        }
        start.countDown();
        Set<String> tokens = ConcurrentHashMap.newKeySet();
        for (Future<String> answer : answers) {
            tokens.add(answer.get());
        }
        return tokens;
    }

    @Test
    void fiftyConcurrentCallersShareOneTokenRequestAndAnExpiredTokenIsRenewedExactlyOnce(CapturedOutput output)
            throws Exception {
        // 61 s lifetime, 60 s margin: renewed once the clock has moved one second; a slow endpoint makes callers overlap
        jumio.tokenEndpoint(61, 300);

        assertThat(askConcurrently(50)).containsExactly("token-1");
        assertThat(jumio.tokenRequests()).isEqualTo(1);
        ServeEvent request = jumio.requests(PlatformFake.TOKEN_PATH).get(0);
        assertThat(request.getRequest().getHeader("Authorization")).isEqualTo(PlatformFake.basicAuthorization());
        assertThat(request.getRequest().getBodyAsString()).isEqualTo("grant_type=client_credentials");
        assertThat(request.getRequest().getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");

        // still valid: many more calls, no request
        assertThat(askConcurrently(50)).containsExactly("token-1");
        assertThat(jumio.tokenRequests()).isEqualTo(1);

        jumio.tokenEndpoint(61, 300);
        clock.advance(Duration.ofMillis(1200));
        assertThat(askConcurrently(50)).containsExactly("token-2");
        assertThat(jumio.tokenRequests()).isEqualTo(2);

        assertThat(output.getAll()).doesNotContain("token-1", "token-2", PlatformFake.CLIENT_SECRET,
                PlatformFake.basicAuthorization().substring(6));
    }

    @Test
    void aTokenWithMoreThanTheMarginLeftIsKept() throws Exception {
        jumio.tokenEndpoint(3600);
        assertThat(provider.token()).isEqualTo(provider.token());
        clock.advance(Duration.ofMinutes(58));
        provider.token();
        assertThat(jumio.tokenRequests()).isEqualTo(1);
    }

    @Test
    void invalidatingAnOlderTokenKeepsTheNewerOne() throws Exception {
        jumio.tokenEndpoint(3600);
        String first = provider.token();
        provider.invalidate(first);
        jumio.tokenEndpoint(3600);
        String second = provider.token();
        assertThat(second).isNotEqualTo(first);
        provider.invalidate(first); // a late 401 for the old token
        assertThat(provider.token()).isEqualTo(second);
        assertThat(jumio.tokenRequests()).isEqualTo(2);
    }

    @Test
    void refusedCredentialsAreAnErrorAndNothingIsCached() {
        jumio.server.stubFor(post(urlPathEqualTo(PlatformFake.TOKEN_PATH)).willReturn(aResponse().withStatus(401)));
        assertThatThrownBy(provider::token).isInstanceOf(PlatformApiException.class).hasMessageContaining("401");
        assertThatThrownBy(provider::token).isInstanceOf(PlatformApiException.class);
        assertThat(jumio.tokenRequests()).isEqualTo(2);
    }

    @Test
    void noCredentialsNoRequest() {
        properties.setClientSecret("");
        assertThatThrownBy(provider::token).isInstanceOf(PlatformApiException.class)
                .hasMessageContaining("GATEWAY_PLATFORM_CLIENT_SECRET");
        assertThat(jumio.tokenRequests()).isZero();
    }

    @Test
    void a401ClearsTheTokenOnceAndTheRequestIsSentOnceMoreWithANewToken() throws Exception {
        PlatformApi api = new PlatformApi(properties, provider, client(), "Test/1.0");
        jumio.tokenEndpoint(3600);
        String path = "/retrieval/api/v1/accounts/a-1/workflow-executions/w-1/status";
        jumio.server.stubFor(get(urlPathEqualTo(path)).inScenario("revoked").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(401)).willSetStateTo("renewed"));
        jumio.server.stubFor(get(urlPathEqualTo(path)).inScenario("revoked").whenScenarioStateIs("renewed")
                .willReturn(aResponse().withStatus(200).withBody("{\"status\":\"ACQUIRED\"}")));
        provider.token();
        jumio.tokenEndpoint(3600);

        PlatformApi.Answer answer = api.get(jumio.baseUrl() + path);

        assertThat(answer.status()).isEqualTo(200);
        List<ServeEvent> calls = jumio.requests(path);
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).getRequest().getHeader("Authorization")).isEqualTo("Bearer token-1");
        assertThat(calls.get(1).getRequest().getHeader("Authorization")).isEqualTo("Bearer token-2");
        assertThat(jumio.tokenRequests()).isEqualTo(2);
    }

    @Test
    void a401WithTheNewTokenTooIsReturnedAfterOneRetry() throws Exception {
        PlatformApi api = new PlatformApi(properties, provider, client(), "Test/1.0");
        jumio.tokenEndpoint(3600);
        String path = "/retrieval/api/v1/accounts/a-1/workflow-executions/w-1";
        jumio.server.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(401)));

        assertThat(api.get(jumio.baseUrl() + path).status()).isEqualTo(401);
        assertThat(jumio.requests(path)).hasSize(2);
        assertThat(jumio.tokenRequests()).isEqualTo(2);
    }
}
