import Contracts
import Hummingbird
import Messaging

/// `PUT /customers/{id}/specialist` and `POST /customers/bulk/specialist`: managers and
/// above choose who collects from a customer.
struct SpecialistRoutes {
    let clients: any GatewayServices

    struct Assignment: Decodable {
        var userId: UserID
    }

    struct BulkRequest: Decodable {
        var customerIds: [CustomerID]
        var userId: UserID
    }

    func register(in routes: Routes) {
        let assigners = routes.group(.assignSpecialists)
        assigners.put("/api/v1/customers/:id/specialist") { request, context in
            let id = try context.parameters.id("id", of: "customer", as: CustomerID.self)
            let body = try await request.decodeJSON(Assignment.self)
            let customer = try await clients[.customer].command(
                SpecialistMessages.assign, AssignSpecialist(customerId: id, userId: body.userId),
                actor: try context.requirePrincipal().actor, idempotencyKey: try request.idempotencyKey())
            return try JSONResponse.make(CustomerView(customer))
        }
        assigners.post("/api/v1/customers/bulk/specialist") { request, context in
            let body = try await request.decodeJSON(BulkRequest.self)
            return try JSONResponse.make(try await clients[.customer].command(
                SpecialistMessages.bulkAssign, BulkAssignSpecialist(customerIds: body.customerIds, userId: body.userId),
                actor: try context.requirePrincipal().actor, idempotencyKey: try request.idempotencyKey()))
        }
    }
}
