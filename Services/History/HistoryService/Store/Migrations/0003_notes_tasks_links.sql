-- The complete timeline (issue 13): notes, tasks people assign, what each activity links
-- to, events stored as they came when nothing maps them, and the users' names.

CREATE TABLE notes (
    id uuid PRIMARY KEY,
    customer_id uuid NOT NULL,
    body text NOT NULL CHECK (length(btrim(body)) > 0),
    contact_id uuid,
    invoice_id uuid,
    author jsonb,
    author_user_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notes_by_customer ON notes (customer_id, created_at DESC);

ALTER TABLE tasks
    ADD COLUMN created_by jsonb,
    ADD COLUMN completed_by jsonb;
-- A user's open tasks, most overdue first; and all of them.
CREATE INDEX tasks_open_by_assignee ON tasks (assignee_id, due_on, id) WHERE completed_at IS NULL;
CREATE INDEX tasks_by_assignee ON tasks (assignee_id, due_on, id);

ALTER TABLE activities
    ADD COLUMN direction text CHECK (direction IN ('inbound', 'outbound')),
    ADD COLUMN links jsonb NOT NULL DEFAULT '{}',
    -- An event no mapping knows, kept whole (never dropped).
    ADD COLUMN body jsonb;
-- One tab of a customer's timeline, newest first, as fast as the whole.
CREATE INDEX activities_timeline_by_category ON activities (customer_id, category, occurred_at DESC, id DESC);

-- An event about no customer that no mapping knows: kept, never dropped.
CREATE TABLE unmapped_events (
    source_event_id uuid PRIMARY KEY,
    source_publisher text NOT NULL,
    type text NOT NULL,
    body jsonb NOT NULL,
    occurred_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The users' names (from the gateway's `user.upserted`), for sentences about tasks.
CREATE TABLE users (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
