-- Sub-customers are listed on their parent's page: find them by parent.
CREATE INDEX customers_by_parent ON customers (parent_customer_id) WHERE parent_customer_id IS NOT NULL;
