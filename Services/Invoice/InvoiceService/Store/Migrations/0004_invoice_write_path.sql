-- Invoices are written here now (issue 10): their amounts as the rounding rule gives them,
-- numbers unique whatever their case, voiding, the payments applied to them, and what the
-- service keeps of the business (its time zone decides "today") and of each customer.

-- paid may exceed total only when payments-service applied against a total that an edit
-- lowered at the same moment; the balance then shows the overpayment (negative) instead of
-- the event being refused forever. Reconciliation names it.
ALTER TABLE invoices DROP CONSTRAINT IF EXISTS invoices_check;
ALTER TABLE invoices
    ADD COLUMN subtotal_cents bigint NOT NULL DEFAULT 0,
    ADD COLUMN tax_cents bigint NOT NULL DEFAULT 0,
    ADD COLUMN void_reason text,
    ADD COLUMN voided_at timestamptz,
    ADD CONSTRAINT invoices_number_present CHECK (length(btrim(number)) > 0),
    ADD CONSTRAINT invoices_sums CHECK (total_cents = subtotal_cents + tax_cents);
-- Numbers are unique whatever their case: the case-sensitive constraint of 0001 gives way to
-- an index on lower(number), named like it so that a race lost on it is a 409 naming `number`.
ALTER TABLE invoices DROP CONSTRAINT invoices_number_key;
CREATE UNIQUE INDEX invoices_number_key ON invoices (lower(number));
-- A customer's invoices newest first (the list's keyset order).
CREATE INDEX invoices_by_customer_newest ON invoices (customer_id, created_at DESC, id DESC);

ALTER TABLE invoice_lines
    ADD COLUMN total_cents bigint NOT NULL DEFAULT 0,
    ADD COLUMN tax_cents bigint NOT NULL DEFAULT 0,
    ADD CONSTRAINT invoice_lines_quantity_positive CHECK (quantity_thousandths > 0),
    ADD CONSTRAINT invoice_lines_rate_valid CHECK (tax_rate_basis_points BETWEEN 0 AND 10000);

-- Automatic numbers: INV-000001, INV-000002, … (a number someone typed is skipped).
CREATE SEQUENCE invoice_number_seq;

-- Payments applied to invoices, from payments-service's events: one row per application,
-- so an event delivered twice counts once. paid_cents is the sum of the live ones.
CREATE TABLE applications (
    id uuid PRIMARY KEY,
    payment_id uuid NOT NULL,
    invoice_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    amount_cents bigint NOT NULL CHECK (amount_cents > 0),
    applied_on date NOT NULL,
    method text NOT NULL,
    reference text,
    unapplied_on date,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX applications_by_invoice ON applications (invoice_id) WHERE unapplied_on IS NULL;
CREATE INDEX applications_by_customer ON applications (customer_id, applied_on);

-- The business as identity's `business_settings.changed` last said (one row): the time zone
-- that decides today's date, and the letterhead of invoices and statements.
CREATE TABLE business_settings (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    settings jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The business date balances were last published for: when the business's today moves
-- past it, the customers whose invoices fell overdue meanwhile get a new balance.
CREATE TABLE overdue_watch (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    as_of date NOT NULL
);

-- The customer's name and addresses, for the PDFs' bill-to and ship-to.
ALTER TABLE customers ADD COLUMN fields jsonb;
