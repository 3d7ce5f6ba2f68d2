-- message_id (the webhook-id) is a random 128-bit UUID made when the row is queued (DeliveryRows.newMessageId) and
-- nothing looks a row up by it, so its unique constraint guarded against nothing real, and its index cost a write
-- on every claim and every DELIVERED mark (H2 rewrites each index of a row on every update; PostgreSQL on every
-- update that changes an indexed column, as the DELIVERED mark does).
ALTER TABLE delivery_outbox DROP CONSTRAINT delivery_outbox_message_id_uq;
