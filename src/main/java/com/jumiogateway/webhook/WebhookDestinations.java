package com.jumiogateway.webhook;

import com.jumiogateway.claims.IdlePolling;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jumiogateway.api.ApiProblem;
import com.jumiogateway.api.BadRequestException;
import com.jumiogateway.dataprotection.DataProtection;
import com.jumiogateway.dataprotection.ProtectedColumn;
import com.jumiogateway.result.VerificationResult;
import com.jumiogateway.store.ResultVersionListener;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * The configured webhook destinations: which results each one wants, what its payload holds, and the outbox rows
 * written for them in the same transaction as each new result version (see {@link ResultVersionListener}).
 *
 * <p>A payload holds by default the references, kind, source, status, decision, reject reason and timings, never
 * personal data; a destination gets personal fields only when it lists them ({@code personal-fields}). URLs must be
 * https and outside loopback / private / link-local ranges unless {@code gateway.webhooks.allow-insecure} is set.
 */
@Component("webhookDestinations")
public class WebhookDestinations implements ResultVersionListener {

    private static final Logger log = LoggerFactory.getLogger(WebhookDestinations.class);
    /** Top-level result fields every payload carries. */
    private static final List<String> DEFAULT_FIELDS = List.of("scanReference", "merchantReference", "kind", "source",
            "status", "decision", "transactionDate", "eventTime", "secondsToResult");

    private final DataProtection protection;
    private final WebhookProperties properties;
    private final JdbcTemplate jdbc;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final IdlePolling pacing;

    public WebhookDestinations(WebhookProperties properties, JdbcTemplate jdbc, ObjectMapper mapper, Clock clock,
                               DataProtection protection, IdlePolling pacing) {
        this.pacing = pacing;
        this.protection = protection;
        this.properties = properties;
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.clock = clock;
        properties.getDestinations().forEach((name, d) -> checkUrl("destination " + name, d.getUrl(), properties));
        properties.getChat().forEach((name, c) -> checkUrl("chat channel " + name, c.getUrl(), properties));
        properties.getDestinations().forEach((name, d) -> {
            if (d.secrets().isEmpty()) {
                throw new IllegalStateException("Webhook destination " + name + " has no signing secret"
                        + " (gateway.webhooks.destinations." + name + ".secret, from the environment)");
            }
            d.secrets().forEach(WebhookSigner::key);
        });
    }

    /**
     * Refuses (at start-up) a URL that is not https or that points at loopback, private, link-local or unspecified
     * addresses, unless allow-insecure. The host is resolved once here; an unresolvable host is accepted (its
     * deliveries fail and are retried).
     */
    static void checkUrl(String what, String url, WebhookProperties properties) {
        if (!StringUtils.hasText(url)) {
            throw new IllegalStateException("Webhook " + what + " has no URL");
        }
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Webhook " + what + " has an invalid URL");
        }
        if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
            throw new IllegalStateException("Webhook " + what + " needs an http(s) URL with a host");
        }
        if (properties.isAllowInsecure()) {
            return;
        }
        if (!"https".equals(uri.getScheme())) {
            throw new IllegalStateException("Webhook " + what + " must use https (gateway.webhooks.allow-insecure allows http)");
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(uri.getHost())) {
                if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                        || address.isAnyLocalAddress() || isUniqueLocal(address)) {
                    throw new IllegalStateException("Webhook " + what + " points at a loopback or private address"
                            + " (gateway.webhooks.allow-insecure allows it)");
                }
            }
        } catch (UnknownHostException e) {
            log.warn("Webhook {}: host not resolvable now; deliveries are retried", what);
        }
    }

    private static boolean isUniqueLocal(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == 16 && (bytes[0] & 0xfe) == 0xfc;
    }

    @Override
    public boolean active() {
        return !properties.getDestinations().isEmpty();
    }

    /** Inside the storing transaction: one outbox row per destination that wants this result. */
    @Override
    public void applied(VerificationResult result) {
        JsonNode tree = mapper.valueToTree(result);
        Instant now = clock.instant();
        properties.getDestinations().forEach((name, destination) -> {
            if (wants(destination, tree)) {
                DeliveryRows.insert(jdbc, name, DeliveryRows.WEBHOOK, null, result.scanReference(),
                        payload(destination, tree, now), now);
                // committed with the result a moment later: the sender polls at full pace meanwhile
                pacing.wake(IdlePolling.DELIVERIES);
            }
        });
    }

    static boolean wants(WebhookProperties.Destination destination, JsonNode result) {
        return matches(destination.getKinds(), result.path("kind").asText())
                && matches(destination.getDecisions(), result.path("decision").asText())
                && matches(destination.getSources(), result.path("source").asText());
    }

    private static boolean matches(List<String> wanted, String value) {
        return wanted == null || wanted.isEmpty()
                || wanted.stream().anyMatch(w -> w.trim().equalsIgnoreCase(value));
    }

    /** The JSON sent to one destination: the default fields, and the personal fields it lists. */
    String payload(WebhookProperties.Destination destination, JsonNode result, Instant now) {
        ObjectNode envelope = mapper.createObjectNode();
        envelope.put("type", "verification.result");
        envelope.put("timestamp", now.toString());
        ObjectNode data = envelope.putObject("data");
        for (String field : DEFAULT_FIELDS) {
            JsonNode value = result.get(field);
            if (value != null && !value.isNull()) {
                data.set(field, value);
            }
        }
        JsonNode reject = result.get("rejectReason");
        if (reject != null && !reject.isNull()) {
            ObjectNode reason = data.putObject("rejectReason");
            for (String field : List.of("code", "description", "category", "known")) {
                if (reject.hasNonNull(field)) {
                    reason.set(field, reject.get(field));
                }
            }
            if (reject.path("details").isArray()) {
                var details = reason.putArray("details");
                for (JsonNode detail : reject.get("details")) {
                    ObjectNode d = details.addObject();
                    d.set("code", detail.get("code"));
                    d.set("description", detail.get("description"));
                }
            }
        }
        for (String field : destination.getPersonalFields()) {
            String name = field.trim();
            JsonNode value = result.hasNonNull(name) ? result.get(name) : result.path("details").get(name);
            if (value != null && !value.isNull()) {
                data.set(name, value);
            }
        }
        try {
            return mapper.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a webhook payload", e);
        }
    }

    /**
     * API: queues the destination's results again, every current result stored (or updated) at or after
     * {@code since}, each as a new delivery (a new webhook-id: the receiver recovering from its own data loss must
     * not drop them as repeats), oldest first.
     */
    public Map<String, Object> replay(@Header("name") String name, @Header("since") String since) {
        WebhookProperties.Destination destination = properties.getDestinations().get(name);
        if (destination == null) {
            throw new ApiProblem(404, "not-found", "No webhook destination with this name");
        }
        Instant from;
        try {
            from = Instant.parse(since == null ? "" : since.trim());
        } catch (DateTimeParseException e) {
            throw new BadRequestException("since must be an ISO-8601 instant, e.g. 2024-05-01T00:00:00Z");
        }
        // result_json is encrypted at rest when data keys are set: opened here to build each payload again
        List<String> stored = jdbc.query("SELECT result_json, data_key_id FROM verification_result WHERE updated_at >= ?"
                        + " ORDER BY updated_at, scan_reference",
                (row, i) -> protection.openText(ProtectedColumn.RESULT_DETAILS, row.getString("data_key_id"),
                        row.getString("result_json")), Timestamp.from(from));
        Instant now = clock.instant();
        int queued = 0;
        for (String json : stored) {
            JsonNode tree;
            try {
                tree = mapper.readTree(json);
            } catch (JsonProcessingException e) {
                continue;
            }
            if (wants(destination, tree)) {
                DeliveryRows.insert(jdbc, name, DeliveryRows.WEBHOOK, null, tree.path("scanReference").asText(null),
                        payload(destination, tree, now), now);
                queued++;
            }
        }
        pacing.wake(IdlePolling.DELIVERIES);
        log.info("Replay for webhook destination {} since {}: {} deliveries queued", name, from, queued);
        return Map.of("destination", name, "since", from.toString(), "queued", queued);
    }

}
