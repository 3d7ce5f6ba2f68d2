package com.jumiogateway.security;

import com.jumiogateway.edge.JsonErrors;
import com.jumiogateway.intake.CallbackSourceAllowlist;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.DefaultSecurityFilterChain;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.util.StringUtils;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * /api/** holds personal data: HTTP Basic or a configured bearer token. /callbacks/** has no filter at this layer;
 * the servlet edge and the intake routes apply the source allowlist. Health stays open for load balancers (status
 * only; details for authenticated callers). Every refusal is JSON. Failed logins are throttled per address
 * ({@link FailedLoginThrottleFilter}), and a verified password is not re-hashed on every request ({@link ApiCredentials}).
 */
@Configuration
@EnableConfigurationProperties(ApiProperties.class)
class ApiSecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ApiSecurityConfiguration.class);

    /**
     * Callbacks are the servlet edge's: the valve has decided who is calling (the allowlist) before any filter runs,
     * and no rule of Spring Security applies to them. A chain without filters spares each callback two passes
     * through the API chain (its request and the async dispatch that completes it), about a tenth of its CPU.
     */
    @Bean
    @Order(0)
    SecurityFilterChain callbackSecurityFilterChain() {
        return new DefaultSecurityFilterChain(PathPatternRequestMatcher.withDefaults().matcher("/callbacks/**"));
    }

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, ApiProperties properties,
                                            CallbackSourceAllowlist addresses, Clock clock, MeterRegistry meters)
            throws Exception {
        FailedLoginThrottle throttle = new FailedLoginThrottle(properties.getMaxFailedLogins(),
                properties.getFailedLoginWindow(), clock);
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(auth -> auth
                        // the request was authorized on its first dispatch; platform-http completes it asynchronously
                        // (config/application.yaml keeps the filters off ASYNC dispatches; this holds if it is changed)
                        .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll()
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info").permitAll()
                        .requestMatchers("/api/**", "/actuator/**").hasRole("API")
                        .anyRequest().denyAll())
                .httpBasic(basic -> basic.authenticationEntryPoint(ApiSecurityConfiguration::unauthorized))
                .exceptionHandling(e -> e.authenticationEntryPoint(ApiSecurityConfiguration::unauthorized)
                        .accessDeniedHandler((request, response, denied) -> json(response, 403)))
                .addFilterBefore(new BearerTokenFilter(tokens(properties)), BasicAuthenticationFilter.class)
                .addFilterBefore(new FailedLoginThrottleFilter(throttle, addresses, meters), BearerTokenFilter.class)
                .addFilterAfter(new ApiCallerFilter(addresses), BasicAuthenticationFilter.class);
        return http.build();
    }

    @Bean
    ApiCredentials apiCredentials(ApiProperties properties, Clock clock, MeterRegistry meters) {
        ApiCredentials credentials = new ApiCredentials(properties, clock, meters);
        if (!credentials.configured()) {
            log.warn("No API user configured (GATEWAY_API_USERNAME / GATEWAY_API_PASSWORD): HTTP Basic on /api/** refuses everyone");
        }
        return credentials;
    }

    private static void unauthorized(HttpServletRequest request, HttpServletResponse response,
                                     AuthenticationException e) throws IOException {
        response.setHeader("WWW-Authenticate", "Basic realm=\"jumio-callback-gateway\"");
        json(response, 401);
    }

    private static void json(HttpServletResponse response, int status) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        byte[] body = JsonErrors.body(status);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static List<byte[]> tokens(ApiProperties properties) {
        return properties.getTokens().stream().filter(StringUtils::hasText)
                .map(t -> t.trim().getBytes(StandardCharsets.UTF_8)).toList();
    }

    /** Accepts "Authorization: Bearer <token>" for one of the configured tokens (constant-time comparison). */
    static final class BearerTokenFilter extends OncePerRequestFilter {
        private final List<byte[]> tokens;

        BearerTokenFilter(List<byte[]> tokens) {
            this.tokens = tokens;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String header = request.getHeader("Authorization");
            if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                byte[] presented = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
                if (tokens.stream().anyMatch(t -> MessageDigest.isEqual(t, presented))) {
                    // named by a fingerprint of the token, so the audit tells tokens apart without holding one
                    SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                            ApiCallerFilter.tokenName(presented), null, AuthorityUtils.createAuthorityList("ROLE_API")));
                }
            }
            chain.doFilter(request, response);
        }
    }
}
