-- Who each customer's AR specialist is (customer.created, customer.specialist_assigned), so
-- a specialist who sees only their own customers sees only the tasks on them.
CREATE TABLE customer_specialists (
    customer_id uuid PRIMARY KEY,
    specialist_id uuid,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_specialists_by_specialist ON customer_specialists (specialist_id);
-- Filled from the events from now on: a customer whose creation and last assignment came
-- before this table shows its tasks to a limited specialist once it is assigned again
-- (closed, never open, until then).
