-- Customers (SPEC §1). Money-free: balances live with invoices and payments.
CREATE TABLE customers (
    id uuid PRIMARY KEY,
    display_name text NOT NULL CHECK (length(btrim(display_name)) > 0),
    company text,
    customer_number text,
    email text,
    phone text,
    mobile text,
    website text,
    name_on_checks text,
    billing_address jsonb,
    shipping_address jsonb,
    shipping_same_as_billing boolean NOT NULL DEFAULT true,
    parent_customer_id uuid REFERENCES customers(id),
    billed_with_parent boolean NOT NULL DEFAULT false,
    currency char(3) NOT NULL,
    payment_terms_days integer NOT NULL CHECK (payment_terms_days BETWEEN 0 AND 365),
    notes text,
    specialist_id uuid,
    deactivated_at timestamptz,
    created_by jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customers_newest ON customers (created_at DESC, id DESC);
