-- Payment links, portal payments and promises to pay (issue 12).

-- A link keeps the id its token is derived from (with the link key, which the database
-- never sees) and the token's SHA-256; the URL is built from AR_PUBLIC_URL by the gateway.
-- No link could be made before this migration, so none is lost.
DELETE FROM payment_links;
ALTER TABLE payment_links DROP COLUMN url;
ALTER TABLE payment_links ADD COLUMN token_id text NOT NULL CHECK (token_id ~ '^[0-9a-f]{32}$');
ALTER TABLE payment_links ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- A payment's convenience fee is recorded beside its amount (never applied or credited),
-- with where it came from and the processor's reference.
ALTER TABLE payments
    ADD COLUMN fee_cents bigint NOT NULL DEFAULT 0 CHECK (fee_cents >= 0),
    ADD COLUMN source text NOT NULL DEFAULT 'staff' CHECK (source IN ('staff', 'portal'));

-- Promises to pay: nothing recorded them before this migration.
DROP TABLE promises;
CREATE TABLE promises (
    id uuid PRIMARY KEY,
    customer_id uuid NOT NULL,
    contact_id uuid,
    invoice_ids uuid[] NOT NULL CHECK (cardinality(invoice_ids) > 0),
    invoice_numbers text[] NOT NULL,
    amount_cents bigint NOT NULL CHECK (amount_cents > 0),
    currency char(3) NOT NULL,
    promised_on date NOT NULL,
    note text,
    state text NOT NULL CHECK (state IN ('open', 'kept', 'broken', 'cancelled')),
    source text NOT NULL CHECK (source IN ('staff', 'portal')),
    specialist_id uuid,
    recorded_on date NOT NULL,
    resolved_on date,
    recorded_by jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT promises_resolved_when_decided CHECK ((state = 'open') = (resolved_on IS NULL))
);
CREATE INDEX promises_by_customer ON promises (customer_id, created_at DESC, id DESC);
CREATE INDEX promises_open_by_date ON promises (promised_on) WHERE state = 'open';
CREATE INDEX promises_by_specialist ON promises (specialist_id, promised_on);
