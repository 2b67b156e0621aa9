-- Billing contacts (SPEC §2).
CREATE TABLE contacts (
    id uuid PRIMARY KEY,
    customer_id uuid NOT NULL REFERENCES customers(id),
    name text NOT NULL CHECK (length(btrim(name)) > 0),
    title text,
    email text,
    phone text,
    mobile text,
    role text NOT NULL DEFAULT 'billing' CHECK (role IN ('primary', 'billing', 'escalation')),
    email_opt_out boolean NOT NULL DEFAULT false,
    sms_opt_out boolean NOT NULL DEFAULT false,
    is_active boolean NOT NULL DEFAULT true,
    merged_into uuid REFERENCES contacts(id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contacts_by_customer ON contacts (customer_id, name);

-- Documents kept on a customer (SPEC §12).
CREATE TABLE documents (
    id uuid PRIMARY KEY,
    customer_id uuid NOT NULL REFERENCES customers(id),
    filename text NOT NULL,
    content_type text NOT NULL,
    size_bytes bigint NOT NULL,
    content bytea NOT NULL,
    uploaded_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz
);
CREATE INDEX documents_by_customer ON documents (customer_id, uploaded_at DESC) WHERE deleted_at IS NULL;
