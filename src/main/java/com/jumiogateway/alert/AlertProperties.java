package com.jumiogateway.alert;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.StringUtils;

/**
 * Alerts by email: who gets them (per category), how the SMTP server is reached, how failures are retried.
 * The rules that decide what is alert-worthy live in routes/fraud-alert.camel.yaml (switches under
 * {@code gateway.alerts.rules}); the SMTP endpoint itself is in routes/alert-sender.camel.yaml.
 */
@ConfigurationProperties(prefix = "gateway.alerts")
public class AlertProperties {

    /** Sender address of every alert. */
    private String from = "jumio-gateway@localhost";
    /** Per category (fraud, later operations): recipients, subject and template. Keys are lower case. */
    private Map<String, Category> categories = new LinkedHashMap<>();
    private Smtp smtp = new Smtp();
    /** Send attempts before an alert is marked FAILED (it can then be re-sent through the API). */
    private int maxAttempts = 10;
    /** Wait after the first failed attempt; each further failure multiplies it, up to backoffMax. */
    private Duration backoffInitial = Duration.ofSeconds(30);
    private double backoffMultiplier = 2.0;
    private Duration backoffMax = Duration.ofHours(1);
    /** Alerts claimed per poll. */
    private int batchSize = 20;
    /** How long a claimed alert is reserved for one instance; a dead instance's claim is taken over after it. */
    private Duration claimLease = Duration.ofSeconds(20);
    /** Directory with the editable templates ({template}.html and {template}.txt), read at every send. */
    private String templatesDir = "config/templates";
    /** Link into Jumio's portal; {scanReference} is replaced. Empty: no portal link. */
    private String portalUrlTemplate = "";

    /** Recipients and presentation of one category of alerts. */
    public static class Category {
        /** Comma-separated addresses. */
        private String to = "";
        private String cc = "";
        private String bcc = "";
        /** Subject; {rule}, {status}, {scanReference}, {category} are replaced; CR/LF never survive. */
        private String subject = "Jumio alert {rule}: {status} for scan {scanReference}";
        /** Template base name in templatesDir, without extension. */
        private String template;

        public boolean hasRecipients() {
            return StringUtils.hasText(to) || StringUtils.hasText(cc) || StringUtils.hasText(bcc);
        }

        public String getTo() { return to; }
        public void setTo(String to) { this.to = to; }
        public String getCc() { return cc; }
        public void setCc(String cc) { this.cc = cc; }
        public String getBcc() { return bcc; }
        public void setBcc(String bcc) { this.bcc = bcc; }
        public String getSubject() { return subject; }
        public void setSubject(String subject) { this.subject = subject; }
        public String getTemplate() { return template; }
        public void setTemplate(String template) { this.template = template; }
    }

    /** The SMTP server. Only the host decides whether alerts are sent; the rest is read by the sender route. */
    public static class Smtp {
        /** Empty: alerts are queued (PENDING) and not sent until a host is configured. */
        private String host = "";
        private int port = 587;
        /** smtp (plain, optionally upgraded with STARTTLS) or smtps (TLS from the first byte). */
        private String protocol = "smtp";
        private String username = "";
        private String password = "";
        private boolean starttls = true;
        /** Milliseconds to wait for the TCP connection (and TLS handshake). */
        private int connectionTimeoutMs = 10_000;
        /** Milliseconds to wait for each answer of the server and for each write. */
        private int readTimeoutMs = 30_000;

        public boolean isConfigured() {
            return StringUtils.hasText(host);
        }

        public String getHost() { return host; }
        public void setHost(String host) { this.host = host; }
        public int getPort() { return port; }
        public void setPort(int port) { this.port = port; }
        public String getProtocol() { return protocol; }
        public void setProtocol(String protocol) { this.protocol = protocol; }
        public String getUsername() { return username; }
        public void setUsername(String username) { this.username = username; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }
        public boolean isStarttls() { return starttls; }
        public void setStarttls(boolean starttls) { this.starttls = starttls; }
        public int getConnectionTimeoutMs() { return connectionTimeoutMs; }
        public void setConnectionTimeoutMs(int connectionTimeoutMs) { this.connectionTimeoutMs = connectionTimeoutMs; }
        public int getReadTimeoutMs() { return readTimeoutMs; }
        public void setReadTimeoutMs(int readTimeoutMs) { this.readTimeoutMs = readTimeoutMs; }
    }

    /** The category's settings, or null when none are configured. */
    public Category category(String category) {
        return category == null ? null : categories.get(category.toLowerCase(Locale.ROOT));
    }

    /** Wait before the next attempt after {@code failedAttempts} failures (1 = the first failure). */
    public Duration backoff(int failedAttempts) {
        double factor = Math.pow(backoffMultiplier, Math.max(0, failedAttempts - 1));
        double millis = backoffInitial.toMillis() * factor;
        if (Double.isNaN(millis) || millis > backoffMax.toMillis()) {
            return backoffMax;
        }
        return Duration.ofMillis((long) millis);
    }

    public String getFrom() { return from; }
    public void setFrom(String from) { this.from = from; }
    public Map<String, Category> getCategories() { return categories; }
    public void setCategories(Map<String, Category> categories) { this.categories = categories; }
    public Smtp getSmtp() { return smtp; }
    public void setSmtp(Smtp smtp) { this.smtp = smtp; }
    public int getMaxAttempts() { return maxAttempts; }
    public void setMaxAttempts(int maxAttempts) { this.maxAttempts = maxAttempts; }
    public Duration getBackoffInitial() { return backoffInitial; }
    public void setBackoffInitial(Duration backoffInitial) { this.backoffInitial = backoffInitial; }
    public double getBackoffMultiplier() { return backoffMultiplier; }
    public void setBackoffMultiplier(double backoffMultiplier) { this.backoffMultiplier = backoffMultiplier; }
    public Duration getBackoffMax() { return backoffMax; }
    public void setBackoffMax(Duration backoffMax) { this.backoffMax = backoffMax; }
    public int getBatchSize() { return batchSize; }
    public void setBatchSize(int batchSize) { this.batchSize = batchSize; }
    public Duration getClaimLease() { return claimLease; }
    public void setClaimLease(Duration claimLease) { this.claimLease = claimLease; }
    public String getTemplatesDir() { return templatesDir; }
    public void setTemplatesDir(String templatesDir) { this.templatesDir = templatesDir; }
    public String getPortalUrlTemplate() { return portalUrlTemplate; }
    public void setPortalUrlTemplate(String portalUrlTemplate) { this.portalUrlTemplate = portalUrlTemplate; }
}
