package com.jumiogateway.platform;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.StringUtils;

/**
 * The Jumio Platform (accounts, workflow executions, OAuth2): credentials from the environment only, the region and
 * its base URLs ({region} is replaced), initiation defaults and the fraud label lists of the Platform fraud rule.
 */
@ConfigurationProperties(prefix = "gateway.platform")
public class PlatformProperties {

    /** Products POST /api/transactions can initiate. */
    public enum Product { NETVERIFY, PLATFORM }

    private boolean enabled = true;
    private Product defaultProduct = Product.NETVERIFY;
    private String clientId;
    private String clientSecret;
    private String region = "amer-1";
    private String authUrl = "https://auth.{region}.jumio.ai";
    private String accountUrl = "https://account.{region}.jumio.ai";
    private String retrievalUrl = "https://retrieval.{region}.jumio.ai";
    private Duration tokenRefreshMargin = Duration.ofSeconds(60);
    private int connectTimeoutMs = 5000;
    private int readTimeoutMs = 30000;
    private String workflowKey;
    private String callbackUrl;
    private String successUrl;
    private String errorUrl;
    private String locale;
    private int tokenLifetimeMinutes = 30;
    private FraudLabels fraudLabels = new FraudLabels();

    public boolean credentialsConfigured() {
        return StringUtils.hasText(clientId) && StringUtils.hasText(clientSecret);
    }

    public String authBase() {
        return base(authUrl);
    }

    public String accountBase() {
        return base(accountUrl);
    }

    public String retrievalBase() {
        return base(retrievalUrl);
    }

    private String base(String template) {
        String url = template.replace("{region}", region);
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** Capability labels that make a REJECTED decision a fraud decision, per capability. */
    public static class FraudLabels {
        private List<String> imageChecks = new ArrayList<>(List.of("MANIPULATED_DOCUMENT", "FAKE", "DIGITAL_COPY",
                "PHOTOCOPY", "PUNCHED_DOCUMENT", "SAMPLE", "DIFFERENT_PERSON"));
        private List<String> dataChecks = new ArrayList<>(List.of("MRZ_CHECKSUM", "NFC_CERTIFICATE"));
        /** "*": every rejected liveness check counts, whatever its label. */
        private List<String> liveness = new ArrayList<>(List.of("*"));
        private List<String> similarity = new ArrayList<>(List.of("*"));
        private List<String> other = new ArrayList<>();

        /** True when {@code label} of a rejected capability {@code capability} is listed (or the list holds "*"). */
        public boolean isFraud(String capability, String label) {
            String wanted = label == null ? "" : label.toUpperCase(Locale.ROOT);
            List<String> list = switch (capability) {
                case "imageChecks" -> imageChecks;
                case "dataChecks" -> dataChecks;
                case "liveness" -> liveness;
                case "similarity" -> similarity;
                default -> other;
            };
            return list.stream().map(String::strip).anyMatch(l -> l.equals("*") || (!wanted.isEmpty() && l.equalsIgnoreCase(wanted)));
        }

        public List<String> getImageChecks() { return imageChecks; }
        public void setImageChecks(List<String> imageChecks) { this.imageChecks = imageChecks; }
        public List<String> getDataChecks() { return dataChecks; }
        public void setDataChecks(List<String> dataChecks) { this.dataChecks = dataChecks; }
        public List<String> getLiveness() { return liveness; }
        public void setLiveness(List<String> liveness) { this.liveness = liveness; }
        public List<String> getSimilarity() { return similarity; }
        public void setSimilarity(List<String> similarity) { this.similarity = similarity; }
        public List<String> getOther() { return other; }
        public void setOther(List<String> other) { this.other = other; }
    }

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public Product getDefaultProduct() { return defaultProduct; }
    public void setDefaultProduct(Product defaultProduct) { this.defaultProduct = defaultProduct; }
    public String getClientId() { return clientId; }
    public void setClientId(String clientId) { this.clientId = clientId; }
    public String getClientSecret() { return clientSecret; }
    public void setClientSecret(String clientSecret) { this.clientSecret = clientSecret; }
    public String getRegion() { return region; }
    public void setRegion(String region) { this.region = region; }
    public String getAuthUrl() { return authUrl; }
    public void setAuthUrl(String authUrl) { this.authUrl = authUrl; }
    public String getAccountUrl() { return accountUrl; }
    public void setAccountUrl(String accountUrl) { this.accountUrl = accountUrl; }
    public String getRetrievalUrl() { return retrievalUrl; }
    public void setRetrievalUrl(String retrievalUrl) { this.retrievalUrl = retrievalUrl; }
    public Duration getTokenRefreshMargin() { return tokenRefreshMargin; }
    public void setTokenRefreshMargin(Duration tokenRefreshMargin) { this.tokenRefreshMargin = tokenRefreshMargin; }
    public int getConnectTimeoutMs() { return connectTimeoutMs; }
    public void setConnectTimeoutMs(int connectTimeoutMs) { this.connectTimeoutMs = connectTimeoutMs; }
    public int getReadTimeoutMs() { return readTimeoutMs; }
    public void setReadTimeoutMs(int readTimeoutMs) { this.readTimeoutMs = readTimeoutMs; }
    public String getWorkflowKey() { return workflowKey; }
    public void setWorkflowKey(String workflowKey) { this.workflowKey = workflowKey; }
    public String getCallbackUrl() { return callbackUrl; }
    public void setCallbackUrl(String callbackUrl) { this.callbackUrl = callbackUrl; }
    public String getSuccessUrl() { return successUrl; }
    public void setSuccessUrl(String successUrl) { this.successUrl = successUrl; }
    public String getErrorUrl() { return errorUrl; }
    public void setErrorUrl(String errorUrl) { this.errorUrl = errorUrl; }
    public String getLocale() { return locale; }
    public void setLocale(String locale) { this.locale = locale; }
    public int getTokenLifetimeMinutes() { return tokenLifetimeMinutes; }
    public void setTokenLifetimeMinutes(int tokenLifetimeMinutes) { this.tokenLifetimeMinutes = tokenLifetimeMinutes; }
    public FraudLabels getFraudLabels() { return fraudLabels; }
    public void setFraudLabels(FraudLabels fraudLabels) { this.fraudLabels = fraudLabels; }
}
