-- Payments are recorded here now (issue 11): what payments-service knows of each invoice
-- (from invoice-service's events, so applications are checked without asking it), the
-- applications' dates and why one was taken back, refunds, and the payment methods.

-- An invoice as its events describe it. Its balance here is total − the live applications
-- of payments-service's own table: the one place an over-application could be seen.
CREATE TABLE invoices (
    id uuid PRIMARY KEY,
    customer_id uuid NOT NULL,
    number text NOT NULL,
    currency char(3) NOT NULL,
    issue_date date NOT NULL,
    due_date date NOT NULL,
    total_cents bigint NOT NULL,
    state text NOT NULL CHECK (state IN ('draft', 'issued', 'void')),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invoices_by_customer ON invoices (customer_id, due_date);

ALTER TABLE payment_applications
    ADD COLUMN applied_on date NOT NULL DEFAULT CURRENT_DATE,
    ADD COLUMN unapplied_on date,
    ADD COLUMN unapply_reason text CHECK (unapply_reason IN ('unapplied', 'invoice_voided', 'invoice_reduced')),
    ADD COLUMN seq bigserial,  -- the order they were made in (one payment's are made in one transaction)
    ADD CONSTRAINT payment_applications_unapplied_together CHECK ((unapplied_at IS NULL) = (unapplied_on IS NULL));
ALTER TABLE payment_applications ALTER COLUMN applied_on DROP DEFAULT;
CREATE INDEX payment_applications_live_by_invoice ON payment_applications (invoice_id) WHERE unapplied_at IS NULL;

-- Refunds, each from a payment's unapplied credit; a payment's refunded amount is their sum.
CREATE TABLE refunds (
    id uuid PRIMARY KEY,
    payment_id uuid NOT NULL REFERENCES payments(id),
    amount_cents bigint NOT NULL CHECK (amount_cents > 0),
    reason text NOT NULL CHECK (length(btrim(reason)) > 0),
    refunded_on date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refunds_by_payment ON refunds (payment_id);
ALTER TABLE payments DROP COLUMN refunded_cents;
ALTER TABLE payments ADD CONSTRAINT payments_method_present CHECK (length(method) > 0);
CREATE INDEX payments_by_customer_newest ON payments (customer_id, created_at DESC, id DESC);

-- How money arrives: the built-in methods and the business's own (a table, not an enum).
CREATE TABLE payment_methods (
    code text PRIMARY KEY CHECK (code ~ '^[a-z0-9_]{1,40}$'),
    name text NOT NULL CHECK (length(btrim(name)) > 0),
    is_builtin boolean NOT NULL DEFAULT false,
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX payment_methods_name_any_case ON payment_methods (lower(name));
INSERT INTO payment_methods (code, name, is_builtin) VALUES
    ('check', 'Check', true), ('ach', 'ACH', true), ('wire', 'Wire transfer', true), ('card', 'Card', true), ('cash', 'Cash', true);
