-- delivery_outbox_scan_idx (destination, scan_reference, status) is covered by delivery_outbox_scan_only_idx
-- (scan_reference: a scan has few rows) and delivery_outbox_claim_idx (destination, status, id). Every claim and every
-- DELIVERED mark updates each index of the row (H2 rewrites them all), so one index less is one write less per update.
DROP INDEX delivery_outbox_scan_idx;
