-- The optional second factor: a secret waiting for its first code, and the last time step
-- used, so a code works once.
ALTER TABLE users ADD COLUMN totp_pending_secret text;
ALTER TABLE users ADD COLUMN totp_last_step bigint;
