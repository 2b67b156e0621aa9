-- Tasks other services' events ask for (a broken promise to pay, issue 12): a task may
-- have nobody to assign it to yet (a customer without an AR specialist), and one event
-- makes at most one task however often it arrives.
ALTER TABLE tasks ALTER COLUMN assignee_id DROP NOT NULL;
ALTER TABLE tasks
    ADD COLUMN source_event_id uuid UNIQUE,
    ADD COLUMN promise_id uuid,
    ADD CONSTRAINT tasks_title_present CHECK (length(btrim(title)) > 0);
