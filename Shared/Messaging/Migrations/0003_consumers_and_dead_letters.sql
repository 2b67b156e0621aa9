-- How far each consumer has told this publisher it applied (`events.ack`): the outbox
-- keeps an event until every known consumer is past it (or it reaches the hard maximum
-- age, AR_OUTBOX_MAX_AGE_DAYS).
CREATE TABLE consumer_position (
    consumer text PRIMARY KEY,
    acked_seq bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- A subscription's trouble, for health: `stuck` on an event that keeps failing (which,
-- why, how often) or `failed` when events it had not applied were purged.
ALTER TABLE consumer_offset
    ADD COLUMN state text NOT NULL DEFAULT 'ok' CHECK (state IN ('ok', 'stuck', 'failed')),
    ADD COLUMN failing_seq bigint,
    ADD COLUMN failing_type text,
    ADD COLUMN last_error text,
    ADD COLUMN attempts integer NOT NULL DEFAULT 0;

-- Events a subscription gave up on after repeated failures (only subscriptions whose
-- policy allows it: never money), kept for inspection and retry.
CREATE TABLE dead_letter (
    id bigserial PRIMARY KEY,
    publisher text NOT NULL,
    seq bigint NOT NULL,
    type text NOT NULL,
    envelope text NOT NULL,
    body text NOT NULL,
    error text NOT NULL,
    attempts integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (publisher, seq)
);
