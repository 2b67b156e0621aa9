-- The statements the Customer Details view's services ran for one request, as
-- PostgreSQL logged them (captured by `make bench`; do not edit): one block per
-- service session, each under its service's search_path. :customer_id is the heavy customer.

SET search_path = customer;
SELECT id, display_name, company, customer_number, email, phone, mobile, website, name_on_checks,
	billing_address, shipping_address, shipping_same_as_billing, parent_customer_id, billed_with_parent,
	currency, payment_terms_days, notes, specialist_id, deactivated_at IS NOT NULL, created_at, updated_at FROM customers WHERE id = :customer_id;
SELECT CASE WHEN c.deactivated_at IS NOT NULL THEN 'inactive'
	     WHEN coalesce(b.open_cents, 0) > 0 THEN 'active'
	     WHEN coalesce(b.has_invoices, false) THEN 'no_balance'
	     ELSE 'new' END FROM customers c LEFT JOIN customer_balances b ON b.customer_id = c.id WHERE c.id = :customer_id;
SELECT id, customer_id, first_name, last_name, title, email, phone, mobile, role, email_opt_out, sms_opt_out,
	call_opt_out, is_active, created_at, updated_at FROM contacts WHERE customer_id = :customer_id AND merged_into IS NULL
	ORDER BY is_active DESC, role = 'primary' DESC, first_name, last_name NULLS FIRST, id;
SELECT id, customer_id, filename, content_type, size_bytes, sha256, uploaded_at, uploaded_by FROM documents
	WHERE customer_id = :customer_id AND deleted_at IS NULL ORDER BY uploaded_at DESC, id;
SELECT id, display_name, deactivated_at IS NOT NULL FROM customers
	WHERE parent_customer_id = :customer_id ORDER BY display_name, id LIMIT 500;

SET search_path = payments;
SELECT settings FROM business_settings;
SELECT id, customer_id, token_id, expires_on FROM payment_links WHERE customer_id = :customer_id AND revoked_at IS NULL;
SELECT card_allowed, ach_allowed, card_fee, ach_fee, autopay, true FROM customer_payment_settings
	WHERE customer_id = :customer_id
	UNION ALL
	SELECT card_allowed, ach_allowed, card_fee, ach_fee, autopay, false FROM default_payment_settings;
SELECT coalesce(sum(p.amount_cents
	           - coalesce((SELECT sum(a.amount_cents) FROM payment_applications a
	                       WHERE a.payment_id = p.id AND a.unapplied_at IS NULL), 0)
	           - coalesce((SELECT sum(r.amount_cents) FROM refunds r WHERE r.payment_id = p.id), 0)), 0)::int8
	FROM payments p
	WHERE p.customer_id = :customer_id;
SELECT p.id, p.customer_id, p.contact_id, array_to_string(p.invoice_ids, ','), to_jsonb(p.invoice_numbers), p.amount_cents, p.currency,
	p.promised_on, p.note, p.state, p.source, p.specialist_id, p.recorded_on, p.resolved_on, p.recorded_by, p.created_at,
	coalesce((SELECT sum(a.amount_cents) FROM payment_applications a
	          WHERE a.invoice_id = ANY(p.invoice_ids) AND a.unapplied_at IS NULL
	            AND a.created_at >= p.created_at AND a.applied_on <= p.promised_on), 0)::int8 FROM promises p WHERE p.customer_id = :customer_id AND p.state = 'open'
	ORDER BY p.promised_on, p.created_at LIMIT 200;

SET search_path = communications;
SELECT a.id, a.workflow_id, w.name, a.contact_id, a.invoice_id, a.state, a.next_step_on
	FROM workflow_assignments a JOIN workflows w ON w.id = a.workflow_id
	WHERE a.customer_id = :customer_id AND a.state <> 'finished'
	ORDER BY a.created_at;

SET search_path = invoice;
SELECT settings FROM business_settings;
SELECT i.id, i.number, i.issue_date, i.due_date, i.currency, i.total_cents, i.paid_cents, i.state,
	       i.collection_status_id, s.name, json_build_object(
	      'balance_cents', i.total_cents - i.paid_cents,
	      'collection_status', CASE WHEN s.id IS NULL THEN NULL ELSE json_build_object('id', s.id, 'name', s.name) END,
	      'currency', i.currency, 'due_date', i.due_date, 'id', i.id, 'issue_date', i.issue_date, 'number', i.number,
	      'paid_cents', i.paid_cents, 'state', i.state, 'total_cents', i.total_cents)::text
	FROM invoices i LEFT JOIN collection_statuses s ON s.id = i.collection_status_id
	WHERE i.customer_id = :customer_id AND i.state <> 'void'
	ORDER BY i.due_date, i.number;
SELECT id, name, position, manager_id, is_default, disputed, created_at FROM collection_statuses ORDER BY position, created_at, id;

SET search_path = history;
SELECT json_build_object(
	           'actor', actor, 'category', category, 'customer_id', customer_id, 'direction', direction, 'id', id,
	           -- Every link named, null when absent, as ActivityLinks writes them (older rows hold '{}').
	           'links', '{"contact_id": null, "invoice_id": null, "note_id": null, "payment_id": null,
	                      "promise_id": null, "task_id": null}'::jsonb || links,
	           'occurred_at', to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
	           'source_id', source_event_id, 'summary', summary, 'type', type)::text,
	       occurred_at, id
	FROM activities WHERE customer_id = :customer_id
	ORDER BY occurred_at DESC, id DESC
	LIMIT '21';
SELECT id, assignee_id, title, due_on, contact_id, invoice_id FROM tasks
	WHERE customer_id = :customer_id AND completed_at IS NULL ORDER BY due_on, created_at LIMIT 100;
