-- Contacts get first and last name separately (templates greet by first name), a call
-- opt-out beside the email and SMS ones, and a record of when they were merged.
-- Today's single `name` is split at its first space: "Pat van Payer" → "Pat" + "van Payer".
DROP INDEX contacts_by_customer;
ALTER TABLE contacts ADD COLUMN first_name text, ADD COLUMN last_name text;
UPDATE contacts SET
    first_name = split_part(btrim(name), ' ', 1),
    last_name = NULLIF(btrim(substr(btrim(name), length(split_part(btrim(name), ' ', 1)) + 1)), '');
ALTER TABLE contacts
    ALTER COLUMN first_name SET NOT NULL,
    ADD CONSTRAINT contacts_first_name_present CHECK (length(btrim(first_name)) > 0),
    DROP COLUMN name,
    ADD COLUMN call_opt_out boolean NOT NULL DEFAULT false,
    ADD COLUMN merged_at timestamptz,
    ADD CONSTRAINT contacts_merged_together CHECK ((merged_into IS NULL) = (merged_at IS NULL)),
    ADD CONSTRAINT contacts_not_merged_into_self CHECK (merged_into <> id);
CREATE INDEX contacts_by_customer ON contacts (customer_id, first_name, last_name);
