-- Every customer's timeline, built from all services' events (SPEC §10).
CREATE TABLE activities (
    id uuid PRIMARY KEY,
    customer_id uuid NOT NULL,
    category text NOT NULL,
    type text NOT NULL,
    summary text NOT NULL,
    occurred_at timestamptz NOT NULL,
    actor jsonb,
    -- The event it came from: an event becomes at most one activity.
    source_publisher text NOT NULL,
    source_event_id uuid NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX activities_timeline ON activities (customer_id, occurred_at DESC, id DESC);

-- Tasks (SPEC §10); their commands arrive with the history issue.
CREATE TABLE tasks (
    id uuid PRIMARY KEY,
    customer_id uuid NOT NULL,
    assignee_id uuid NOT NULL,
    title text NOT NULL,
    due_on date NOT NULL,
    contact_id uuid,
    invoice_id uuid,
    completed_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tasks_open_by_customer ON tasks (customer_id, due_on) WHERE completed_at IS NULL;
