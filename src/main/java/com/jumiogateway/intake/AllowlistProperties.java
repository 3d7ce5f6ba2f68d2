package com.jumiogateway.intake;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Who may post callbacks: Jumio's published addresses per data center, plus our own proxies. */
@ConfigurationProperties(prefix = "gateway.allowlist")
public class AllowlistProperties {

    /** Data centers whose addresses are accepted, for example US, EU, SGP. */
    private List<String> enabledDataCenters = new ArrayList<>(List.of("US", "EU", "SGP"));
    /** Per data center: static addresses/CIDR ranges and hostnames resolved for the current list. */
    private Map<String, DataCenter> dataCenters = new LinkedHashMap<>();
    /** Extra addresses or ranges accepted whatever data centers are enabled. */
    private List<String> additionalAddresses = new ArrayList<>();
    /** Reverse proxies / load balancers whose X-Forwarded-For is believed. */
    private List<String> trustedProxies = new ArrayList<>();
    /** Loopback callers (127.0.0.0/8, ::1); only for local development. */
    private boolean allowLoopback = false;
    /** How often the published hostnames are resolved again. */
    private Duration refreshInterval = Duration.ofHours(1);

    public static class DataCenter {
        private List<String> addresses = new ArrayList<>();
        private List<String> hostnames = new ArrayList<>();

        public List<String> getAddresses() { return addresses; }
        public void setAddresses(List<String> addresses) { this.addresses = addresses; }
        public List<String> getHostnames() { return hostnames; }
        public void setHostnames(List<String> hostnames) { this.hostnames = hostnames; }
    }

    public List<String> getEnabledDataCenters() { return enabledDataCenters; }
    public void setEnabledDataCenters(List<String> enabledDataCenters) { this.enabledDataCenters = enabledDataCenters; }
    public Map<String, DataCenter> getDataCenters() { return dataCenters; }
    public void setDataCenters(Map<String, DataCenter> dataCenters) { this.dataCenters = dataCenters; }
    public List<String> getAdditionalAddresses() { return additionalAddresses; }
    public void setAdditionalAddresses(List<String> additionalAddresses) { this.additionalAddresses = additionalAddresses; }
    public List<String> getTrustedProxies() { return trustedProxies; }
    public void setTrustedProxies(List<String> trustedProxies) { this.trustedProxies = trustedProxies; }
    public boolean isAllowLoopback() { return allowLoopback; }
    public void setAllowLoopback(boolean allowLoopback) { this.allowLoopback = allowLoopback; }
    public Duration getRefreshInterval() { return refreshInterval; }
    public void setRefreshInterval(Duration refreshInterval) { this.refreshInterval = refreshInterval; }
}
