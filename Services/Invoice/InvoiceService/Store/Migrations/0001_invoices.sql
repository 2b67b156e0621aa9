-- Collection statuses the business defines (SPEC §3).
CREATE TABLE collection_statuses (
    id uuid PRIMARY KEY,
    name text NOT NULL UNIQUE,
    position integer NOT NULL,
    manager_id uuid,
    is_default boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX collection_statuses_one_default ON collection_statuses (is_default) WHERE is_default;

-- Invoices and their lines (SPEC §3). Money is bigint minor units in the invoice's currency.
CREATE TABLE invoices (
    id uuid PRIMARY KEY,
    customer_id uuid NOT NULL,
    number text NOT NULL UNIQUE,
    issue_date date NOT NULL,
    due_date date NOT NULL,
    currency char(3) NOT NULL,
    total_cents bigint NOT NULL CHECK (total_cents >= 0),
    paid_cents bigint NOT NULL DEFAULT 0 CHECK (paid_cents >= 0),
    state text NOT NULL CHECK (state IN ('draft', 'open', 'partially_paid', 'paid', 'void')),
    collection_status_id uuid REFERENCES collection_statuses(id),
    po_number text,
    memo text,
    contact_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (paid_cents <= total_cents)
);
CREATE INDEX invoices_by_customer ON invoices (customer_id, due_date);

CREATE TABLE invoice_lines (
    invoice_id uuid NOT NULL REFERENCES invoices(id),
    position integer NOT NULL,
    description text NOT NULL,
    quantity_thousandths bigint NOT NULL,
    unit_price_cents bigint NOT NULL,
    tax_rate_basis_points integer NOT NULL DEFAULT 0,
    PRIMARY KEY (invoice_id, position)
);
