package db.migration;

import com.jumiogateway.storage.PostgreSqlOnlyMigration;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Polling cost must not grow with history (issue 16): the queue tables keep every finished row (until retention
 * purges its content, and the row itself stays), and each instance polls them several times a second. On PostgreSQL
 * each claim query gets a partial index holding only the rows it may claim, in the order it claims them, so an idle
 * poll reads an empty index whatever the history (the predicates repeat the claim queries' literal conditions, which
 * is what lets the planner use them: keep them in step). H2, the embedded default for development and tests, has no
 * partial indexes: its indexes of V1-V8 stay as they are.
 */
public class V12__Partial_indexes_on_claimable_rows extends PostgreSqlOnlyMigration {

    @Override
    protected void migrate(Statement ddl) throws SQLException {
        // CallbackInbox.claimRows: RECEIVED rows, and CLAIMED ones whose lease ran out (a crashed instance's),
        // oldest first; the heartbeat and the give-back of own claims find CLAIMED rows here too
        ddl.execute("CREATE INDEX callback_inbox_claimable_idx ON callback_inbox (id)"
                + " WHERE status IN ('RECEIVED', 'CLAIMED')");
        // AlertOutbox.claimRows: PENDING alerts (due, or waiting for a retry or for recipients), oldest first
        ddl.execute("CREATE INDEX alert_outbox_claimable_idx ON alert_outbox (id) WHERE status = 'PENDING'");
        // DeliveryOutbox.claimRows: PENDING deliveries, oldest first; and its "no older PENDING delivery of
        // the same scan to the same destination" check
        ddl.execute("CREATE INDEX delivery_outbox_claimable_idx ON delivery_outbox (id) WHERE status = 'PENDING'");
        ddl.execute("CREATE INDEX delivery_outbox_pending_scan_idx ON delivery_outbox (destination, scan_reference, id)"
                + " WHERE status = 'PENDING'");
        // PendingTransactions.claimRows: PENDING transactions by due time
        ddl.execute("CREATE INDEX pending_transaction_claimable_idx ON pending_transaction (next_poll_at)"
                + " WHERE state = 'PENDING'");
        // every status change leaves a dead entry in these indexes until a VACUUM removes it (a poll steps over
        // them): vacuum the queue tables after 2 % of their rows changed, not PostgreSQL's default 20 %
        // (with autovacuum on; bench/claim-queries.sh measures the worst case, without any VACUUM)
        for (String table : new String[] {"callback_inbox", "alert_outbox", "delivery_outbox", "pending_transaction"}) {
            ddl.execute("ALTER TABLE " + table + " SET (autovacuum_vacuum_scale_factor = 0.02,"
                    + " autovacuum_analyze_scale_factor = 0.02)");
        }
    }
}
