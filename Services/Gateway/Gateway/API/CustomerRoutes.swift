import Contracts
import HTTPTypes
import Hummingbird
import Messaging

/// `POST /customers`, `GET /customers`, `GET|PATCH /customers/{id}`,
/// `POST /customers/{id}/deactivate`, `POST /customers/{id}/reactivate`.
struct CustomerRoutes {
    let clients: any GatewayServices

    func register(in routes: Routes) {
        let editors = routes.group(.editCustomers)
        let readers = routes.group(.readCustomers)
        editors.post("/api/v1/customers") { request, context in
            let fields = try await request.decodeJSON(CustomerFields.self)
            let principal = try context.requirePrincipal()
            // A specialist who sees only their own customers keeps what they create.
            let customer = try await clients[.customer].command(
                CustomerMessages.create, CreateCustomer(customer: fields, specialistId: CustomerScope.assignedOnly(principal)), actor: principal.actor, idempotencyKey: try request.idempotencyKey())
            return try JSONResponse.make(CustomerView(customer), status: .created)
        }
        readers.get("/api/v1/customers") { request, context in
            let list = try ListCustomers(request.uri.queryParameters, principal: try context.requirePrincipal())
            let page = try await clients[.customer].query(CustomerMessages.list, list)
            return try JSONResponse.make(ListResponse(items: page.items, nextCursor: page.nextCursor, total: page.total))
        }
        readers.get("/api/v1/customers/export.csv") { request, context in
            var list = try ListCustomers(request.uri.queryParameters, principal: try context.requirePrincipal())
            return try await CustomerExport(clients: clients).csv(&list)
        }
        readers.get("/api/v1/customers/:id") { request, context in
            let id = try context.parameters.id("id", of: "customer", as: CustomerID.self)
            let customer = try await clients[.customer].query(
                CustomerMessages.get, GetCustomer(id: id, assignedTo: CustomerScope.assignedOnly(try context.requirePrincipal())))
            return try JSONResponse.make(CustomerView(customer))
        }
        editors.patch("/api/v1/customers/:id") { request, context in
            let id = try context.parameters.id("id", of: "customer", as: CustomerID.self)
            let changes = try await request.decodeJSON([String: JSONValue].self)
            let principal = try context.requirePrincipal()
            let customer = try await clients[.customer].command(
                CustomerMessages.update, UpdateCustomer(id: id, changes: changes, assignedTo: CustomerScope.assignedOnly(principal)),
                actor: principal.actor, idempotencyKey: try request.idempotencyKey())
            return try JSONResponse.make(CustomerView(customer))
        }
        editors.post("/api/v1/customers/:id/deactivate") { _, context in
            try await setState(CustomerMessages.deactivate, context)
        }
        editors.post("/api/v1/customers/:id/reactivate") { _, context in
            try await setState(CustomerMessages.reactivate, context)
        }
    }

    /// Deactivates or reactivates the customer of the path (a specialist: only their own).
    private func setState(_ command: Command<GetCustomer, CustomerRecord>, _ context: GatewayRequestContext) async throws -> Response {
        let id = try context.parameters.id("id", of: "customer", as: CustomerID.self)
        let principal = try context.requirePrincipal()
        let customer = try await clients[.customer].command(
            command, GetCustomer(id: id, assignedTo: CustomerScope.assignedOnly(principal)), actor: principal.actor)
        return try JSONResponse.make(CustomerView(customer))
    }
}

extension ListCustomers {
    /// `?q=&status=&specialist_id=&collection_status_id=&sort=&limit=&cursor=`, within the
    /// principal's scope (a specialist who may not see all sees only their own).
    init(_ parameters: Hummingbird.Parameters, principal: Principal) throws {
        try self.init(parameter: { parameters.get($0) }, principal: principal)
    }

    /// The same, from any lookup of the query's parameters (the page leaves out empty ones).
    init(parameter: @escaping (String) -> String?, principal: Principal) throws {
        let query = QueryReader(parameter: parameter)
        let status = parameter("status") == "all" ? nil
            : try query.value("status", CustomerStatus.init(rawValue:), "active, no_balance, new, inactive or all")
        let text = parameter("q")
        try TextLimit.check(text, TextLimit.name, field: "q")
        self.init(query: text, status: status,
                  specialistId: try query.value("specialist_id", UserID.init, "a user id"),
                  collectionStatusId: try query.value("collection_status_id", CollectionStatusID.init, "a collection status id"),
                  sort: try query.value("sort", CustomerSort.init(rawValue:), CustomerSort.allCases.map(\.rawValue).joined(separator: ", ")),
                  limit: try query.limit(), cursor: parameter("cursor"), assignedTo: CustomerScope.assignedOnly(principal))
    }
}

/// A request's query parameters read as typed values: absent is nil, present and not of
/// the form is a 400 naming the parameter.
struct QueryReader {
    let parameter: (String) -> String?

    init(parameter: @escaping (String) -> String?) { self.parameter = parameter }
    init(_ parameters: Hummingbird.Parameters) { self.parameter = { parameters.get($0) } }

    func value<T>(_ name: String, _ read: (String) -> T?, _ expected: String) throws -> T? {
        guard let text = parameter(name) else { return nil }
        guard let value = read(text) else { throw ErrorBody.invalidArgument("\(name) must be \(expected)", field: name) }
        return value
    }

    /// `limit`: 1 to 500, 50 when absent.
    func limit() throws -> Int {
        try value("limit", { Int($0).flatMap { (1...KeysetPage.maximumLimit).contains($0) ? $0 : nil } },
                  "a number from 1 to \(KeysetPage.maximumLimit)") ?? 50
    }
}

/// `{"items": [...], "next_cursor": ..., "total": n}`.
struct ListResponse<Item: Encodable>: Encodable {
    let items: [Item]
    let nextCursor: String?
    let total: Int?

    /// A list that comes whole, in one page (a customer's contacts or documents).
    init(all items: [Item]) {
        self.init(items: items, nextCursor: nil, total: items.count)
    }

    init(items: [Item], nextCursor: String?, total: Int?) {
        self.items = items
        self.nextCursor = nextCursor
        self.total = total
    }

    private enum CodingKeys: String, CodingKey { case items, nextCursor, total }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextCursor, forKey: .nextCursor)
        try container.encodeIfPresent(total, forKey: .total)
    }
}

extension HTTPField.Name {
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}

extension Request {
    /// The `Idempotency-Key` header: 1 to 255 visible ASCII characters or spaces inside
    /// (as the API document says; HTTP drops surrounding spaces); absent means none.
    func idempotencyKey() throws -> String? {
        guard let key = headers[.idempotencyKey] else { return nil }
        guard !key.isEmpty, key.utf8.count <= 255, key.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else {
            throw ErrorBody.invalidArgument("Idempotency-Key must be 1 to 255 visible ASCII characters", field: "Idempotency-Key")
        }
        return key
    }
}
