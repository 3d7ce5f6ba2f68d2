package com.jumiogateway.platform;

import com.jumiogateway.reconciliation.PendingTransaction;
import com.jumiogateway.reconciliation.PendingTransactions;
import com.jumiogateway.result.CallbackKind;
import com.jumiogateway.result.VerificationResult;
import com.jumiogateway.routing.ExchangeNames;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Which Jumio Platform account each end user (userReference) and each workflow execution belongs to: the initiation
 * reuses a user's account, the poller's URLs and the lookup API need an execution's account.
 */
public class PlatformAccounts {

    private final PlatformProperties properties;
    private final JdbcTemplate jdbc;
    private final Clock clock;

    public PlatformAccounts(PlatformProperties properties, JdbcTemplate jdbc, Clock clock) {
        this.properties = properties;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The account remembered for an end user, or null. */
    public String accountOfUser(String userReference) {
        List<String> ids = jdbc.queryForList("SELECT account_id FROM platform_account WHERE user_reference = ?",
                String.class, userReference);
        return ids.isEmpty() ? null : ids.get(0);
    }

    /** Remembers (or replaces) the account of an end user. */
    public void rememberAccount(String userReference, String accountId) {
        Timestamp now = Timestamp.from(clock.instant());
        if (jdbc.update("UPDATE platform_account SET account_id = ?, updated_at = ? WHERE user_reference = ?",
                accountId, now, userReference) == 0) {
            try {
                jdbc.update("INSERT INTO platform_account (user_reference, account_id, created_at, updated_at)"
                        + " VALUES (?, ?, ?, ?)", userReference, accountId, now, now);
            } catch (DuplicateKeyException raced) {
                jdbc.update("UPDATE platform_account SET account_id = ?, updated_at = ? WHERE user_reference = ?",
                        accountId, now, userReference);
            }
        }
    }

    /** Records the account (and end user, when known) of a workflow execution; idempotent. */
    public void rememberExecution(String executionId, String accountId, String userReference) {
        try {
            jdbc.update("INSERT INTO platform_execution (workflow_execution_id, account_id, user_reference, region,"
                            + " created_at) VALUES (?, ?, ?, ?, ?)", executionId, accountId, userReference,
                    properties.getRegion(), Timestamp.from(clock.instant()));
        } catch (DuplicateKeyException known) {
            if (userReference != null) {
                jdbc.update("UPDATE platform_execution SET user_reference = ? WHERE workflow_execution_id = ?"
                        + " AND user_reference IS NULL", userReference, executionId);
            }
        }
    }

    /** Route step: records the account and end user of a Platform result's workflow execution (idempotent). */
    public void remember(@Body VerificationResult result) {
        if (result.kind() == CallbackKind.PLATFORM && result.details() instanceof Map<?, ?> details
                && details.get("accountId") instanceof String accountId) {
            Object user = details.get("userReference");
            rememberExecution(result.scanReference(), accountId, user instanceof String u ? u : null);
        }
    }

    /** Route step of the poller: the account id of the claimed workflow execution (for the retrieval URLs). */
    public String accountOfExecution(@ExchangeProperty(ExchangeNames.PENDING_TRANSACTION) PendingTransaction row) {
        List<String> ids = jdbc.queryForList("SELECT account_id FROM platform_execution WHERE workflow_execution_id = ?",
                String.class, row.scanReference());
        if (ids.isEmpty()) {
            throw new IllegalStateException("No account known for Platform workflow execution " + row.scanReference());
        }
        return ids.get(0);
    }
}
