-- Users (SPEC §11). Email is unique regardless of case and never changes.
CREATE TABLE users (
    id uuid PRIMARY KEY,
    name text NOT NULL CHECK (length(btrim(name)) > 0),
    email text NOT NULL,
    role text NOT NULL CHECK (role IN ('owner', 'admin', 'manager', 'specialist', 'viewer')),
    manage_all_customers boolean NOT NULL DEFAULT false,
    is_default_specialist boolean NOT NULL DEFAULT false,
    active boolean NOT NULL DEFAULT true,
    password_hash text NOT NULL,
    totp_secret text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email ON users (lower(email));
CREATE UNIQUE INDEX users_one_default_specialist ON users (is_default_specialist) WHERE is_default_specialist;

-- Sessions: random tokens, stored only as SHA-256 hashes, with idle and absolute expiry.
CREATE TABLE sessions (
    id uuid PRIMARY KEY,
    token_hash text NOT NULL UNIQUE,
    user_id uuid NOT NULL REFERENCES users(id),
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);

-- API tokens for integrations: shown once, stored hashed, scoped to a role, revocable.
CREATE TABLE api_tokens (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    token_hash text NOT NULL UNIQUE,
    role text NOT NULL CHECK (role IN ('admin', 'manager', 'specialist', 'viewer')),
    created_by uuid REFERENCES users(id),
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at timestamptz
);

-- Failed logins per email (known or not), for throttling.
CREATE TABLE login_failures (
    email_key text NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_recent ON login_failures (email_key, failed_at);
