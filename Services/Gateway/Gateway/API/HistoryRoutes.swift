import Contracts
import Foundation
import Hummingbird
import Messaging

/// `GET /customers/{id}/history?type=`, `GET /customers/{id}/history/export.csv`,
/// `POST /customers/{id}/notes`, `GET|PATCH /notes/{id}`, `POST /customers/{id}/tasks`,
/// `POST /tasks/{id}/complete|reopen`, `GET /tasks?assignee_id=me&state=open`. A specialist
/// who may not see all customers reaches only their own customers' timelines and tasks.
struct HistoryRoutes {
    let clients: any GatewayServices

    /// The most activities one export holds (a customer's whole timeline, by far).
    static let maximumExportRows = 200_000

    private struct NoteBody: Decodable {
        var body: String
        var contactId: ContactID?
        var invoiceId: InvoiceID?
    }

    private struct NoteChange: Decodable { var body: String }

    private struct TaskBody: Decodable {
        var assigneeId: UserID
        var title: String
        var dueOn: BusinessDate
        var contactId: ContactID?
        var invoiceId: InvoiceID?
    }

    func register(in routes: Routes) {
        let readers = routes.group(.readCustomers)
        let editors = routes.group(.editCustomers)
        let scope = CustomerScope.Visibility(clients: clients)
        readers.get("/api/v1/customers/:id/history") { request, context in
            let customer = try await scope.customer(try context.parameters.id("id", of: "customer", as: CustomerID.self),
                                                    for: try context.requirePrincipal())
            let query = QueryReader(request.uri.queryParameters)
            let tab = try query.value("type", HistoryTab.init(rawValue:), "all, call, email, sms, note, task or payment") ?? .all
            let page = try await clients[.history].query(HistoryMessages.list, ListActivities(
                customerId: customer.id, tab: tab, limit: try query.limit(), cursor: request.uri.queryParameters.get("cursor")))
            return try JSONResponse.make(ListResponse(items: page.items, nextCursor: page.nextCursor, total: nil))
        }
        readers.get("/api/v1/customers/:id/history/export.csv") { _, context in
            let customer = try await scope.customer(try context.parameters.id("id", of: "customer", as: CustomerID.self),
                                                    for: try context.requirePrincipal())
            return try await export(customer)
        }
        editors.post("/api/v1/customers/:id/notes") { request, context in
            let principal = try context.requirePrincipal()
            let customer = try await scope.customer(try context.parameters.id("id", of: "customer", as: CustomerID.self), for: principal)
            let body = try await request.decodeJSON(NoteBody.self)
            try await scope.requireContact(body.contactId, of: customer.id, for: principal)
            try await requireInvoice(body.invoiceId, of: customer.id)
            return try JSONResponse.make(try await clients[.history].command(
                HistoryMessages.addNote, AddNote(customerId: customer.id, body: body.body, contactId: body.contactId,
                                                 invoiceId: body.invoiceId),
                actor: principal.actor, idempotencyKey: try request.idempotencyKey()), status: .created)
        }
        readers.get("/api/v1/notes/:id") { _, context in
            try JSONResponse.make(try await visibleNote(context, scope))
        }
        editors.patch("/api/v1/notes/:id") { request, context in
            let principal = try context.requirePrincipal()
            let note = try await visibleNote(context, scope)
            let change = try await request.decodeJSON(NoteChange.self)
            // Only its author may change it, for 15 minutes (history-service checks both).
            return try JSONResponse.make(try await clients[.history].command(
                HistoryMessages.editNote, EditNote(id: note.id, body: change.body), actor: principal.actor,
                idempotencyKey: try request.idempotencyKey()))
        }
        editors.post("/api/v1/customers/:id/tasks") { request, context in
            let principal = try context.requirePrincipal()
            let customer = try await scope.customer(try context.parameters.id("id", of: "customer", as: CustomerID.self), for: principal)
            let body = try await request.decodeJSON(TaskBody.self)
            try await requireAssignee(body.assigneeId)
            try await scope.requireContact(body.contactId, of: customer.id, for: principal)
            try await requireInvoice(body.invoiceId, of: customer.id)
            return try JSONResponse.make(try await clients[.history].command(
                HistoryMessages.createTask, CreateTask(customerId: customer.id, assigneeId: body.assigneeId, title: body.title,
                                                       dueOn: body.dueOn, contactId: body.contactId, invoiceId: body.invoiceId),
                actor: principal.actor, idempotencyKey: try request.idempotencyKey()), status: .created)
        }
        editors.post("/api/v1/tasks/:id/complete") { request, context in
            try await move(HistoryMessages.completeTask, request, context, scope)
        }
        editors.post("/api/v1/tasks/:id/reopen") { request, context in
            try await move(HistoryMessages.reopenTask, request, context, scope)
        }
        readers.get("/api/v1/tasks") { request, context in
            let principal = try context.requirePrincipal()
            let query = QueryReader(request.uri.queryParameters)
            let named = request.uri.queryParameters.get("assignee_id")
            var assignee: UserID?
            if named == "me" {
                guard let me = principal.user?.id else {
                    throw ErrorBody.unprocessable("assignee_id=me is for people signed in, not API tokens", field: "assignee_id")
                }
                assignee = me
            } else {
                assignee = try query.value("assignee_id", UserID.init, "me or a user id")
            }
            // A specialist who sees only their own customers sees only their own tasks, on those customers.
            let visibleTo = CustomerScope.assignedOnly(principal)
            if let mine = visibleTo {
                guard assignee == nil || assignee == mine else {
                    throw ErrorBody(.permissionDenied, "a specialist who sees only their own customers sees only their own tasks")
                }
                assignee = mine
            }
            let state = try query.value("state", TaskState.init(rawValue:), "open or completed")
            let page = try await clients[.history].query(HistoryMessages.listTasks, ListTasks(
                assigneeId: assignee, state: state, visibleTo: visibleTo, limit: try query.limit(),
                cursor: request.uri.queryParameters.get("cursor")))
            return try JSONResponse.make(ListResponse(items: page.items, nextCursor: page.nextCursor, total: page.total))
        }
    }

    /// Completes or reopens the task of the path, when the principal may see its customer.
    private func move(_ command: Command<TaskAction, TaskRecord>, _ request: Request, _ context: GatewayRequestContext,
                      _ scope: CustomerScope.Visibility) async throws -> Response {
        let principal = try context.requirePrincipal()
        let task = try await visibleTask(context, scope)
        return try JSONResponse.make(try await clients[.history].command(
            command, TaskAction(id: task.id), actor: principal.actor, idempotencyKey: try request.idempotencyKey()))
    }

    /// The note of the path, when the principal may see its customer.
    private func visibleNote(_ context: GatewayRequestContext, _ scope: CustomerScope.Visibility) async throws -> NoteRecord {
        let id = try context.parameters.id("id", of: "note", as: NoteID.self)
        let note = try await clients[.history].query(HistoryMessages.getNote, GetNote(id: id))
        try await scope.require(note.customerId, for: try context.requirePrincipal(), otherwise: .notFound("note \(id) does not exist"))
        return note
    }

    /// The task of the path, when the principal may see its customer.
    private func visibleTask(_ context: GatewayRequestContext, _ scope: CustomerScope.Visibility) async throws -> TaskRecord {
        let id = try context.parameters.id("id", of: "task", as: TaskID.self)
        let task = try await clients[.history].query(HistoryMessages.getTask, TaskAction(id: id))
        try await scope.require(task.customerId, for: try context.requirePrincipal(), otherwise: .notFound("task \(id) does not exist"))
        return task
    }

    /// An invoice a note or task names must be the customer's own.
    private func requireInvoice(_ id: InvoiceID?, of customer: CustomerID) async throws {
        guard let id else { return }
        let refusal = ErrorBody.unprocessable("invoice_id is not an invoice of this customer", field: "invoice_id")
        do {
            guard try await clients[.invoice].query(InvoiceMessages.get, GetInvoice(id: id)).customerId == customer else { throw refusal }
        } catch let error as ErrorBody where error.code == .notFound {
            throw refusal
        }
    }

    /// A task goes to someone who can act on it: an active user who is not a viewer (the
    /// same people who may be AR specialists).
    private func requireAssignee(_ id: UserID) async throws {
        let candidates = try await clients[.customer].query(SpecialistMessages.candidates, Empty()).items
        guard candidates.contains(where: { $0.id == id }) else {
            throw ErrorBody.unprocessable("assignee_id is not an active user who may act on customers", field: "assignee_id")
        }
    }

    static let exportHeader = ["When", "Category", "Type", "Direction", "Who", "What", "Invoice", "Contact", "Payment"]
    /// How long one export may take; what is left after it is said so in the file's last line.
    static let exportSeconds = 120.0

    /// The whole timeline, newest first, as CSV, streamed a page (500 activities) at a time:
    /// the first page is read before answering (a customer out of scope or a service down is
    /// its status), and a file cut short says so in its last line.
    private func export(_ customer: CustomerRecord) async throws -> Response {
        let clients = self.clients
        let first = try await clients[.history].query(HistoryMessages.list, ListActivities(
            customerId: customer.id, limit: KeysetPage.maximumLimit), timeout: .seconds(10))
        let day = String(RFC3339.string(from: Date()).prefix(10))
        let body = ResponseBody { writer in
            let deadline = Date().addingTimeInterval(Self.exportSeconds)
            try await writer.write(ByteBuffer(string: CSV.byteOrderMark + CSV.line(Self.exportHeader.map(CSV.Cell.value))))
            var page = first
            var rows = 0
            while true {
                try await writer.write(ByteBuffer(string: page.items.map(Self.line).joined()))
                rows += page.items.count
                guard let cursor = page.nextCursor else { break }
                guard rows < Self.maximumExportRows, Date() < deadline else {
                    try await writer.write(ByteBuffer(string: CSV.line([.value("# cut short after \(rows) activities; export a later day again")])))
                    break
                }
                do {
                    page = try await clients[.history].query(HistoryMessages.list, ListActivities(
                        customerId: customer.id, limit: KeysetPage.maximumLimit, cursor: cursor), timeout: .seconds(10))
                } catch {
                    try await writer.write(ByteBuffer(string: CSV.line([.value("# cut short after \(rows) activities: \(error)")])))
                    break
                }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                               .contentDisposition: "attachment; filename=\"history-\(day).csv\""], body: body)
    }

    private static func line(_ activity: Activity) -> String {
        CSV.line([
            .value(RFC3339.string(from: activity.occurredAt)), .value(activity.category), .value(activity.type),
            .value(activity.direction?.rawValue ?? ""), .text(activity.actor?.name), .text(activity.summary),
            .value(activity.links.invoiceId?.description ?? ""), .value(activity.links.contactId?.description ?? ""),
            .value(activity.links.paymentId?.description ?? ""),
        ])
    }
}
