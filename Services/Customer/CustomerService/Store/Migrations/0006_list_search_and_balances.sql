-- What invoice-service tells of each customer's invoices (`invoice.balance_changed`): the
-- list's status (active = an open balance), its balances, its collection-status filter and
-- its sort by balance. No foreign key: the projection must never refuse an event.
CREATE TABLE customer_balances (
    customer_id uuid PRIMARY KEY,
    currency char(3) NOT NULL,
    open_cents bigint NOT NULL,
    overdue_cents bigint NOT NULL,
    open_invoices integer NOT NULL,
    has_invoices boolean NOT NULL,
    collection_status_ids uuid[] NOT NULL DEFAULT '{}',
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_balances_by_collection_status ON customer_balances USING gin (collection_status_ids);

-- Search with `ILIKE '%…%'` through trigram indexes (pg_trgm lives in schema `extensions`,
-- created by scripts/provision-database.sh: service roles cannot create extensions). The
-- expressions are exactly the ones CustomerStore.list searches; the unit separator keeps a
-- search from matching across two fields.
CREATE INDEX customers_search ON customers USING gin ((
    display_name || E'\x1f' || coalesce(company, '') || E'\x1f' || coalesce(customer_number, '') || E'\x1f'
    || coalesce(email, '') || E'\x1f' || coalesce(phone, '') || E'\x1f' || coalesce(mobile, '')) extensions.gin_trgm_ops);
CREATE INDEX contacts_search ON contacts USING gin ((first_name || ' ' || coalesce(last_name, '')) extensions.gin_trgm_ops)
    WHERE merged_into IS NULL;

-- The list's other orders: by name (case-insensitive) and id.
CREATE INDEX customers_by_name ON customers (lower(display_name), id);
