package com.jumiogateway.intake;

import com.jumiogateway.routing.ExchangeNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Decides whether a callback comes from Jumio. Jumio signs nothing, so the source address is the only
 * authenticity check it documents. Routes call {@link #verify(Exchange)} first.
 */
@Component("callbackSourceAllowlist")
public class CallbackSourceAllowlist {

    private static final Logger log = LoggerFactory.getLogger(CallbackSourceAllowlist.class);

    private final AllowlistProperties properties;
    private final HostnameResolver resolver;
    private final MeterRegistry meters;
    private final List<AddressRange> configured;
    private final List<AddressRange> trustedProxies;
    private final Map<String, Set<InetAddress>> lastGoodResolution = new ConcurrentHashMap<>();
    private final Counter refused;

    public CallbackSourceAllowlist(AllowlistProperties properties, HostnameResolver resolver, MeterRegistry meters) {
        this.properties = properties;
        this.resolver = resolver;
        this.meters = meters;
        this.configured = enabledDataCenters().stream()
                .flatMap(dc -> dc.getAddresses().stream())
                .filter(a -> !a.isBlank())
                .map(AddressRange::parse)
                .toList();
        List<AddressRange> all = new ArrayList<>(configured);
        properties.getAdditionalAddresses().stream().filter(a -> !a.isBlank()).map(AddressRange::parse).forEach(all::add);
        this.configuredAndAdditional = List.copyOf(all);
        this.singleAddresses = all.stream().filter(r -> r.prefixLength() == r.network().length * 8)
                .map(r -> toAddress(r.text())).collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.cidrRanges = all.stream().filter(r -> r.prefixLength() < r.network().length * 8).toList();
        this.trustedProxies = properties.getTrustedProxies().stream().filter(a -> !a.isBlank()).map(AddressRange::parse).toList();
        this.refused = Counter.builder("gateway.callbacks.refused").tag("reason", "source-not-allowed")
                .description("Callback requests refused because the source is not on the allowlist").register(meters);
        meters.gauge("gateway.allowlist.resolved.addresses", lastGoodResolution,
                m -> m.values().stream().mapToInt(Set::size).sum());
        log.info("Callback allowlist: data centers {}, {} configured ranges, {} trusted proxies, loopback {}",
                properties.getEnabledDataCenters(), configuredAndAdditional.size(), trustedProxies.size(),
                properties.isAllowLoopback() ? "allowed" : "refused");
    }

    private final List<AddressRange> configuredAndAdditional;
    // exact addresses are a hash lookup; only real ranges are scanned
    private final Set<InetAddress> singleAddresses;
    private final List<AddressRange> cidrRanges;

    /**
     * Route step (the allowlist stays visible in every intake route): sets the caller's address as a header, or
     * refuses with 403. The servlet edge ({@link CallbackEdge}) has already asked {@link #decide} the same question
     * before a single body byte was read; asking again here costs a hash lookup and keeps the route honest on its own.
     */
    public void verify(Exchange exchange) {
        HttpServletRequest request = exchange.getIn().getHeader(Exchange.HTTP_SERVLET_REQUEST, HttpServletRequest.class);
        if (request == null) {
            throw new CallbackRefusedException(403, "source-not-allowed", "Callback source unknown");
        }
        Decision decision = decide(request.getRemoteAddr(), request.getHeaders("X-Forwarded-For"));
        if (!decision.allowed()) {
            refused(decision);
            throw new CallbackRefusedException(403, "source-not-allowed", "Callback source not allowed");
        }
        exchange.getIn().setHeader(ExchangeNames.CALLBACK_SOURCE_ADDRESS, decision.client());
    }

    /** Who is calling and whether they may: the client address (normalised, null when unreadable) and the verdict. */
    public record Decision(String peer, String client, boolean allowed) {
    }

    /**
     * Decides from the peer address and the X-Forwarded-For header values alone (the request line and headers,
     * never the body). The client address is normalised ("034.202.241.227", "583725539" and "::ffff:22ca:f1e3"
     * are all 34.202.241.227), so the stored source address has one spelling.
     */
    public Decision decide(String peer, Enumeration<String> forwardedForHeaders) {
        String client = clientAddress(peer, forwardedForHeaders);
        return new Decision(peer, client, client != null && isAllowed(client));
    }

    /**
     * Counts every refusal and logs it as one line, addresses only in their normalised form (never the header's
     * text). A caller refused again within a minute is counted but not logged again, so a stranger hammering the
     * intake cannot fill the log: the next line about it says how many refusals went unlogged.
     */
    public void refused(Decision decision) {
        refused.increment();
        String client = decision.client() == null ? "(not an address)" : decision.client();
        String peer = Objects.requireNonNullElse(normalize(decision.peer()), "(not an address)");
        long now = System.nanoTime();
        int[] unlogged = {-1};
        if (refusalLog.size() > MAX_REFUSALS_TRACKED) {
            refusalLog.clear();
        }
        refusalLog.compute(client + " " + peer, (key, previous) -> {
            if (previous == null || now - previous.since() >= REFUSAL_LOG_INTERVAL_NANOS) {
                unlogged[0] = previous == null ? 0 : previous.unlogged();
                return new RefusalLog(now, 0);
            }
            return new RefusalLog(previous.since(), previous.unlogged() + 1);
        });
        if (unlogged[0] >= 0) {
            log.warn("Refused callback from {} (peer {}){}", client, peer,
                    unlogged[0] > 0 ? "; " + unlogged[0] + " more refusals of it in the previous minute were not logged" : "");
        }
    }

    private record RefusalLog(long since, int unlogged) {
    }

    private static final long REFUSAL_LOG_INTERVAL_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
    private static final int MAX_REFUSALS_TRACKED = 10_000;
    private final Map<String, RefusalLog> refusalLog = new ConcurrentHashMap<>();

    /**
     * The client address: the direct peer, unless the peer is a trusted proxy, in which case the rightmost
     * X-Forwarded-For hop that is not itself a trusted proxy. A header from anyone else is ignored.
     */
    public String clientAddress(String peer, List<String> forwardedFor) {
        if (!isTrustedProxy(peer) || forwardedFor.isEmpty()) {
            return peer;
        }
        for (int i = forwardedFor.size() - 1; i >= 0; i--) {
            String hop = forwardedFor.get(i);
            if (!isTrustedProxy(hop)) {
                return hop;
            }
        }
        return forwardedFor.get(0);
    }

    /** The client address of a request (see {@link #clientAddress}), normalised; null when it is not an address. */
    public String clientAddress(String peer, Enumeration<String> forwardedForHeaders) {
        return normalize(clientAddress(peer, forwardedFor(forwardedForHeaders)));
    }

    public boolean isAllowed(String address) {
        InetAddress candidate = toAddress(address);
        if (candidate == null) {
            return false;
        }
        if (candidate.isLoopbackAddress()) {
            return properties.isAllowLoopback();
        }
        if (singleAddresses.contains(candidate) || cidrRanges.stream().anyMatch(range -> range.contains(candidate))) {
            return true;
        }
        return lastGoodResolution.values().stream().anyMatch(set -> set.contains(candidate));
    }

    /**
     * Resolves every published hostname of the enabled data centers. A failed lookup keeps that hostname's
     * last good answer, is logged and counted, and never throws: start-up and callbacks must not depend on DNS.
     */
    public void refresh() {
        for (String hostname : hostnames()) {
            try {
                Set<InetAddress> resolved = new LinkedHashSet<>(resolver.resolve(hostname));
                if (resolved.isEmpty()) {
                    throw new java.net.UnknownHostException("no addresses for " + hostname);
                }
                Set<InetAddress> previous = lastGoodResolution.put(hostname, Collections.unmodifiableSet(resolved));
                if (!resolved.equals(previous)) {
                    log.info("Allowlist hostname {} resolved to {} addresses", hostname, resolved.size());
                }
                meters.counter("gateway.allowlist.resolutions", "hostname", hostname, "outcome", "success").increment();
            } catch (Exception e) {
                meters.counter("gateway.allowlist.resolutions", "hostname", hostname, "outcome", "failure").increment();
                log.warn("Could not resolve allowlist hostname {} ({}); keeping {} previously resolved addresses",
                        hostname, e.getClass().getSimpleName(), lastGoodResolution.getOrDefault(hostname, Set.of()).size());
            }
        }
    }

    public List<String> hostnames() {
        return enabledDataCenters().stream().flatMap(dc -> dc.getHostnames().stream()).distinct().toList();
    }

    /** Current effective list, for operators: configured ranges and resolved addresses. */
    public Map<String, Object> describe() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("enabledDataCenters", properties.getEnabledDataCenters());
        view.put("configured", configuredAndAdditional.stream().map(AddressRange::toString).toList());
        Map<String, List<String>> resolved = new LinkedHashMap<>();
        lastGoodResolution.forEach((host, set) -> resolved.put(host, set.stream().map(InetAddress::getHostAddress).toList()));
        view.put("resolved", resolved);
        return view;
    }

    private Collection<AllowlistProperties.DataCenter> enabledDataCenters() {
        Set<String> enabled = new LinkedHashSet<>();
        properties.getEnabledDataCenters().forEach(dc -> enabled.add(dc.trim().toUpperCase(Locale.ROOT)));
        List<AllowlistProperties.DataCenter> result = new ArrayList<>();
        properties.getDataCenters().forEach((name, dc) -> {
            if (enabled.contains(name.toUpperCase(Locale.ROOT))) {
                result.add(dc);
            }
        });
        return result;
    }

    private boolean isTrustedProxy(String address) {
        InetAddress candidate = toAddress(address);
        return candidate != null && trustedProxies.stream().anyMatch(range -> range.contains(candidate));
    }

    private static List<String> forwardedFor(Enumeration<String> headers) {
        List<String> hops = new ArrayList<>();
        while (headers != null && headers.hasMoreElements()) {
            for (String hop : headers.nextElement().split(",")) {
                if (!hop.isBlank()) {
                    hops.add(hop.trim());
                }
            }
        }
        return hops;
    }

    /**
     * One spelling per address: dotted decimal for IPv4 (also for IPv4-mapped IPv6), RFC 5952 for IPv6.
     * Null when the text is not an IP literal (it is never looked up in DNS).
     */
    public static String normalize(String address) {
        InetAddress parsed = address == null ? null : toAddress(address.trim());
        if (parsed == null) {
            return null;
        }
        if (parsed instanceof java.net.Inet4Address) {
            return parsed.getHostAddress();
        }
        byte[] bytes = parsed.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (bytes[2 * i] & 0xFF) << 8 | (bytes[2 * i + 1] & 0xFF);
        }
        // the longest run of two or more zero groups becomes "::" (the first such run on a tie)
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    private static InetAddress toAddress(String address) {
        try {
            return InetAddress.getByAddress(AddressRange.literal(address));
        } catch (Exception e) {
            return null;
        }
    }
}
