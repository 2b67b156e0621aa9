import Contracts
import Foundation
import Postgres
import PostgresContracts

/// Notes and tasks in the `history` schema, on the caller's connection.
struct TaskStore {
    let connection: PostgresConnection

    // MARK: Notes

    func insert(_ note: NoteRecord) throws {
        try connection.execute("""
            INSERT INTO notes (id, customer_id, body, contact_id, invoice_id, author, author_user_id, created_at, updated_at)
            VALUES (\(note.id), \(note.customerId), \(note.body), \(note.contactId), \(note.invoiceId),
                    \(try note.author.map(PostgresJSON.init)), \(note.author?.userId), \(note.createdAt), \(note.updatedAt))
            """)
    }

    /// The note, its row held until the transaction ends with `lock`.
    func note(_ id: NoteID, lock: Bool = false) throws -> NoteRecord? {
        try connection.query("""
            SELECT id, customer_id, body, contact_id, invoice_id, author, created_at, updated_at FROM notes WHERE id = \(id)
            \(sql: lock ? "FOR UPDATE" : "")
            """).first.map { row in
            let (id, customer, body, contact, invoice, author, created, updated) =
                try row.decode((NoteID, CustomerID, String, ContactID?, InvoiceID?, PostgresJSON<Actor>?, Date, Date).self)
            return NoteRecord(id: id, customerId: customer, body: body, contactId: contact, invoiceId: invoice, author: author?.value,
                              createdAt: created, updatedAt: updated)
        }
    }

    func setBody(_ id: NoteID, _ body: String) throws {
        try connection.execute("UPDATE notes SET body = \(body), updated_at = clock_timestamp() WHERE id = \(id)")
    }

    /// The database's clock (one clock for every "15 minutes").
    func now() throws -> Date { try connection.query("SELECT clock_timestamp()").single(Date.self) }

    // MARK: Tasks

    /// Keeps who the customer's AR specialist is (customer-service's events), for whose tasks
    /// a specialist limited to their own customers may see.
    func keepSpecialist(of customer: CustomerID, _ specialist: UserID?) throws {
        try connection.execute("""
            INSERT INTO customer_specialists (customer_id, specialist_id) VALUES (\(customer), \(specialist))
            ON CONFLICT (customer_id) DO UPDATE SET specialist_id = excluded.specialist_id, updated_at = now()
            """)
    }

    /// Creates a task; with `source`, once per source (a replayed event makes no second one).
    @discardableResult
    func insert(_ task: TaskRecord, source: MessageID? = nil) throws -> Bool {
        try connection.execute("""
            INSERT INTO tasks (id, customer_id, assignee_id, title, due_on, contact_id, invoice_id, promise_id, source_event_id,
                               created_by, created_at)
            VALUES (\(task.id), \(task.customerId), \(task.assigneeId), \(task.title), \(task.dueOn), \(task.contactId),
                    \(task.invoiceId), \(task.promiseId), \(source), \(try task.createdBy.map(PostgresJSON.init)), \(task.createdAt))
            ON CONFLICT (source_event_id) DO NOTHING
            """) == 1
    }

    private static let taskColumns: StaticString = """
        id, customer_id, assignee_id, title, due_on, contact_id, invoice_id, promise_id, created_by, created_at, completed_at, completed_by
        """

    func task(_ id: TaskID, lock: Bool = false) throws -> TaskRecord? {
        try connection.query("""
            SELECT \(sql: Self.taskColumns) FROM tasks WHERE id = \(id) \(sql: lock ? "FOR UPDATE" : "")
            """).first.map(Self.task)
    }

    /// Completes (`by` set) or reopens (nil) the task.
    func setCompleted(_ id: TaskID, by actor: Actor?) throws {
        if let actor {
            try connection.execute("""
                UPDATE tasks SET completed_at = clock_timestamp(), completed_by = \(try PostgresJSON(actor)) WHERE id = \(id)
                """)
        } else {
            try connection.execute("UPDATE tasks SET completed_at = NULL, completed_by = NULL WHERE id = \(id)")
        }
    }

    /// A page of tasks, the soonest (most overdue) due first.
    func page(_ request: ListTasks) throws -> TaskPage {
        let paging = try KeysetPage(limit: request.limit, cursor: request.cursor, order: "due")
        let state = request.state?.rawValue
        let afterDue = paging.after?.key.flatMap(BusinessDate.init)
        let where_: PostgresQuery = """
            (\(request.assigneeId)::uuid IS NULL OR assignee_id = \(request.assigneeId))
            AND (\(request.customerId)::uuid IS NULL OR customer_id = \(request.customerId))
            AND (\(state)::text IS NULL OR (\(state) = 'open') = (completed_at IS NULL))
            AND (\(request.visibleTo)::uuid IS NULL OR customer_id IN (
                SELECT customer_id FROM customer_specialists WHERE specialist_id = \(request.visibleTo)))
            """
        let rows = try connection.query("""
            SELECT \(sql: Self.taskColumns) FROM tasks WHERE \(where_)
              AND (\(afterDue)::date IS NULL OR (due_on, id) > (\(afterDue), \(paging.after?.id)))
            ORDER BY due_on, id LIMIT \(paging.fetchLimit)
            """).map(Self.task)
        let total = try connection.query("SELECT count(*) FROM tasks WHERE \(where_)").single(Int.self)
        let (items, next) = paging.page(rows) {
            PageCursor(createdAt: $0.createdAt, id: $0.id.uuid, order: "due", key: $0.dueOn.description)
        }
        return TaskPage(items: items, nextCursor: next, total: total)
    }

    /// The customer's open tasks, soonest due first (the details view's).
    func open(of customer: CustomerID) throws -> [TaskSummary] {
        try connection.query("""
            SELECT id, assignee_id, title, due_on, contact_id, invoice_id FROM tasks
            WHERE customer_id = \(customer) AND completed_at IS NULL ORDER BY due_on, created_at LIMIT 100
            """).map { row in
            let (id, assignee, title, due, contact, invoice) =
                try row.decode((TaskID, UserID?, String, BusinessDate, ContactID?, InvoiceID?).self)
            return TaskSummary(id: id, assigneeId: assignee, title: title, dueOn: due, contactId: contact, invoiceId: invoice)
        }
    }

    private static func task(_ row: PostgresRow) throws -> TaskRecord {
        let (id, customer, assignee, title, due, contact, invoice, promise) =
            try row.decode((TaskID, CustomerID, UserID?, String, BusinessDate, ContactID?, InvoiceID?, PromiseID?).self)
        let createdBy = try row.decode(PostgresJSON<Actor>?.self, at: 8)
        let createdAt = try row.decode(Date.self, at: 9)
        let completedAt = try row.decode(Date?.self, at: 10)
        let completedBy = try row.decode(PostgresJSON<Actor>?.self, at: 11)
        return TaskRecord(id: id, customerId: customer, assigneeId: assignee, title: title, dueOn: due, contactId: contact,
                          invoiceId: invoice, promiseId: promise, state: completedAt == nil ? .open : .completed,
                          createdBy: createdBy?.value, createdAt: createdAt, completedAt: completedAt, completedBy: completedBy?.value)
    }
}
