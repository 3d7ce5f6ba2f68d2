-- Encryption at rest (com.jumiogateway.dataprotection): the data key each row's personal data is encrypted under
-- (callback_inbox.body, verification_result.result_json); NULL: stored in clear, written while no key was set.
-- A column rather than a prefix in the value: a clear value can never be mistaken for an encrypted one (a raw body
-- is whatever Jumio sent), and the start-up check and the rotation find rows per key through the index without
-- reading the data. Version 6.1: version 6 is the Java migration V6__Callback_bodies_as_bytes.
ALTER TABLE callback_inbox ADD COLUMN data_key_id VARCHAR(40);
ALTER TABLE verification_result ADD COLUMN data_key_id VARCHAR(40);
CREATE INDEX callback_inbox_data_key_idx ON callback_inbox (data_key_id);
CREATE INDEX verification_result_data_key_idx ON verification_result (data_key_id);
