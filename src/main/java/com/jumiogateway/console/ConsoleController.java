package com.jumiogateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jumiogateway.alert.AlertOutbox;
import com.jumiogateway.api.StoredCallbacks;
import com.jumiogateway.audit.ApiCaller;
import com.jumiogateway.audit.AuditLog;
import com.jumiogateway.enrich.CountryNames;
import com.jumiogateway.inbox.CallbackInbox;
import com.jumiogateway.intake.CallbackSourceAllowlist;
import com.jumiogateway.reconciliation.PendingTransactions;
import com.jumiogateway.reconciliation.RetrievalCredentials;
import com.jumiogateway.result.Decision;
import com.jumiogateway.store.VerificationResultStore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The web console's pages (server-rendered, Thymeleaf): search, result, pipeline. Reads go through the same beans as
 * the API (the store opens result_json under the data keys, the inbox and outboxes list their rows) and every result
 * page read is recorded in the audit like an API read. Replay and resend call the beans the API routes call.
 */
@Controller
class ConsoleController {

    private final VerificationResultStore results;
    private final ConsoleQueries queries;
    private final CallbackInbox inbox;
    private final StoredCallbacks storedCallbacks;
    private final AlertOutbox alerts;
    private final PendingTransactions pending;
    private final RetrievalCredentials retrievalCredentials;
    private final AuditLog audit;
    private final CallbackSourceAllowlist addresses;
    private final CountryNames countries;
    private final ObjectMapper mapper;
    private final ConsoleProperties properties;
    private final Clock clock;

    ConsoleController(VerificationResultStore results, ConsoleQueries queries, CallbackInbox inbox,
                      StoredCallbacks storedCallbacks, AlertOutbox alerts, PendingTransactions pending,
                      RetrievalCredentials retrievalCredentials, AuditLog audit, CallbackSourceAllowlist addresses,
                      CountryNames countries, ObjectMapper mapper, ConsoleProperties properties, Clock clock) {
        this.results = results;
        this.queries = queries;
        this.inbox = inbox;
        this.storedCallbacks = storedCallbacks;
        this.alerts = alerts;
        this.pending = pending;
        this.retrievalCredentials = retrievalCredentials;
        this.audit = audit;
        this.addresses = addresses;
        this.countries = countries;
        this.mapper = mapper;
        this.properties = properties;
        this.clock = clock;
    }

    /** The signed-in user's roles in words, for the header; and what the pages may offer them. */
    @ModelAttribute
    void who(Authentication user, Model model) {
        model.addAttribute("roles", user == null ? "" : String.join(", ", user.getAuthorities().stream()
                .map(a -> a.getAuthority().replaceFirst("^ROLE_", "").toLowerCase(java.util.Locale.ROOT)).sorted().toList()));
        model.addAttribute("isAdmin", hasRole(user, ConsoleSecurityConfiguration.ADMIN));
    }

    @GetMapping("/console/login")
    String login() {
        return "console/login";
    }

    @GetMapping({"/console", "/console/", "/console/search"})
    String search(@RequestParam(required = false) String scanReference,
                  @RequestParam(required = false) String merchantReference,
                  @RequestParam(required = false) String customer,
                  @RequestParam(required = false) String decision,
                  @RequestParam(required = false) String from,
                  @RequestParam(required = false) String to,
                  @RequestParam(required = false) String after,
                  Model model) {
        model.addAttribute("decisions", Arrays.stream(Decision.values()).map(Enum::name).toList());
        model.addAttribute("decisionWords", Arrays.stream(Decision.values())
                .collect(LinkedHashMap::new, (m, d) -> m.put(d.name(), ResultView.decisionText(d.name())), Map::putAll));
        String wantedDecision = StringUtils.hasText(decision)
                && Arrays.stream(Decision.values()).anyMatch(d -> d.name().equals(decision)) ? decision : null;
        LocalDate fromDate = date(from);
        LocalDate toDate = date(to);
        if ((StringUtils.hasText(from) && fromDate == null) || (StringUtils.hasText(to) && toDate == null)) {
            model.addAttribute("problem", "Dates are written as YYYY-MM-DD.");
        }
        ConsoleQueries.Search search = new ConsoleQueries.Search(scanReference, merchantReference, customer,
                wantedDecision, fromDate == null ? null : fromDate.atStartOfDay(ZoneOffset.UTC).toInstant(),
                toDate == null ? null : toDate.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
        ConsoleQueries.Page page = queries.search(search, ConsoleQueries.Cursor.parse(after), pageSize());
        model.addAttribute("page", page);
        model.addAttribute("firstPage", !StringUtils.hasText(after));
        model.addAttribute("q", Map.of("scanReference", nz(scanReference), "merchantReference", nz(merchantReference),
                "customer", nz(customer), "decision", nz(wantedDecision), "from", fromDate == null ? "" : fromDate.toString(),
                "to", toDate == null ? "" : toDate.toString()));
        return "console/search";
    }

    @GetMapping("/console/verifications/{scanReference}")
    String result(@PathVariable String scanReference, Authentication user, HttpServletRequest request,
                  HttpServletResponse response, Model model) throws IOException {
        String json = results.findJson(scanReference);
        model.addAttribute("scanReference", scanReference);
        if (json == null) {
            response.setStatus(404);
            return "console/not-found";
        }
        boolean personal = hasRole(user, ConsoleSecurityConfiguration.COMPLIANCE);
        // who read what, like GET /api/verifications/{scanReference} (the console user, named as such)
        audit.record(AuditLog.READ_RESULT, scanReference, new ApiCaller("console:" + user.getName(),
                addresses.clientAddress(request.getRemoteAddr(), request.getHeaders("X-Forwarded-For"))),
                personal ? "console, personal data shown" : "console, decision only");
        JsonNode node = mapper.readTree(json);
        model.addAttribute("result", ResultView.of(node, personal, countries));
        model.addAttribute("callbacks", queries.callbacksOf(scanReference));
        model.addAttribute("alerts", queries.alertsOf(scanReference));
        model.addAttribute("deliveries", queries.deliveriesOf(scanReference));
        model.addAttribute("pending", pending.find(scanReference));
        model.addAttribute("showsPersonalData", personal);
        return "console/result";
    }

    @GetMapping("/console/pipeline")
    String pipeline(Model model) {
        Instant now = clock.instant();
        model.addAttribute("backlog", inbox.backlog());
        model.addAttribute("failedCallbacks", storedCallbacks.view(inbox.list("FAILED")));
        model.addAttribute("alertCounts", queries.countsByStatus("alert_outbox"));
        model.addAttribute("alertSummary", alerts.summary());
        model.addAttribute("failedAlerts", alerts.list(AlertOutbox.FAILED));
        model.addAttribute("recentAlerts", alerts.list(null).stream().limit(20).toList());
        model.addAttribute("pendingCounts", pending.counts());
        model.addAttribute("pendingTransactions", pending.list("PENDING").stream().limit(100).toList());
        model.addAttribute("credentialsConfigured", retrievalCredentials.configured());
        model.addAttribute("credentialsBlock", retrievalCredentials.current());
        int minutes = (int) Math.max(10, Math.min(24 * 60, properties.getChartWindow().toMinutes()));
        model.addAttribute("chart", MinuteChart.of(queries.perMinute(now.minus(Duration.ofMinutes(minutes))), now, minutes));
        model.addAttribute("now", now);
        return "console/pipeline";
    }

    /** The replay button: the bean POST /api/callbacks/{id}/replay calls. */
    @PostMapping("/console/callbacks/{id}/replay")
    String replay(@PathVariable long id, @RequestParam(required = false) String back, RedirectAttributes flash) {
        int requeued = inbox.requeue(id);
        flash.addFlashAttribute("message", requeued == 1 ? "Callback " + id + " is queued again."
                : "Callback " + id + " was not replayed: it is unknown or still waiting.");
        return "redirect:" + back(back);
    }

    /** "Replay all failed": the bean POST /api/callbacks/replay-failed calls. */
    @PostMapping("/console/callbacks/replay-failed")
    String replayFailed(RedirectAttributes flash) {
        int requeued = inbox.requeueFailed();
        flash.addFlashAttribute("message", requeued + " failed callback(s) queued again.");
        return "redirect:/console/pipeline";
    }

    /** The resend button: the bean POST /api/alerts/{id}/resend calls. */
    @PostMapping("/console/alerts/{id}/resend")
    String resend(@PathVariable String id, @RequestParam(required = false) String back, RedirectAttributes flash) {
        AlertOutbox.ResendOutcome outcome = alerts.resend(id);
        flash.addFlashAttribute("message", switch (outcome) {
            case RESENT -> "Alert " + id + " is queued to be sent again.";
            case NOT_FAILED -> "Alert " + id + " was not re-sent: only a FAILED alert can be.";
            case NOT_FOUND -> "No alert " + id + ".";
        });
        return "redirect:" + back(back);
    }

    /** Only a console page to go back to (never another site). */
    private static String back(String back) {
        return back != null && back.startsWith("/console/") && !back.startsWith("//") && !back.contains("\\")
                && !back.contains("\r") && !back.contains("\n") ? back : "/console/pipeline";
    }

    private int pageSize() {
        return Math.max(1, Math.min(500, properties.getPageSize()));
    }

    static boolean hasRole(Authentication user, String role) {
        return user != null && user.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals("ROLE_" + role));
    }

    private static LocalDate date(String text) {
        if (!StringUtils.hasText(text)) {
            return null;
        }
        try {
            return LocalDate.parse(text.strip());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String nz(String value) {
        return value == null ? "" : value;
    }

}
