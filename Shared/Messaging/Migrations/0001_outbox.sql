-- The transactional outbox: events are written here in the same transaction as the
-- change they report. `seq` is assigned later by the relay, in commit order, so it is
-- gap-free for subscribers even when transactions commit out of start order.
CREATE TABLE outbox (
    id bigserial PRIMARY KEY,
    event_id uuid NOT NULL UNIQUE,
    type text NOT NULL,
    envelope text NOT NULL,
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    seq bigint UNIQUE,
    sequenced_at timestamptz
);
CREATE INDEX outbox_unsequenced ON outbox (id) WHERE seq IS NULL;
CREATE INDEX outbox_retention ON outbox (sequenced_at) WHERE seq IS NOT NULL;

-- The last sequence number assigned; one row. Locked by the relay while it assigns.
CREATE TABLE outbox_sequence (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    last_seq bigint NOT NULL
);
INSERT INTO outbox_sequence (last_seq) VALUES (0);

-- How far this service has applied each publisher's events. Advanced in the same
-- transaction as the effects of the events, so each event is applied exactly once.
CREATE TABLE consumer_offset (
    publisher text PRIMARY KEY,
    last_seq bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Replies of commands already executed, by idempotency key, written in the same
-- transaction as the command's change: a retry gets the first reply and changes nothing.
CREATE TABLE idempotency (
    key text PRIMARY KEY,
    type text NOT NULL,
    request_hash text NOT NULL,
    reply_status text NOT NULL,
    reply_body bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
