package com.jumiogateway.webhook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.StringUtils;

/**
 * Outbound deliveries: webhook destinations (who gets which results, signed with which secret), chat channels for
 * alerts (Slack, Microsoft Teams), and how the delivery outbox retries. Destinations and channels are configuration
 * only: {@code gateway.webhooks.destinations.<name>.*} and {@code gateway.webhooks.chat.<name>.*}.
 */
@ConfigurationProperties(prefix = "gateway.webhooks")
public class WebhookProperties {

    /** false: nothing is sent (rows are still queued and wait as PENDING). */
    private boolean enabled = true;
    /** Poll the delivery outbox this often (milliseconds). */
    private long pollDelayMs = 500;
    /** Deliveries claimed per poll. */
    private int batchSize = 50;
    /** Parallel deliveries per instance. */
    private int threads = 8;
    private Duration claimLease = Duration.ofSeconds(20);
    /** Attempts before a delivery is FAILED (re-sendable with POST /api/deliveries/{id}/redeliver). */
    private int maxAttempts = 15;
    private Duration backoffInitial = Duration.ofSeconds(5);
    private double backoffMultiplier = 2.0;
    private Duration backoffMax = Duration.ofHours(1);
    /** Each wait is shortened by a random fraction up to this (0.2: 80-100 % of the backoff). */
    private double backoffJitter = 0.2;
    /** A destination failing without a single success for this long is paused (operations alert). */
    private Duration pauseAfter = Duration.ofHours(1);
    /** true: http:// URLs and loopback / private addresses are allowed (development and tests only). */
    private boolean allowInsecure = false;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration readTimeout = Duration.ofSeconds(15);
    private Map<String, Destination> destinations = new LinkedHashMap<>();
    private Map<String, Chat> chat = new LinkedHashMap<>();

    /** One downstream system that receives signed results. */
    public static class Destination {
        private String url = "";
        /** whsec_<base64> secrets, comma-separated; two during a rotation (each request then carries both signatures). */
        private String secret = "";
        /** Result kinds wanted (NETVERIFY, DOCUMENT_VERIFICATION, PLATFORM); empty: all. */
        private List<String> kinds = new ArrayList<>();
        /** Decisions wanted (e.g. FRAUD, REVIEW); empty: all. */
        private List<String> decisions = new ArrayList<>();
        /** Sources wanted (CALLBACK, RETRIEVAL); empty: all. */
        private List<String> sources = new ArrayList<>();
        /** Personal fields this destination gets besides the defaults (e.g. firstName, lastName, dob, customerId). */
        private List<String> personalFields = new ArrayList<>();
        private boolean enabled = true;
        /** Own timeouts (empty: the gateway.webhooks defaults). */
        private Duration connectTimeout;
        private Duration readTimeout;

        public List<String> secrets() {
            List<String> list = new ArrayList<>();
            for (String s : secret.split("[,\\s]+")) {
                if (StringUtils.hasText(s)) {
                    list.add(s.trim());
                }
            }
            return list;
        }

        public String getUrl() { return url; }
        public void setUrl(String url) { this.url = url; }
        public String getSecret() { return secret; }
        public void setSecret(String secret) { this.secret = secret; }
        public List<String> getKinds() { return kinds; }
        public void setKinds(List<String> kinds) { this.kinds = kinds; }
        public List<String> getDecisions() { return decisions; }
        public void setDecisions(List<String> decisions) { this.decisions = decisions; }
        public List<String> getSources() { return sources; }
        public void setSources(List<String> sources) { this.sources = sources; }
        public List<String> getPersonalFields() { return personalFields; }
        public void setPersonalFields(List<String> personalFields) { this.personalFields = personalFields; }
        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public Duration getConnectTimeout() { return connectTimeout; }
        public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
        public Duration getReadTimeout() { return readTimeout; }
        public void setReadTimeout(Duration readTimeout) { this.readTimeout = readTimeout; }
    }

    /** One chat incoming webhook that receives alerts. */
    public static class Chat {
        /** slack or teams (a ChatFormat bean of that name). */
        private String type = "slack";
        /** The incoming webhook URL (from the environment: it is a credential). */
        private String url = "";
        /** Alert categories (FRAUD, OPERATIONS); empty: all. */
        private List<String> categories = new ArrayList<>();
        /** Alert rules (e.g. netverify-denied-fraud); empty: all. */
        private List<String> rules = new ArrayList<>();
        private boolean enabled = true;

        public String getType() { return type; }
        public void setType(String type) { this.type = type; }
        public String getUrl() { return url; }
        public void setUrl(String url) { this.url = url; }
        public List<String> getCategories() { return categories; }
        public void setCategories(List<String> categories) { this.categories = categories; }
        public List<String> getRules() { return rules; }
        public void setRules(List<String> rules) { this.rules = rules; }
        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
    }

    /** The wait after the attempt-th failed attempt: exponential, capped, shortened by jitter. */
    public Duration backoff(int attempt) {
        double millis = backoffInitial.toMillis() * Math.pow(backoffMultiplier, Math.max(0, attempt - 1));
        millis = Math.min(millis, backoffMax.toMillis());
        double jitter = backoffJitter <= 0 ? 0 : ThreadLocalRandom.current().nextDouble(backoffJitter);
        return Duration.ofMillis((long) (millis * (1 - jitter)));
    }

    public Duration connectTimeoutOf(Destination d) {
        return d != null && d.getConnectTimeout() != null ? d.getConnectTimeout() : connectTimeout;
    }

    public Duration readTimeoutOf(Destination d) {
        return d != null && d.getReadTimeout() != null ? d.getReadTimeout() : readTimeout;
    }

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public long getPollDelayMs() { return pollDelayMs; }
    public void setPollDelayMs(long pollDelayMs) { this.pollDelayMs = pollDelayMs; }
    public int getBatchSize() { return batchSize; }
    public void setBatchSize(int batchSize) { this.batchSize = batchSize; }
    public int getThreads() { return threads; }
    public void setThreads(int threads) { this.threads = threads; }
    public Duration getClaimLease() { return claimLease; }
    public void setClaimLease(Duration claimLease) { this.claimLease = claimLease; }
    public int getMaxAttempts() { return maxAttempts; }
    public void setMaxAttempts(int maxAttempts) { this.maxAttempts = maxAttempts; }
    public Duration getBackoffInitial() { return backoffInitial; }
    public void setBackoffInitial(Duration backoffInitial) { this.backoffInitial = backoffInitial; }
    public double getBackoffMultiplier() { return backoffMultiplier; }
    public void setBackoffMultiplier(double backoffMultiplier) { this.backoffMultiplier = backoffMultiplier; }
    public Duration getBackoffMax() { return backoffMax; }
    public void setBackoffMax(Duration backoffMax) { this.backoffMax = backoffMax; }
    public double getBackoffJitter() { return backoffJitter; }
    public void setBackoffJitter(double backoffJitter) { this.backoffJitter = backoffJitter; }
    public Duration getPauseAfter() { return pauseAfter; }
    public void setPauseAfter(Duration pauseAfter) { this.pauseAfter = pauseAfter; }
    public boolean isAllowInsecure() { return allowInsecure; }
    public void setAllowInsecure(boolean allowInsecure) { this.allowInsecure = allowInsecure; }
    public Duration getConnectTimeout() { return connectTimeout; }
    public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
    public Duration getReadTimeout() { return readTimeout; }
    public void setReadTimeout(Duration readTimeout) { this.readTimeout = readTimeout; }
    public Map<String, Destination> getDestinations() { return destinations; }
    public void setDestinations(Map<String, Destination> destinations) { this.destinations = destinations; }
    public Map<String, Chat> getChat() { return chat; }
    public void setChat(Map<String, Chat> chat) { this.chat = chat; }
}
