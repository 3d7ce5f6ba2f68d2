package com.jumiogateway.security;

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

    public String getUsername() { return username; }
    public void setUsername(String username) { this.username = username; }
    public String getPassword() { return password; }
    public void setPassword(String password) { this.password = password; }
    public List<String> getTokens() { return tokens; }
    public void setTokens(List<String> tokens) { this.tokens = tokens; }
    public String getPublicBaseUrl() { return publicBaseUrl; }
    public void setPublicBaseUrl(String publicBaseUrl) { this.publicBaseUrl = publicBaseUrl; }
}
