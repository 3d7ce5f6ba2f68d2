-- Webhook replay (POST /api/destinations/{name}/replay?since=) pages through the results in the order of
-- (updated_at, scan_reference): each page is an index range, not a scan and sort of the whole table.
CREATE INDEX verification_result_updated_idx ON verification_result (updated_at, scan_reference);
