-- The sender claims a destination's PENDING rows in id order (oldest first). An index on exactly that lets a claim read
-- only the rows it takes, on PostgreSQL and on H2, however long the backlog; it replaces (status, next_attempt_at),
-- which made H2 read and sort every PENDING row on every claim (next_attempt_at is checked on the rows read).
DROP INDEX delivery_outbox_due_idx;
CREATE INDEX delivery_outbox_claim_idx ON delivery_outbox (destination, status, id);
