-- The web console (/console): its search is newest first (created_at, then scan_reference as a tie-break, which is
-- also its keyset page cursor), optionally narrowed by merchant reference or decision (customer id has its index
-- since V7); its result page lists the callbacks, alerts and deliveries of one scan reference; its pipeline chart
-- counts callbacks per minute received and processed in the last hours (one range scan of received_at, the columns it
-- groups by in the same index). Each of those reads an index instead of the whole table (see bench/console-benchmark.sh).
CREATE INDEX verification_result_created_idx ON verification_result (created_at, scan_reference);
CREATE INDEX verification_result_merchant_idx ON verification_result (merchant_reference, created_at);
CREATE INDEX verification_result_decision_idx ON verification_result (decision, created_at);
CREATE INDEX callback_inbox_scan_idx ON callback_inbox (scan_reference);
CREATE INDEX callback_inbox_received_idx ON callback_inbox (received_at, processed_at, status);
CREATE INDEX alert_outbox_scan_idx ON alert_outbox (scan_reference);
CREATE INDEX delivery_outbox_scan_only_idx ON delivery_outbox (scan_reference);
