-- customer-service's copy of the users, kept from the gateway's `user.upserted` events:
-- who may be assigned as AR specialist, who the business default is (the one user
-- marked `is_default_specialist` — the single source of that default), and their names
-- for the page and the details view.
CREATE TABLE users (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    email text NOT NULL,
    role text NOT NULL,
    manage_all_customers boolean NOT NULL,
    is_default_specialist boolean NOT NULL,
    active boolean NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_one_default_specialist ON users (is_default_specialist) WHERE is_default_specialist;

-- A specialist's customers, newest first (the scoped list, and bulk reassignment).
CREATE INDEX customers_by_specialist ON customers (specialist_id, created_at DESC, id DESC);
