import Contracts
import HTTPTypes
import Hummingbird
import Messaging

/// `POST /customers`, `GET /customers`, `GET /customers/{id}`.
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
                CustomerMessages.create, CreateCustomer(customer: fields, specialistId: CustomerScope.assignedOnly(principal)), actor: principal.actor, idempotencyKey: request.headers[.idempotencyKey])
            return try JSONResponse.make(CustomerResponse(customer), status: .created)
        }
        readers.get("/api/v1/customers") { request, context in
            let limit = try request.uri.queryParameters.limit()
            let page = try await clients[.customer].query(
                CustomerMessages.list,
                ListCustomers(query: request.uri.queryParameters.get("q"), limit: limit,
                              cursor: request.uri.queryParameters.get("cursor"),
                              assignedTo: CustomerScope.assignedOnly(try context.requirePrincipal())))
            return try JSONResponse.make(ListResponse(items: page.items.map(CustomerResponse.init),
                                                      nextCursor: page.nextCursor, total: page.total))
        }
        readers.get("/api/v1/customers/:id") { request, context in
            let id = try context.parameters.id("id", of: "customer", as: CustomerID.self)
            let customer = try await clients[.customer].query(CustomerMessages.get, GetCustomer(id: id))
            try CustomerScope.check(customer, for: try context.requirePrincipal())
            return try JSONResponse.make(CustomerResponse(customer))
        }
    }
}

/// A customer as the API shows it: its fields at the top level, plus id and state.
struct CustomerResponse: Encodable {
    let record: CustomerRecord
    init(_ record: CustomerRecord) { self.record = record }

    private enum CodingKeys: String, CodingKey { case id, currency, paymentTermsDays, isDeactivated, specialistId, createdAt, updatedAt }

    func encode(to encoder: any Encoder) throws {
        try record.fields.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(record.id, forKey: .id)
        try container.encode(record.currency, forKey: .currency)
        try container.encode(record.paymentTermsDays, forKey: .paymentTermsDays)
        try container.encode(record.isDeactivated, forKey: .isDeactivated)
        try container.encode(record.specialistId, forKey: .specialistId)
        try container.encode(record.createdAt, forKey: .createdAt)
        try container.encode(record.updatedAt, forKey: .updatedAt)
    }
}

/// `{"items": [...], "next_cursor": ..., "total": n}`.
struct ListResponse<Item: Encodable>: Encodable {
    let items: [Item]
    let nextCursor: String?
    let total: Int?

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

extension Hummingbird.Parameters {
    /// `?limit=` (default 50, 1...500).
    func limit() throws -> Int {
        guard let text = get("limit") else { return 50 }
        guard let limit = Int(text), (1...500).contains(limit) else {
            throw ErrorBody.invalidArgument("limit must be a number from 1 to 500", field: "limit")
        }
        return limit
    }
}
