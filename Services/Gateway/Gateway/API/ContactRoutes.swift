import Contracts
import Hummingbird
import Messaging

/// `GET|POST /customers/{id}/contacts`, `GET|PATCH /contacts/{id}`,
/// `POST /contacts/{id}/deactivate`, `POST /contacts/{id}/reactivate`, `POST /contacts/merge`.
/// A specialist who may not see all customers reaches only their own customers' contacts.
struct ContactRoutes {
    let clients: any GatewayServices

    /// The body of `POST /contacts/merge`.
    struct MergeRequest: Decodable {
        var masterId: ContactID
        var mergeIds: [ContactID]
        /// Field name → the contact to take it from.
        var fields: [String: ContactID]?
    }

    func register(in routes: Routes) {
        let editors = routes.group(.editCustomers)
        let readers = routes.group(.readCustomers)
        readers.get("/api/v1/customers/:id/contacts") { _, context in
            let customer = try context.parameters.id("id", of: "customer", as: CustomerID.self)
            let list = try await clients[.customer].query(
                ContactMessages.list,
                ListContacts(customerId: customer, assignedTo: CustomerScope.assignedOnly(try context.requirePrincipal())))
            return try JSONResponse.make(ListResponse(all: list.items))
        }
        editors.post("/api/v1/customers/:id/contacts") { request, context in
            let customer = try context.parameters.id("id", of: "customer", as: CustomerID.self)
            let fields = try await request.decodeJSON(ContactFields.self)
            let principal = try context.requirePrincipal()
            let contact = try await clients[.customer].command(
                ContactMessages.create,
                CreateContact(customerId: customer, contact: fields, assignedTo: CustomerScope.assignedOnly(principal)),
                actor: principal.actor, idempotencyKey: try request.idempotencyKey())
            return try JSONResponse.make(contact, status: .created)
        }
        editors.post("/api/v1/contacts/merge") { request, context in
            let body = try await request.decodeJSON(MergeRequest.self)
            let principal = try context.requirePrincipal()
            let contact = try await clients[.customer].command(
                ContactMessages.merge,
                MergeContacts(masterId: body.masterId, mergeIds: body.mergeIds, fields: body.fields ?? [:],
                              assignedTo: CustomerScope.assignedOnly(principal)),
                actor: principal.actor, idempotencyKey: try request.idempotencyKey())
            return try JSONResponse.make(contact)
        }
        readers.get("/api/v1/contacts/:id") { _, context in
            let id = try context.parameters.id("id", of: "contact", as: ContactID.self)
            return try JSONResponse.make(try await clients[.customer].query(
                ContactMessages.get, GetContact(id: id, assignedTo: CustomerScope.assignedOnly(try context.requirePrincipal()))))
        }
        editors.patch("/api/v1/contacts/:id") { request, context in
            let id = try context.parameters.id("id", of: "contact", as: ContactID.self)
            let changes = try await request.decodeJSON([String: JSONValue].self)
            let principal = try context.requirePrincipal()
            return try JSONResponse.make(try await clients[.customer].command(
                ContactMessages.update, UpdateContact(id: id, changes: changes, assignedTo: CustomerScope.assignedOnly(principal)),
                actor: principal.actor, idempotencyKey: try request.idempotencyKey()))
        }
        editors.post("/api/v1/contacts/:id/deactivate") { _, context in
            try await setActive(ContactMessages.deactivate, context)
        }
        editors.post("/api/v1/contacts/:id/reactivate") { _, context in
            try await setActive(ContactMessages.reactivate, context)
        }
    }

    private func setActive(_ command: Command<GetContact, ContactRecord>, _ context: GatewayRequestContext) async throws -> Response {
        let id = try context.parameters.id("id", of: "contact", as: ContactID.self)
        let principal = try context.requirePrincipal()
        return try JSONResponse.make(try await clients[.customer].command(
            command, GetContact(id: id, assignedTo: CustomerScope.assignedOnly(principal)), actor: principal.actor))
    }
}
