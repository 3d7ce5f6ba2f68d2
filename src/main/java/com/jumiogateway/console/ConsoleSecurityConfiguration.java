package com.jumiogateway.console;

import com.jumiogateway.intake.CallbackSourceAllowlist;
import com.jumiogateway.security.ApiProperties;
import com.jumiogateway.security.FailedLoginThrottle;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.util.StringUtils;

/**
 * The web console's own filter chain, ordered before the API's (which keeps its stateless Basic and Bearer logins
 * and JSON refusals for everything else): form login with a session cookie, CSRF tokens on every POST, logout, and
 * roles from gateway.console.users. The users are not a bean, so the API's authentication is not changed by them.
 */
@Configuration
@EnableConfigurationProperties(ConsoleProperties.class)
class ConsoleSecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ConsoleSecurityConfiguration.class);

    static final String VIEWER = ConsoleProperties.Role.VIEWER.name();
    static final String COMPLIANCE = ConsoleProperties.Role.COMPLIANCE.name();
    static final String ADMIN = ConsoleProperties.Role.ADMIN.name();

    @Bean
    @Order(1)
    SecurityFilterChain consoleSecurityFilterChain(HttpSecurity http, ConsoleProperties properties, ApiProperties api,
                                                   CallbackSourceAllowlist addresses, Clock clock) throws Exception {
        // wrong passwords per client address, with the API's limits: after max-failed-logins the form refuses to check
        // more (each check is a bcrypt hash) until the window ends
        FailedLoginThrottle throttle = new FailedLoginThrottle(api.getMaxFailedLogins(), api.getFailedLoginWindow(), clock);
        SavedRequestAwareAuthenticationSuccessHandler toSavedRequest = new SavedRequestAwareAuthenticationSuccessHandler();
        toSavedRequest.setDefaultTargetUrl("/console");
        DaoAuthenticationProvider provider = new DaoAuthenticationProvider(users(properties));
        provider.setPasswordEncoder(PasswordEncoderFactories.createDelegatingPasswordEncoder());
        // after login, back to the page asked for (the alert's link) as it was, without Spring's ?continue marker
        HttpSessionRequestCache requestCache = new HttpSessionRequestCache();
        requestCache.setMatchingRequestParameterName(null);
        toSavedRequest.setRequestCache(requestCache);
        http.securityMatcher("/console", "/console/**")
                .requestCache(cache -> cache.requestCache(requestCache))
                .authenticationManager(new ProviderManager(provider))
                .authorizeHttpRequests(auth -> auth
                        .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                        .requestMatchers("/console/login", "/console/console.css").permitAll()
                        // replay and resend change the pipeline: admin only
                        .requestMatchers(HttpMethod.POST, "/console/callbacks/**", "/console/alerts/**").hasRole(ADMIN)
                        .anyRequest().hasAnyRole(VIEWER, COMPLIANCE, ADMIN))
                .formLogin(form -> form.loginPage("/console/login").loginProcessingUrl("/console/login")
                        .successHandler((request, response, authentication) -> {
                            throttle.succeeded(client(addresses, request));
                            toSavedRequest.onAuthenticationSuccess(request, response, authentication);
                        })
                        .failureHandler((request, response, failure) -> {
                            throttle.failed(client(addresses, request));
                            log.info("Failed console login from {}", client(addresses, request));
                            response.sendRedirect(request.getContextPath() + "/console/login?error");
                        })
                        .permitAll())
                .addFilterBefore((servletRequest, servletResponse, chain) -> {
                    HttpServletRequest request = (HttpServletRequest) servletRequest;
                    if ("POST".equals(request.getMethod()) && "/console/login".equals(request.getServletPath())
                            && throttle.retryAfterSeconds(client(addresses, request)) > 0) {
                        ((HttpServletResponse) servletResponse).sendRedirect(request.getContextPath() + "/console/login?throttled");
                        return;
                    }
                    chain.doFilter(servletRequest, servletResponse);
                }, UsernamePasswordAuthenticationFilter.class)
                .logout(logout -> logout.logoutUrl("/console/logout").logoutSuccessUrl("/console/login?logout")
                        .deleteCookies("JSESSIONID"))
                .exceptionHandling(e -> e.accessDeniedHandler((request, response, denied) -> {
                    byte[] page = ("<!DOCTYPE html><html lang=\"en\"><head><title>Not allowed</title></head><body>"
                            + "<h1>Not allowed</h1><p>Your role does not allow this, or the form had expired"
                            + " (reload the page and try again).</p><p><a href=\"/console\">Back to the console</a></p>"
                            + "</body></html>").getBytes(StandardCharsets.UTF_8);
                    response.setStatus(403);
                    response.setContentType("text/html;charset=UTF-8");
                    response.setContentLength(page.length);
                    response.getOutputStream().write(page);
                }))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'none'; style-src 'self';"
                                + " img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"))
                        .referrerPolicy(referrer -> referrer.policy(
                                org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER)));
        return http.build();
    }

    private static String client(CallbackSourceAllowlist addresses, HttpServletRequest request) {
        return addresses.clientAddress(request.getRemoteAddr(), request.getHeaders("X-Forwarded-For"));
    }

    /** The configured people; a user without a hashed password or without a role cannot log in (and is named in the log). */
    static InMemoryUserDetailsManager users(ConsoleProperties properties) {
        List<UserDetails> users = new ArrayList<>();
        properties.getUsers().forEach((name, user) -> {
            if (!StringUtils.hasText(user.getPassword()) || !user.getPassword().startsWith("{")) {
                log.warn("Console user {} has no hashed password ({{bcrypt}}...): cannot log in", name);
                return;
            }
            if (user.getRoles().isEmpty()) {
                log.warn("Console user {} has no role: cannot log in", name);
                return;
            }
            users.add(User.withUsername(name).password(user.getPassword())
                    .roles(user.getRoles().stream().map(Enum::name).toArray(String[]::new)).build());
        });
        if (users.isEmpty()) {
            log.info("No console user configured (gateway.console.users): nobody can log in to /console");
        }
        return new InMemoryUserDetailsManager(users);
    }
}
