-- A delivery's payload (the JSON sent to a destination, personal fields included when the destination lists them)
-- has a lifetime: erasure and retention replace it by {"contentPurged":true} and say when here. A purged row is
-- never sent again (redeliver answers 409; a replay renders the current result anew).
ALTER TABLE delivery_outbox ADD COLUMN payload_purged_at TIMESTAMP WITH TIME ZONE;
