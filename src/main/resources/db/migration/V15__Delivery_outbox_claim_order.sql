-- The sender claims a destination's PENDING rows in id order (oldest first) and checks scan order on what it read
-- (DeliveryOutbox.claimRows). An index on exactly that lets a claim read only the rows it takes, on PostgreSQL and on
-- H2, however long the backlog. It replaces (status, next_attempt_at), which made H2 read and sort every PENDING row
-- on every claim, and V12's (destination, scan_reference, id) of PENDING rows, which served the correlated NOT EXISTS
-- the claim no longer runs (next_attempt_at is checked on the rows read).
DROP INDEX delivery_outbox_due_idx;
DROP INDEX IF EXISTS delivery_outbox_pending_scan_idx;
CREATE INDEX delivery_outbox_claim_idx ON delivery_outbox (destination, status, id);
