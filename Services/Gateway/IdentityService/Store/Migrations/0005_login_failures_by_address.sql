-- Failed sign-ins are counted per email *and* client address, and per client address:
-- a flood from one address throttles that address, never the account's owner elsewhere.
ALTER TABLE login_failures ADD COLUMN client_address text NOT NULL DEFAULT '';
CREATE INDEX login_failures_by_address ON login_failures (client_address, failed_at);
DROP INDEX login_failures_recent;
CREATE INDEX login_failures_recent ON login_failures (email_key, client_address, failed_at);
