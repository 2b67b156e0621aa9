import Contracts
import Hummingbird
import Messaging

/// `GET|POST /collection-statuses`, `PATCH|DELETE /collection-statuses/{id}`: anyone who
/// reads customers sees them; managers and above define them.
struct CollectionStatusRoutes {
    let clients: any GatewayServices

    func register(in routes: Routes) {
        let readers = routes.group(.readCustomers)
        let managers = routes.group(.manageCollectionStatuses)
        readers.get("/api/v1/collection-statuses") { _, _ in
            let list = try await clients[.invoice].query(CollectionStatusMessages.list, Empty())
            return try JSONResponse.make(ListResponse(all: list.items))
        }
        managers.post("/api/v1/collection-statuses") { request, context in
            let body = try await request.decodeJSON(CreateCollectionStatus.self)
            try await requireManager(body.managerId)
            let status = try await clients[.invoice].command(
                CollectionStatusMessages.create, body, actor: try context.requirePrincipal().actor,
                idempotencyKey: try request.idempotencyKey())
            return try JSONResponse.make(status, status: .created)
        }
        managers.patch("/api/v1/collection-statuses/:id") { request, context in
            let id = try context.parameters.id("id", of: "collection status", as: CollectionStatusID.self)
            let changes = try await request.decodeJSON([String: JSONValue].self)
            if case .string(let text)? = changes["manager_id"], let manager = UserID(text) { try await requireManager(manager) }
            return try JSONResponse.make(try await clients[.invoice].command(
                CollectionStatusMessages.update, UpdateCollectionStatus(id: id, changes: changes),
                actor: try context.requirePrincipal().actor, idempotencyKey: try request.idempotencyKey()))
        }
        managers.delete("/api/v1/collection-statuses/:id") { _, context in
            let id = try context.parameters.id("id", of: "collection status", as: CollectionStatusID.self)
            return try JSONResponse.make(try await clients[.invoice].command(
                CollectionStatusMessages.delete, DeleteCollectionStatus(id: id), actor: try context.requirePrincipal().actor))
        }
    }

    /// A status's manager is a user who can act on customers: active and not a viewer (as
    /// customer-service knows the users); anyone else is 422.
    private func requireManager(_ id: UserID?) async throws {
        guard let id else { return }
        let candidates = try await clients[.customer].query(SpecialistMessages.candidates, Empty())
        guard candidates.items.contains(where: { $0.id == id }) else {
            throw ErrorBody.unprocessable("manager_id does not name an active user who is not a viewer", field: "manager_id")
        }
    }
}
