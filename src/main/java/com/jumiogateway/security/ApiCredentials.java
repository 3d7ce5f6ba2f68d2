package com.jumiogateway.security;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.util.StringUtils;

/**
 * The HTTP Basic check for /api/**. The configured password is kept only bcrypt-hashed (or given already hashed as
 * {@code {bcrypt}...}); a bcrypt check costs tens of milliseconds of CPU, so a password that was verified is
 * remembered for credential-cache-ttl as an HMAC under a key made at start-up (never written anywhere), and later
 * requests compare that digest in constant time instead of hashing again. Wrong passwords are always checked with
 * bcrypt (and throttled per address by {@link FailedLoginThrottleFilter}).
 */
final class ApiCredentials implements AuthenticationProvider {

    private record Verified(byte[] digest, Instant until) {
    }

    private final byte[] username;
    private final String encodedPassword;
    private final PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
    private final SecretKeySpec key;
    private final ApiProperties properties;
    private final Clock clock;
    private final Counter cached;
    private final Counter hashed;
    private final Counter failed;
    private volatile Verified verified;

    ApiCredentials(ApiProperties properties, Clock clock, MeterRegistry meters) {
        this.properties = properties;
        this.clock = clock;
        boolean configured = StringUtils.hasText(properties.getUsername()) && StringUtils.hasText(properties.getPassword());
        this.username = configured ? properties.getUsername().getBytes(StandardCharsets.UTF_8) : null;
        this.encodedPassword = !configured ? null
                : properties.getPassword().startsWith("{bcrypt}") ? properties.getPassword()
                : encoder.encode(properties.getPassword());
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.cached = counter(meters, "cached");
        this.hashed = counter(meters, "hashed");
        this.failed = counter(meters, "failed");
    }

    private static Counter counter(MeterRegistry meters, String outcome) {
        return Counter.builder("gateway.api.logins").tag("outcome", outcome)
                .description("HTTP Basic checks on /api/**: cached (digest of a verified password), hashed (bcrypt), failed")
                .register(meters);
    }

    boolean configured() {
        return username != null;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String name = authentication.getName() == null ? "" : authentication.getName();
        String password = authentication.getCredentials() == null ? "" : authentication.getCredentials().toString();
        if (!configured()) {
            failed.increment();
            throw new BadCredentialsException("Bad credentials");
        }
        byte[] digest = digest(name, password);
        Verified remembered = verified;
        if (remembered != null && clock.instant().isBefore(remembered.until())
                && MessageDigest.isEqual(remembered.digest(), digest)) {
            cached.increment();
            return authenticated(name);
        }
        hashed.increment();
        // both checks always run: the time taken says nothing about which one failed
        boolean passwordMatches = encoder.matches(password, encodedPassword);
        boolean userMatches = MessageDigest.isEqual(username, name.getBytes(StandardCharsets.UTF_8));
        if (!(passwordMatches && userMatches)) {
            failed.increment();
            throw new BadCredentialsException("Bad credentials");
        }
        verified = new Verified(digest, clock.instant().plus(properties.getCredentialCacheTtl()));
        return authenticated(name);
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }

    private static Authentication authenticated(String name) {
        return UsernamePasswordAuthenticationToken.authenticated(name, null, AuthorityUtils.createAuthorityList("ROLE_API"));
    }

    private byte[] digest(String name, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(name.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return mac.doFinal(password.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
