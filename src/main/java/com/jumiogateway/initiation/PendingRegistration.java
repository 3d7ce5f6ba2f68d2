package com.jumiogateway.initiation;

import static com.jumiogateway.initiation.TransactionApi.optionalText;
import static com.jumiogateway.initiation.TransactionApi.positiveInt;
import static com.jumiogateway.initiation.TransactionApi.reference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jumiogateway.api.BadRequestException;
import com.jumiogateway.platform.PlatformAccounts;
import com.jumiogateway.reconciliation.JumioApiProperties;
import com.jumiogateway.reconciliation.PendingTransactions;
import com.jumiogateway.reconciliation.PendingTransactions.Registration;
import com.jumiogateway.result.CallbackKind;
import com.jumiogateway.routing.ExchangeNames;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.Clock;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * POST /api/transactions/pending: registers a scan reference initiated elsewhere (mobile SDK, performNetverify,
 * another system) so it is polled for like one the gateway initiated; 201 when new, 200 when it was known already.
 */
@Component("pendingRegistration")
public class PendingRegistration {

    private static final Pattern SCAN_REFERENCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern PLATFORM_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,99}");
    private static final Set<String> FIELDS = Set.of("scanReference", "kind", "dataCenter", "accountId",
            "customerInternalReference", "userReference", "initiatedAt", "tokenLifetimeMinutes");

    private final ObjectMapper mapper;
    private final JumioApiProperties jumio;
    private final PendingTransactions pending;
    private final PlatformAccounts platformAccounts;
    private final Clock clock;

    public PendingRegistration(ObjectMapper mapper, JumioApiProperties jumio, PendingTransactions pending,
                               PlatformAccounts platformAccounts, Clock clock) {
        this.mapper = mapper;
        this.jumio = jumio;
        this.pending = pending;
        this.platformAccounts = platformAccounts;
        this.clock = clock;
    }

    public String registration(@Body String body, Exchange exchange) {
        ObjectNode request = TransactionApi.jsonObject(mapper, body, FIELDS, "");
        String scanReference = optionalText(request, "scanReference");
        if (scanReference == null || !SCAN_REFERENCE.matcher(scanReference).matches()) {
            throw new BadRequestException("scanReference is required: Jumio's scan or transaction reference (letters,"
                    + " digits, '-', '.', '_', at most 100)");
        }
        CallbackKind kind = kind(optionalText(request, "kind"));
        Instant initiatedAt = initiatedAt(optionalText(request, "initiatedAt"));
        int lifetime = TransactionApi.lifetime(request.has("tokenLifetimeMinutes")
                ? positiveInt(request, "tokenLifetimeMinutes")
                : jumio.getInitiation().getTokenLifetimeMinutes(), "tokenLifetimeMinutes");
        String customerInternalReference = request.has("customerInternalReference")
                ? reference(request, "customerInternalReference") : null;
        String userReference = request.has("userReference") ? reference(request, "userReference") : null;
        // a Jumio Platform workflow execution (scanReference) belongs to an account: the poller's URLs need it
        String accountId = optionalText(request, "accountId");
        if (kind == CallbackKind.PLATFORM) {
            if (accountId == null || !PLATFORM_ID.matcher(accountId).matches()) {
                throw new BadRequestException("accountId is required for kind PLATFORM: the Jumio Platform account of"
                        + " the workflow execution");
            }
            platformAccounts.rememberExecution(scanReference, accountId, userReference);
        } else if (accountId != null) {
            throw new BadRequestException("accountId is for kind PLATFORM only");
        }
        Map<String, Object> row = pending.register(new Registration(scanReference, kind,
                TransactionApi.dataCenter(jumio, request), "REGISTERED", customerInternalReference, userReference,
                initiatedAt, lifetime));
        exchange.setProperty(ExchangeNames.ANSWER_STATUS, Boolean.TRUE.equals(row.get("created")) ? 201 : 200);
        return TransactionApi.json(mapper, row);
    }

    private static CallbackKind kind(String text) {
        if (text == null) {
            return CallbackKind.NETVERIFY;
        }
        try {
            return CallbackKind.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("kind must be NETVERIFY, DOCUMENT_VERIFICATION or PLATFORM");
        }
    }

    private Instant initiatedAt(String text) {
        if (text == null) {
            return clock.instant();
        }
        Instant initiatedAt;
        try {
            initiatedAt = OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadRequestException("initiatedAt must be an ISO-8601 timestamp with offset, e.g. 2024-03-01T10:00:00Z");
        }
        if (initiatedAt.isAfter(clock.instant().plusSeconds(300))) {
            throw new BadRequestException("initiatedAt lies in the future");
        }
        return initiatedAt;
    }
}
