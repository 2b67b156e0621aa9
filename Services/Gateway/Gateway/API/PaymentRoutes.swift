import Contracts
import Foundation
import Hummingbird
import Messaging

/// `GET|POST /customers/{id}/payments`, `GET /payments/{id}`, `POST /payments/{id}/applications`,
/// `DELETE /payments/{id}/applications/{application_id}`, `POST /payments/{id}/refunds`. A
/// specialist who may not see all customers reaches only their own customers' payments;
/// anyone else's answer 404 like ones that do not exist.
struct PaymentRoutes {
    let clients: any GatewayServices
    /// Where the payment portal is (`GatewayConfiguration.portalBase`).
    let portalBase: String

    private struct RefundRequest: Decodable {
        var amountCents: Int64
        var reason: String
    }

    func register(in routes: Routes) {
        let readers = routes.group(.readCustomers)
        let editors = routes.group(.editCustomers)
        let scope = CustomerScope.Visibility(clients: clients)
        readers.get("/api/v1/customers/:id/payments") { request, context in
            let customer = try await scope.customer(try context.parameters.id("id", of: "customer", as: CustomerID.self),
                                                    for: try context.requirePrincipal())
            let query = QueryReader(request.uri.queryParameters)
            let page = try await clients[.payments].query(PaymentsMessages.list, ListPayments(
                customerId: customer.id, limit: try query.limit(), cursor: request.uri.queryParameters.get("cursor")))
            return try JSONResponse.make(ListResponse(items: page.items, nextCursor: page.nextCursor, total: page.total))
        }
        editors.post("/api/v1/customers/:id/payments") { request, context in
            let principal = try context.requirePrincipal()
            let customer = try await scope.customer(try context.parameters.id("id", of: "customer", as: CustomerID.self), for: principal)
            let fields = try await request.decodeJSON(PaymentFields.self)
            let payment = try await clients[.payments].command(
                PaymentsMessages.record, RecordPayment(customerId: customer.id, customerCurrency: customer.currency, payment: fields),
                actor: principal.actor, idempotencyKey: try request.idempotencyKey())
            return try JSONResponse.make(payment, status: .created)
        }
        readers.get("/api/v1/payments/:id") { _, context in
            try JSONResponse.make(try await visiblePayment(context, scope))
        }
        editors.post("/api/v1/payments/:id/applications") { request, context in
            let principal = try context.requirePrincipal()
            let payment = try await visiblePayment(context, scope)
            let application = try await request.decodeJSON(ApplicationInput.self)
            return try JSONResponse.make(try await clients[.payments].command(
                PaymentsMessages.apply, ApplyPayment(paymentId: payment.id, application: application),
                actor: principal.actor, idempotencyKey: try request.idempotencyKey()), status: .created)
        }
        editors.delete("/api/v1/payments/:id/applications/:application_id") { request, context in
            let principal = try context.requirePrincipal()
            let payment = try await visiblePayment(context, scope)
            let application = try context.parameters.id("application_id", of: "application", as: PaymentApplicationID.self)
            return try JSONResponse.make(try await clients[.payments].command(
                PaymentsMessages.unapply, UnapplyPayment(paymentId: payment.id, applicationId: application),
                actor: principal.actor, idempotencyKey: try request.idempotencyKey()))
        }
        editors.post("/api/v1/payments/:id/refunds") { request, context in
            let principal = try context.requirePrincipal()
            let payment = try await visiblePayment(context, scope)
            let refund = try await request.decodeJSON(RefundRequest.self)
            return try JSONResponse.make(try await clients[.payments].command(
                PaymentsMessages.refund, RefundPayment(paymentId: payment.id, amountCents: refund.amountCents, reason: refund.reason),
                actor: principal.actor, idempotencyKey: try request.idempotencyKey()), status: .created)
        }
    }

    /// `GET|PUT|DELETE /customers/{id}/payment-settings` (DELETE: back to the business
    /// defaults), `GET|POST /payment-methods`, `PATCH /payment-methods/{id}` (managers and up).
    func registerSettings(in routes: Routes) {
        let readers = routes.group(.readCustomers)
        let editors = routes.group(.editCustomers)
        let managers = routes.group(.managePaymentMethods)
        let scope = CustomerScope.Visibility(clients: clients)
        readers.get("/api/v1/customers/:id/payment-settings") { _, context in
            let customer = try await scope.customer(try context.parameters.id("id", of: "customer", as: CustomerID.self),
                                                    for: try context.requirePrincipal())
            return try JSONResponse.make(try await clients[.payments].query(
                PaymentsMessages.settings, PaymentSettingsRequest(customerId: customer.id)))
        }
        editors.put("/api/v1/customers/:id/payment-settings") { request, context in
            let principal = try context.requirePrincipal()
            let customer = try await scope.customer(try context.parameters.id("id", of: "customer", as: CustomerID.self), for: principal)
            let fields = try await request.decodeJSON(PaymentSettingsFields.self)
            return try JSONResponse.make(try await clients[.payments].command(
                PaymentsMessages.updateSettings, UpdatePaymentSettings(customerId: customer.id, settings: fields),
                actor: principal.actor, idempotencyKey: try request.idempotencyKey()))
        }
        editors.delete("/api/v1/customers/:id/payment-settings") { request, context in
            let principal = try context.requirePrincipal()
            let customer = try await scope.customer(try context.parameters.id("id", of: "customer", as: CustomerID.self), for: principal)
            return try JSONResponse.make(try await clients[.payments].command(
                PaymentsMessages.updateSettings, UpdatePaymentSettings(customerId: customer.id, settings: nil),
                actor: principal.actor, idempotencyKey: try request.idempotencyKey()))
        }
        readers.get("/api/v1/payment-methods") { _, _ in
            try JSONResponse.make(ListResponse(all: try await clients[.payments].query(PaymentsMessages.methods, Empty()).items))
        }
        managers.post("/api/v1/payment-methods") { request, context in
            let body = try await request.decodeJSON(CreatePaymentMethod.self)
            return try JSONResponse.make(try await clients[.payments].command(
                PaymentsMessages.createMethod, body, actor: try context.requirePrincipal().actor,
                idempotencyKey: try request.idempotencyKey()), status: .created)
        }
        managers.patch("/api/v1/payment-methods/:id") { request, context in
            guard let code = context.parameters.get("id") else { throw ErrorBody.notFound("payment method does not exist") }
            let bytes = try await request.jsonBody()
            for (member, value) in try JSONBody.decode([String: JSONValue].self, from: bytes)
            where value == .null && ["name", "active"].contains(member) {
                throw ErrorBody.invalidArgument("\(member) cannot be cleared", field: member)
            }
            let body = try JSONBody.decode(MethodChanges.self, from: bytes)
            return try JSONResponse.make(try await clients[.payments].command(
                PaymentsMessages.updateMethod, UpdatePaymentMethod(code: code, name: body.name, active: body.active),
                actor: try context.requirePrincipal().actor, idempotencyKey: try request.idempotencyKey()))
        }
    }

    private struct MethodChanges: Decodable {
        var name: String?
        var active: Bool?
    }

    /// The payment of the path, when the principal may see its customer.
    private func visiblePayment(_ context: GatewayRequestContext, _ scope: CustomerScope.Visibility) async throws -> Payment {
        let id = try context.parameters.id("id", of: "payment", as: PaymentID.self)
        let payment = try await clients[.payments].query(PaymentsMessages.get, GetPayment(id: id))
        try await scope.require(payment.customerId, for: try context.requirePrincipal(),
                                otherwise: .notFound("payment \(id) does not exist"))
        return payment
    }
}

// MARK: - Payment links and promises to pay

extension PaymentRoutes {
    private struct LinkRequest: Decodable {
        var expiresOn: BusinessDate?
    }

    /// `POST|DELETE /customers/{id}/payment-link`, `GET|POST /customers/{id}/promises`,
    /// `GET /promises/{id}`, `POST /promises/{id}/cancel`, `GET /reports/promises`.
    func registerLinksAndPromises(in routes: Routes) {
        let readers = routes.group(.readCustomers)
        let editors = routes.group(.editCustomers)
        let scope = CustomerScope.Visibility(clients: clients)
        editors.post("/api/v1/customers/:id/payment-link") { request, context in
            let principal = try context.requirePrincipal()
            let customer = try await scope.customer(try context.parameters.id("id", of: "customer", as: CustomerID.self), for: principal)
            let body = try await request.decodeJSON(LinkRequest.self)
            let link = try await clients[.payments].command(
                PaymentsMessages.createLink, CreatePaymentLink(customerId: customer.id, expiresOn: body.expiresOn, portalBase: portalBase),
                actor: principal.actor, idempotencyKey: try request.idempotencyKey())
            return try JSONResponse.make(LinkReply(link), status: link.created ? .created : .ok)
        }
        editors.delete("/api/v1/customers/:id/payment-link") { request, context in
            let principal = try context.requirePrincipal()
            let customer = try await scope.customer(try context.parameters.id("id", of: "customer", as: CustomerID.self), for: principal)
            _ = try await clients[.payments].command(PaymentsMessages.revokeLink, RevokePaymentLink(customerId: customer.id),
                                                     actor: principal.actor, idempotencyKey: try request.idempotencyKey())
            return Response(status: .noContent)
        }
        readers.get("/api/v1/customers/:id/promises") { request, context in
            let customer = try await scope.customer(try context.parameters.id("id", of: "customer", as: CustomerID.self),
                                                    for: try context.requirePrincipal())
            let query = QueryReader(request.uri.queryParameters)
            let state = try query.value("state", PromiseState.init(rawValue:), "open, kept, broken or cancelled")
            let page = try await clients[.payments].query(PaymentsMessages.listPromises, ListPromises(
                customerId: customer.id, state: state, limit: try query.limit(), cursor: request.uri.queryParameters.get("cursor")))
            return try JSONResponse.make(ListResponse(items: page.items, nextCursor: page.nextCursor, total: page.total))
        }
        editors.post("/api/v1/customers/:id/promises") { request, context in
            let principal = try context.requirePrincipal()
            let customer = try await scope.customer(try context.parameters.id("id", of: "customer", as: CustomerID.self), for: principal)
            let fields = try await request.decodeJSON(PromiseFields.self)
            try await scope.requireContact(fields.contactId, of: customer.id, for: principal)
            return try JSONResponse.make(try await clients[.payments].command(
                PaymentsMessages.recordPromise,
                RecordPromise(customerId: customer.id, specialistId: customer.specialistId, source: .staff, promise: fields),
                actor: principal.actor, idempotencyKey: try request.idempotencyKey()), status: .created)
        }
        readers.get("/api/v1/promises/:id") { _, context in
            try JSONResponse.make(try await visiblePromise(context, scope))
        }
        editors.post("/api/v1/promises/:id/cancel") { request, context in
            let principal = try context.requirePrincipal()
            let promise = try await visiblePromise(context, scope)
            return try JSONResponse.make(try await clients[.payments].command(
                PaymentsMessages.cancelPromise, CancelPromise(id: promise.id), actor: principal.actor,
                idempotencyKey: try request.idempotencyKey()))
        }
        readers.get("/api/v1/reports/promises") { request, context in
            let principal = try context.requirePrincipal()
            let query = QueryReader(request.uri.queryParameters)
            let from = try query.value("from", BusinessDate.init, "a date (YYYY-MM-DD)")
            let to = try query.value("to", BusinessDate.init, "a date (YYYY-MM-DD)")
            // A specialist who sees only their own customers sees only their own promises.
            let specialist = try CustomerScope.assignedOnly(principal)
                ?? query.value("specialist_id", UserID.init, "a user id")
            async let report = clients[.payments].query(PaymentsMessages.promiseReport,
                                                        PromiseReportRequest(from: from, to: to, specialistId: specialist))
            async let users = try? clients[.gateway].query(IdentityMessages.listUsers, Empty()).items
            var result = try await report
            let names = Dictionary((await users ?? []).map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
            for index in result.items.indices {
                result.items[index].specialistName = result.items[index].specialistId.flatMap { names[$0] }
            }
            return try JSONResponse.make(result)
        }
    }

    /// `{url, token, expires_on}` (API.md).
    private struct LinkReply: Encodable {
        var url: String
        var token: String
        var expiresOn: BusinessDate?

        init(_ link: PaymentLink) {
            url = link.url
            token = link.token
            expiresOn = link.expiresOn
        }

        private enum CodingKeys: String, CodingKey { case url, token, expiresOn }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(url, forKey: .url)
            try container.encode(token, forKey: .token)
            try container.encode(expiresOn, forKey: .expiresOn)
        }
    }

    /// The promise of the path, when the principal may see its customer.
    private func visiblePromise(_ context: GatewayRequestContext, _ scope: CustomerScope.Visibility) async throws -> PromiseToPay {
        let id = try context.parameters.id("id", of: "promise", as: PromiseID.self)
        let promise = try await clients[.payments].query(PaymentsMessages.getPromise, GetPromise(id: id))
        try await scope.require(promise.customerId, for: try context.requirePrincipal(),
                                otherwise: .notFound("promise \(id) does not exist"))
        return promise
    }
}
