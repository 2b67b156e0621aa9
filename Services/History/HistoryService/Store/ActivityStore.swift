import Contracts
import Foundation
import Postgres

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
        let limit = min(max(request.limit, 1), 500)
        var after: PageCursor?
        if let cursor = request.cursor {
            guard let decoded = PageCursor.decode(cursor) else {
                throw ErrorBody.invalidArgument("cursor is not one this API returned", field: "cursor")
            }
            after = decoded
        }
        let category = request.category == "all" ? nil : request.category
        let rows = try connection.query("""
            SELECT id, customer_id, category, type, summary, occurred_at, actor FROM activities
            WHERE customer_id = \(request.customerId)
              AND (\(category)::text IS NULL OR category = \(category))
              AND (\(after?.createdAt)::timestamptz IS NULL OR (occurred_at, id) < (\(after?.createdAt), \(after?.id)))
            ORDER BY occurred_at DESC, id DESC
            LIMIT \(limit + 1)
            """)
        var items = try rows.map { row in
            let (id, customer, category, type, summary, occurredAt, actor) =
                try row.decode((ActivityID, CustomerID, String, String, String, Date, PostgresJSON<Actor>?).self)
            return Activity(id: id, customerId: customer, category: category, type: type, summary: summary,
                            occurredAt: occurredAt, actor: actor?.value)
        }
        var next: String?
        if items.count > limit {
            items.removeLast()
            if let last = items.last { next = PageCursor(createdAt: last.occurredAt, id: last.id.uuid).encoded }
        }
        return ActivityPage(items: items, nextCursor: next)
    }
}

extension ActivityStore {
    /// The customer's open tasks, soonest due first.
    func openTasks(of customer: CustomerID) throws -> [TaskSummary] {
        try connection.query("""
            SELECT id, assignee_id, title, due_on, contact_id, invoice_id FROM tasks
            WHERE customer_id = \(customer) AND completed_at IS NULL ORDER BY due_on, created_at
            """).map { row in
            let (id, assignee, title, due, contact, invoice) =
                try row.decode((TaskID, UserID, String, BusinessDate, ContactID?, InvoiceID?).self)
            return TaskSummary(id: id, assigneeId: assignee, title: title, dueOn: due, contactId: contact, invoiceId: invoice)
        }
    }
}
