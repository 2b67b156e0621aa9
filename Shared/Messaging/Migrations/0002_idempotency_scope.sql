-- An idempotency key belongs to whoever sent it: the record is found by (scope, type,
-- key), where scope names the actor (a user, an API token, or a service), so one caller
-- can neither read nor burn another's keys. Records are purged after a retention window.
ALTER TABLE idempotency ADD COLUMN scope text NOT NULL DEFAULT '';
ALTER TABLE idempotency DROP CONSTRAINT idempotency_pkey;
ALTER TABLE idempotency ADD CONSTRAINT idempotency_pkey PRIMARY KEY (scope, type, key);
CREATE INDEX idempotency_created_at ON idempotency (created_at);
