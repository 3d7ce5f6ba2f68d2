package com.jumiogateway.security;

import com.jumiogateway.edge.JsonErrors;
import com.jumiogateway.intake.CallbackSourceAllowlist;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Before any credential is checked: a client address with too many failed logins in the current window gets 429
 * with Retry-After. After the check: a 401 to a request that presented credentials counts as a failure, a success
 * clears the address. The client address is decided like the callback allowlist's (X-Forwarded-For only from the
 * trusted proxies).
 */
final class FailedLoginThrottleFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(FailedLoginThrottleFilter.class);

    private final FailedLoginThrottle throttle;
    private final CallbackSourceAllowlist addresses;
    private final Counter throttled;

    FailedLoginThrottleFilter(FailedLoginThrottle throttle, CallbackSourceAllowlist addresses, MeterRegistry meters) {
        this.throttle = throttle;
        this.addresses = addresses;
        this.throttled = Counter.builder("gateway.api.logins").tag("outcome", "throttled")
                .description("Requests refused with 429 after too many failed logins from their address").register(meters);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getHeader("Authorization") == null) {
            chain.doFilter(request, response);
            return;
        }
        String client = addresses.clientAddress(request.getRemoteAddr(), request.getHeaders("X-Forwarded-For"));
        long wait = throttle.retryAfterSeconds(client);
        if (wait > 0) {
            throttled.increment();
            log.debug("Refused a login from {}: too many failed logins, {}s to wait", client, wait);
            byte[] json = JsonErrors.body(429);
            response.setStatus(429);
            response.setHeader("Retry-After", String.valueOf(wait));
            response.setContentType("application/json");
            response.setContentLength(json.length);
            response.getOutputStream().write(json);
            return;
        }
        chain.doFilter(request, response);
        if (response.getStatus() == HttpServletResponse.SC_UNAUTHORIZED) {
            throttle.failed(client);
            log.info("Failed login on the API from {}", client);
        } else if (authenticated()) {
            throttle.succeeded(client);
        }
    }

    /** Only a real login clears the count (a wrong token on an open path is answered 200 but proves nothing). */
    private static boolean authenticated() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && authentication.isAuthenticated()
                && !(authentication instanceof AnonymousAuthenticationToken);
    }
}
