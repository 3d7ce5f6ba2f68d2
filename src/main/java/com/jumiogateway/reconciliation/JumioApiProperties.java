package com.jumiogateway.reconciliation;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.StringUtils;

/**
 * How we talk to Jumio's APIs (V4 initiation and the v2 Retrieval API): credentials from the environment only,
 * base URLs per data center, the User-Agent Jumio requires, timeouts and initiation defaults.
 */
@ConfigurationProperties(prefix = "gateway.jumio")
public class JumioApiProperties {

    /** Jumio's data centers. */
    public enum DataCenter { US, EU, SGP }

    private String apiToken;
    private String apiSecret;
    private String userAgent = "ExampleCompany JumioCallbackGateway/0.1.0";
    private DataCenter defaultDataCenter = DataCenter.US;
    private int connectTimeoutMs = 5000;
    private int readTimeoutMs = 30000;
    private Map<DataCenter, Urls> dataCenters = new LinkedHashMap<>();
    private Initiation initiation = new Initiation();

    public boolean credentialsConfigured() {
        return StringUtils.hasText(apiToken) && StringUtils.hasText(apiSecret);
    }

    /** Base URLs of one data center. */
    public static class Urls {
        /** Netverify: V4 initiation and the scans retrieval endpoints. */
        private String netverifyUrl;
        /** Document Verification retrieval (documents endpoints). */
        private String documentRetrievalUrl;

        public String getNetverifyUrl() { return netverifyUrl; }
        public void setNetverifyUrl(String netverifyUrl) { this.netverifyUrl = netverifyUrl; }
        public String getDocumentRetrievalUrl() { return documentRetrievalUrl; }
        public void setDocumentRetrievalUrl(String documentRetrievalUrl) { this.documentRetrievalUrl = documentRetrievalUrl; }
    }

    /** Defaults for V4 initiation; a request may override the ones the V4 API lets it. */
    public static class Initiation {
        private String callbackUrl;
        private String successUrl;
        private String errorUrl;
        private Integer workflowId;
        private String locale;
        private int tokenLifetimeMinutes = 30;

        public String getCallbackUrl() { return callbackUrl; }
        public void setCallbackUrl(String callbackUrl) { this.callbackUrl = callbackUrl; }
        public String getSuccessUrl() { return successUrl; }
        public void setSuccessUrl(String successUrl) { this.successUrl = successUrl; }
        public String getErrorUrl() { return errorUrl; }
        public void setErrorUrl(String errorUrl) { this.errorUrl = errorUrl; }
        public Integer getWorkflowId() { return workflowId; }
        public void setWorkflowId(Integer workflowId) { this.workflowId = workflowId; }
        public String getLocale() { return locale; }
        public void setLocale(String locale) { this.locale = locale; }
        public int getTokenLifetimeMinutes() { return tokenLifetimeMinutes; }
        public void setTokenLifetimeMinutes(int tokenLifetimeMinutes) { this.tokenLifetimeMinutes = tokenLifetimeMinutes; }
    }

    public Urls urls(DataCenter dataCenter) {
        Urls urls = dataCenters.get(dataCenter);
        if (urls == null) {
            throw new IllegalStateException("No base URLs configured for data center " + dataCenter);
        }
        return urls;
    }

    public String getApiToken() { return apiToken; }
    public void setApiToken(String apiToken) { this.apiToken = apiToken; }
    public String getApiSecret() { return apiSecret; }
    public void setApiSecret(String apiSecret) { this.apiSecret = apiSecret; }
    public String getUserAgent() { return userAgent; }
    public void setUserAgent(String userAgent) { this.userAgent = userAgent; }
    public DataCenter getDefaultDataCenter() { return defaultDataCenter; }
    public void setDefaultDataCenter(DataCenter defaultDataCenter) { this.defaultDataCenter = defaultDataCenter; }
    public int getConnectTimeoutMs() { return connectTimeoutMs; }
    public void setConnectTimeoutMs(int connectTimeoutMs) { this.connectTimeoutMs = connectTimeoutMs; }
    public int getReadTimeoutMs() { return readTimeoutMs; }
    public void setReadTimeoutMs(int readTimeoutMs) { this.readTimeoutMs = readTimeoutMs; }
    public Map<DataCenter, Urls> getDataCenters() { return dataCenters; }
    public void setDataCenters(Map<DataCenter, Urls> dataCenters) { this.dataCenters = dataCenters; }
    public Initiation getInitiation() { return initiation; }
    public void setInitiation(Initiation initiation) { this.initiation = initiation; }
}
