package com.jumiogateway.alert;

import com.jumiogateway.netverify.NetverifyCallback;
import com.jumiogateway.result.RejectReason;
import com.jumiogateway.result.VerificationResult;
import com.jumiogateway.security.ApiProperties;
import com.samskivert.mustache.Mustache;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.camel.Body;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;
import org.springframework.web.util.UriUtils;

/**
 * Builds the fields an alert may carry and renders alert emails from the templates in
 * {@code gateway.alerts.templates-dir} (read from disk at every send, so they can be edited without a rebuild).
 *
 * <p>What an alert carries is an allowlist: references, status, reject reason, document type and country, face-match
 * outcome, source and timestamps. Never the ID number, date of birth, names, address, card or account numbers, SSN,
 * client IP or image links: none of them is ever copied into the alert data, so no template can show them.
 */
@Component("alertRenderer")
public class AlertRenderer {

    public static final String FRAUD = "FRAUD";

    private static final Pattern TOKEN = Pattern.compile("\\{([A-Za-z]+)}");
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\u2028\\u2029]+");
    private static final int MAX_SUBJECT = 200;

    private final AlertProperties properties;
    private final ApiProperties api;
    private final Mustache.Compiler html = Mustache.compiler().escapeHTML(true).defaultValue("");
    private final Mustache.Compiler text = Mustache.compiler().escapeHTML(false).defaultValue("");

    public AlertRenderer(AlertProperties properties, ApiProperties api) {
        this.properties = properties;
        this.api = api;
    }

    /**
     * The alert fields of a verification result. Values from Jumio or the merchant are kept on one line (control
     * characters become spaces) so that no value can pose as another line of the email.
     */
    public Map<String, Object> fraudAlertData(VerificationResult result, String rule) {
        Map<String, Object> data = new LinkedHashMap<>();
        put(data, "rule", rule);
        put(data, "scanReference", result.scanReference());
        put(data, "kind", result.kind() == null ? null : result.kind().name());
        put(data, "source", result.source() == null ? null : result.source().name());
        put(data, "status", result.status());
        put(data, "decision", result.decision() == null ? null : result.decision().name());
        put(data, "merchantReference", result.merchantReference());
        put(data, "customerId", result.customerId());
        put(data, "documentType", result.documentType());
        put(data, "country", result.country());
        put(data, "countryName", result.countryName());
        put(data, "transactionDate", instant(result.transactionDate()));
        put(data, "eventTime", instant(result.eventTime()));
        if (result.secondsToResult() != null) {
            data.put("secondsToResult", result.secondsToResult());
        }
        RejectReason reject = result.rejectReason();
        if (reject != null) {
            Map<String, Object> reason = new LinkedHashMap<>();
            put(reason, "code", reject.code());
            put(reason, "description", reject.description());
            put(reason, "category", reject.category());
            reason.put("known", reject.known());
            List<Map<String, Object>> details = new ArrayList<>();
            if (reject.details() != null) {
                for (RejectReason.Detail detail : reject.details()) {
                    Map<String, Object> d = new LinkedHashMap<>();
                    put(d, "code", detail.code());
                    put(d, "description", detail.description());
                    details.add(d);
                }
            }
            reason.put("hasDetails", !details.isEmpty());
            reason.put("details", details);
            data.put("rejectReason", reason);
        }
        if (result.details() instanceof NetverifyCallback callback) {
            put(data, "documentSubtype", callback.idSubtype());
            put(data, "scanSource", callback.idScanSource());
            NetverifyCallback.IdentityVerification identity = callback.identityVerification();
            if (identity != null) {
                Map<String, Object> face = new LinkedHashMap<>();
                put(face, "similarity", identity.similarity());
                if (identity.validity() != null) {
                    face.put("validity", identity.validity());
                }
                put(face, "reason", identity.reason());
                data.put("identityVerification", face);
            }
        }
        return data;
    }

    /** Route step of the sender: the email for a claimed alert, with recipients from its category's configuration. */
    public AlertMessage render(@Body ClaimedAlert alert) {
        AlertProperties.Category category = properties.category(alert.category());
        if (category == null || !category.hasRecipients()) {
            throw new IllegalStateException("No recipients configured for alert category " + alert.category());
        }
        Map<String, Object> model = new LinkedHashMap<>(alert.data());
        model.put("alertId", alert.id());
        model.put("rule", alert.rule());
        model.put("category", alert.category());
        model.put("queuedAt", instant(alert.createdAt()));
        String scanReference = alert.scanReference();
        if (StringUtils.hasText(scanReference)) {
            String encoded = UriUtils.encodePathSegment(scanReference, StandardCharsets.UTF_8);
            // people open the console's result page (form login); the API link stays available to templates
            model.put("resultUrl", stripTrailingSlash(api.getPublicBaseUrl()) + "/console/verifications/" + encoded);
            model.put("apiUrl", stripTrailingSlash(api.getPublicBaseUrl()) + "/api/verifications/" + encoded);
            if (StringUtils.hasText(properties.getPortalUrlTemplate())) {
                model.put("portalUrl", properties.getPortalUrlTemplate().replace("{scanReference}", encoded));
            }
        }
        String subject = subject(category.getSubject(), model);
        model.put("subject", subject);
        String templateName = StringUtils.hasText(category.getTemplate()) ? category.getTemplate()
                : alert.category().toLowerCase(java.util.Locale.ROOT) + "-alert";
        return new AlertMessage(
                alert.id(),
                alert.rule(),
                addresses(properties.getFrom(), "from"),
                addresses(category.getTo(), "to"),
                addresses(category.getCc(), "cc"),
                addresses(category.getBcc(), "bcc"),
                subject,
                html.compile(template(templateName + ".html")).execute(model),
                text.compile(template(templateName + ".txt")).execute(model),
                messageId(alert.alertKey(), properties.getFrom()));
    }

    /**
     * A Message-ID that is the same at every attempt for one alert ({@code <alert-RULE+SUBJECT@sender-domain>}):
     * should an alert ever be sent twice (an instance died after the server accepted it, before it was marked
     * SENT), mail systems can recognise and drop the repeat. A key with characters a Message-ID cannot carry is
     * replaced by its SHA-256.
     */
    static String messageId(String alertKey, String from) {
        String domain = "localhost";
        int at = from == null ? -1 : from.lastIndexOf('@');
        if (at >= 0) {
            String candidate = from.substring(at + 1).replace(">", "").strip();
            if (candidate.matches("[A-Za-z0-9.-]{1,200}")) {
                domain = candidate;
            }
        }
        String key = alertKey == null ? "" : alertKey.replace(':', '+');
        if (!key.matches("[A-Za-z0-9._+-]{1,200}")) {
            try {
                key = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(String.valueOf(alertKey).getBytes(StandardCharsets.UTF_8)));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return "<alert-" + key + "@" + domain + ">";
    }

    /** The configured subject with {tokens} replaced, on one line and of bounded length. */
    static String subject(String pattern, Map<String, Object> model) {
        Matcher tokens = TOKEN.matcher(pattern == null ? "" : pattern);
        StringBuilder subject = new StringBuilder();
        while (tokens.find()) {
            Object value = model.get(tokens.group(1));
            tokens.appendReplacement(subject, Matcher.quoteReplacement(value == null ? "" : value.toString()));
        }
        tokens.appendTail(subject);
        String line = CONTROL.matcher(subject).replaceAll(" ").replaceAll(" {2,}", " ").strip();
        return line.length() > MAX_SUBJECT ? line.substring(0, MAX_SUBJECT) : line;
    }

    /** Comma-separated addresses from configuration, each parsed strictly; null for none. */
    static String addresses(String configured, String what) {
        if (!StringUtils.hasText(configured)) {
            return null;
        }
        try {
            InternetAddress[] parsed = InternetAddress.parse(configured.strip(), true);
            for (InternetAddress address : parsed) {
                address.validate();
            }
            return Arrays.stream(parsed).map(InternetAddress::toString).collect(Collectors.joining(", "));
        } catch (AddressException e) {
            throw new IllegalStateException("Configured alert '" + what + "' address list is not valid");
        }
    }

    private String template(String fileName) {
        Path file = Path.of(properties.getTemplatesDir()).resolve(fileName);
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Alert template " + file + " cannot be read", e);
        }
    }

    private static void put(Map<String, Object> map, String key, String value) {
        if (value != null) {
            map.put(key, CONTROL.matcher(value).replaceAll(" "));
        }
    }

    private static String instant(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static String stripTrailingSlash(String url) {
        String base = url == null ? "" : url.strip();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base;
    }
}
