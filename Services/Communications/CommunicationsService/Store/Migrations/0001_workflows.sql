-- Collection workflows (SPEC §9): ordered steps, assigned to contacts and invoices.
CREATE TABLE workflows (
    id uuid PRIMARY KEY,
    name text NOT NULL UNIQUE,
    is_enabled boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE workflow_steps (
    workflow_id uuid NOT NULL REFERENCES workflows(id),
    position integer NOT NULL,
    wait_days integer NOT NULL,
    action text NOT NULL,
    parameters jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (workflow_id, position)
);

CREATE TABLE workflow_assignments (
    id uuid PRIMARY KEY,
    workflow_id uuid NOT NULL REFERENCES workflows(id),
    customer_id uuid NOT NULL,
    contact_id uuid,
    invoice_id uuid,
    state text NOT NULL CHECK (state IN ('active', 'paused', 'finished')),
    next_step_position integer,
    next_step_on date,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((contact_id IS NULL) <> (invoice_id IS NULL))
);
CREATE INDEX workflow_assignments_by_customer ON workflow_assignments (customer_id) WHERE state <> 'finished';
