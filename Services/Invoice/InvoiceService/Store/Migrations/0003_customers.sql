-- invoice-service's copy of what it needs of each customer (from customer-service's
-- `customer.created` and `customer.updated`): its currency, and its payment terms, which
-- give an invoice its due date when none is given.
CREATE TABLE customers (
    id uuid PRIMARY KEY,
    display_name text NOT NULL,
    currency char(3) NOT NULL,
    payment_terms_days integer NOT NULL,
    is_deactivated boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now()
);
