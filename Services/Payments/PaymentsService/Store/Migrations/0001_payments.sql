-- The business's default payment settings (one row) and per-customer overrides (SPEC §5).
CREATE TABLE default_payment_settings (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    card_allowed boolean NOT NULL,
    ach_allowed boolean NOT NULL,
    card_fee jsonb,
    ach_fee jsonb,
    autopay boolean NOT NULL
);
INSERT INTO default_payment_settings (card_allowed, ach_allowed, autopay) VALUES (true, true, false);

CREATE TABLE customer_payment_settings (
    customer_id uuid PRIMARY KEY,
    card_allowed boolean NOT NULL,
    ach_allowed boolean NOT NULL,
    card_fee jsonb,
    ach_fee jsonb,
    autopay boolean NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Payments, and how much of each is applied to which invoice (SPEC §5).
CREATE TABLE payments (
    id uuid PRIMARY KEY,
    customer_id uuid NOT NULL,
    amount_cents bigint NOT NULL CHECK (amount_cents > 0),
    currency char(3) NOT NULL,
    method text NOT NULL,
    reference text,
    received_on date NOT NULL,
    refunded_cents bigint NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_by_customer ON payments (customer_id, received_on DESC);

CREATE TABLE payment_applications (
    id uuid PRIMARY KEY,
    payment_id uuid NOT NULL REFERENCES payments(id),
    invoice_id uuid NOT NULL,
    amount_cents bigint NOT NULL CHECK (amount_cents > 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    unapplied_at timestamptz
);
CREATE INDEX payment_applications_by_payment ON payment_applications (payment_id) WHERE unapplied_at IS NULL;

-- Promises to pay (SPEC §7).
CREATE TABLE promises (
    id uuid PRIMARY KEY,
    customer_id uuid NOT NULL,
    contact_id uuid,
    invoice_ids uuid[] NOT NULL,
    amount_cents bigint NOT NULL CHECK (amount_cents > 0),
    promised_on date NOT NULL,
    state text NOT NULL CHECK (state IN ('open', 'kept', 'broken', 'cancelled')),
    note text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX promises_open_by_customer ON promises (customer_id, promised_on) WHERE state = 'open';

-- Per-customer payment links (SPEC §6): the token is stored only as a hash.
CREATE TABLE payment_links (
    id uuid PRIMARY KEY,
    customer_id uuid NOT NULL,
    token_hash text NOT NULL UNIQUE,
    url text NOT NULL,
    expires_on date,
    revoked_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX payment_links_one_active ON payment_links (customer_id) WHERE revoked_at IS NULL;
