-- Collection statuses: a disputed flag (workflows stop on it), names unique whatever their
-- case, positions kept contiguous by the service. The default for new invoices is the one
-- row marked is_default (business settings no longer carry a default of their own).
ALTER TABLE collection_statuses
    ADD COLUMN disputed boolean NOT NULL DEFAULT false,
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT collection_statuses_name_present CHECK (length(btrim(name)) > 0),
    ADD CONSTRAINT collection_statuses_position_valid CHECK (position >= 0);
CREATE UNIQUE INDEX collection_statuses_name_any_case ON collection_statuses (lower(name));
CREATE INDEX invoices_by_collection_status ON invoices (collection_status_id) WHERE collection_status_id IS NOT NULL;
