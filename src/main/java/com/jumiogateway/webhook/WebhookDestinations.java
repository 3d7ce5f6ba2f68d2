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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
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
    private final TransactionTemplate transactions;
    /** Results read per query by replay (a field, not a setting: tests make it small to cross pages). */
    private int replayPageSize = 500;

    public WebhookDestinations(WebhookProperties properties, JdbcTemplate jdbc, ObjectMapper mapper, Clock clock,
                               DataProtection protection, IdlePolling pacing, TransactionTemplate transactions) {
        this.pacing = pacing;
        this.transactions = transactions;
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

    private static final String REPLAY_PAGE = "SELECT scan_reference, updated_at, result_json, data_key_id"
            + " FROM verification_result WHERE updated_at <= ?";
    private static final String REPLAY_ORDER = " ORDER BY updated_at, scan_reference FETCH FIRST ";

    /** One stored result as replay reads it: result_json opened (it is encrypted at rest when data keys are set). */
    private record Stored(String scanReference, Timestamp updatedAt, String json) {
    }

    private Stored stored(ResultSet row, int i) throws SQLException {
        return new Stored(row.getString("scan_reference"), row.getTimestamp("updated_at"),
                protection.openText(ProtectedColumn.RESULT_DETAILS, row.getString("data_key_id"),
                        row.getString("result_json")));
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
        // pages in the order of (updated_at, scan_reference) up to the moment the replay began: memory holds one
        // page whatever the history; one transaction, so a failed replay queues nothing and can simply be asked again
        Timestamp until = Timestamp.from(clock.instant());
        Instant now = until.toInstant();
        int queued = transactions.execute(status -> {
            int count = 0;
            Timestamp afterTime = Timestamp.from(from);
            String afterRef = null;
            while (true) {
                List<Stored> page = afterRef == null
                        ? jdbc.query(REPLAY_PAGE + " AND updated_at >= ?" + REPLAY_ORDER + replayPageSize
                                + " ROWS ONLY", this::stored, until, afterTime)
                        : jdbc.query(REPLAY_PAGE + " AND (updated_at > ? OR (updated_at = ? AND scan_reference > ?))"
                                + REPLAY_ORDER + replayPageSize + " ROWS ONLY", this::stored, until, afterTime, afterTime,
                                afterRef);
                List<Object[]> rows = new ArrayList<>(page.size());
                for (Stored result : page) {
                    JsonNode tree;
                    try {
                        tree = mapper.readTree(result.json());
                    } catch (JsonProcessingException e) {
                        continue;
                    }
                    if (wants(destination, tree)) {
                        rows.add(DeliveryRows.row(name, DeliveryRows.WEBHOOK, null, result.scanReference(),
                                payload(destination, tree, now), now));
                    }
                }
                DeliveryRows.insertAll(jdbc, rows);
                count += rows.size();
                if (page.size() < replayPageSize) {
                    return count;
                }
                Stored last = page.get(page.size() - 1);
                afterTime = last.updatedAt();
                afterRef = last.scanReference();
            }
        });
        pacing.wake(IdlePolling.DELIVERIES);
        log.info("Replay for webhook destination {} since {}: {} deliveries queued", name, from, queued);
        return Map.of("destination", name, "since", from.toString(), "queued", queued);
    }

}
