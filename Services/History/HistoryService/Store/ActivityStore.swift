import Contracts
import Foundation
import Postgres
import PostgresContracts

/// The timeline in the `history` schema, on the caller's connection.
struct ActivityStore {
    let connection: PostgresConnection

    /// Records an activity once per source event.
    func record(_ activity: Activity, from envelope: Envelope) throws {
        try connection.execute("""
            INSERT INTO activities (id, customer_id, category, type, summary, occurred_at, actor, source_publisher, source_event_id)
            VALUES (\(activity.id), \(activity.customerId), \(activity.category), \(activity.type), \(activity.summary),
                    \(activity.occurredAt), \(try activity.actor.map(PostgresJSON.init)), \(envelope.publisher ?? "unknown"),
                    \(envelope.id))
            ON CONFLICT (source_event_id) DO NOTHING
            """)
    }

    func list(_ request: ListActivities) throws -> ActivityPage {
        let paging = try KeysetPage(limit: request.limit, cursor: request.cursor)
        let after = paging.after
        let category = request.category == "all" ? nil : request.category
        let rows = try connection.query("""
            SELECT id, customer_id, category, type, summary, occurred_at, actor FROM activities
            WHERE customer_id = \(request.customerId)
              AND (\(category)::text IS NULL OR category = \(category))
              AND (\(after?.createdAt)::timestamptz IS NULL OR (occurred_at, id) < (\(after?.createdAt), \(after?.id)))
            ORDER BY occurred_at DESC, id DESC
            LIMIT \(paging.fetchLimit)
            """)
        let items = try rows.map { row in
            let (id, customer, category, type, summary, occurredAt, actor) =
                try row.decode((ActivityID, CustomerID, String, String, String, Date, PostgresJSON<Actor>?).self)
            return Activity(id: id, customerId: customer, category: category, type: type, summary: summary,
                            occurredAt: occurredAt, actor: actor?.value)
        }
        let page = paging.page(items) { PageCursor(createdAt: $0.occurredAt, id: $0.id.uuid) }
        return ActivityPage(items: page.items, nextCursor: page.nextCursor)
    }
}

extension ActivityStore {
    /// Creates a task once per source event (a replayed event makes no second one).
    func createTask(_ task: TaskSummary, customer: CustomerID, promise: PromiseID? = nil, from envelope: Envelope) throws {
        try connection.execute("""
            INSERT INTO tasks (id, customer_id, assignee_id, title, due_on, contact_id, invoice_id, promise_id, source_event_id)
            VALUES (\(task.id), \(customer), \(task.assigneeId), \(task.title), \(task.dueOn), \(task.contactId), \(task.invoiceId),
                    \(promise), \(envelope.id))
            ON CONFLICT (source_event_id) DO NOTHING
            """)
    }

    /// The customer's open tasks, soonest due first.
    func openTasks(of customer: CustomerID) throws -> [TaskSummary] {
        try connection.query("""
            SELECT id, assignee_id, title, due_on, contact_id, invoice_id FROM tasks
            WHERE customer_id = \(customer) AND completed_at IS NULL ORDER BY due_on, created_at
            """).map { row in
            let (id, assignee, title, due, contact, invoice) =
                try row.decode((TaskID, UserID?, String, BusinessDate, ContactID?, InvoiceID?).self)
            return TaskSummary(id: id, assigneeId: assignee, title: title, dueOn: due, contactId: contact, invoiceId: invoice)
        }
    }
}
