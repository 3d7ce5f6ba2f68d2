package com.jumiogateway.security;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Credentials for /api/** and the non-public actuator endpoints. None configured: everyone is refused. */
@ConfigurationProperties(prefix = "gateway.api")
public class ApiProperties {

    private String username;
    private String password;
    private List<String> tokens = new ArrayList<>();
    private String publicBaseUrl = "http://localhost:8080";
    /** Failed logins (wrong Basic password or bearer token) per client address within the window before 429. */
    private int maxFailedLogins = 10;
    /** The window in which failed logins are counted; a blocked address waits until it ends (Retry-After). */
    private Duration failedLoginWindow = Duration.ofMinutes(1);
    /** How long a verified Basic password is remembered (as a keyed digest), so it is not re-hashed every request. */
    private Duration credentialCacheTtl = Duration.ofMinutes(5);

    public String getUsername() { return username; }
    public void setUsername(String username) { this.username = username; }
    public String getPassword() { return password; }
    public void setPassword(String password) { this.password = password; }
    public List<String> getTokens() { return tokens; }
    public void setTokens(List<String> tokens) { this.tokens = tokens; }
    public String getPublicBaseUrl() { return publicBaseUrl; }
    public void setPublicBaseUrl(String publicBaseUrl) { this.publicBaseUrl = publicBaseUrl; }
    public int getMaxFailedLogins() { return maxFailedLogins; }
    public void setMaxFailedLogins(int maxFailedLogins) { this.maxFailedLogins = maxFailedLogins; }
    public Duration getFailedLoginWindow() { return failedLoginWindow; }
    public void setFailedLoginWindow(Duration failedLoginWindow) { this.failedLoginWindow = failedLoginWindow; }
    public Duration getCredentialCacheTtl() { return credentialCacheTtl; }
    public void setCredentialCacheTtl(Duration credentialCacheTtl) { this.credentialCacheTtl = credentialCacheTtl; }
}
