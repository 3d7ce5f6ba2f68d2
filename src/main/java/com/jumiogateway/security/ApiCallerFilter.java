package com.jumiogateway.security;

import com.jumiogateway.intake.CallbackSourceAllowlist;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * After authentication: puts who is calling (the API user, or {@code token:<fingerprint>} for a bearer token) and
 * from which client address on the request, as attributes. platform-http routes run on another thread, where
 * Spring Security's context is not available; the audit of who read what reads these attributes instead.
 */
public final class ApiCallerFilter extends OncePerRequestFilter {

    /** Request attribute: the authenticated caller's name. */
    public static final String CALLER = "com.jumiogateway.api.caller";
    /** Request attribute: the caller's address (X-Forwarded-For only from the trusted proxies). */
    public static final String CLIENT_ADDRESS = "com.jumiogateway.api.client-address";

    private final CallbackSourceAllowlist addresses;

    ApiCallerFilter(CallbackSourceAllowlist addresses) {
        this.addresses = addresses;
    }

    /** A bearer token's name: the first 12 hex digits of its SHA-256 (never the token). */
    static String tokenName(byte[] token) {
        try {
            return "token:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token)).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.isAuthenticated()
                && !(authentication instanceof AnonymousAuthenticationToken)) {
            request.setAttribute(CALLER, authentication.getName());
            request.setAttribute(CLIENT_ADDRESS,
                    addresses.clientAddress(request.getRemoteAddr(), request.getHeaders("X-Forwarded-For")));
        }
        chain.doFilter(request, response);
    }
}
