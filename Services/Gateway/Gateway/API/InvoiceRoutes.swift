import Contracts
import Foundation
import Hummingbird
import Messaging

/// `GET|POST /customers/{id}/invoices`, `GET|PATCH /invoices/{id}`, `POST /invoices/{id}/void`,
/// `PUT /invoices/{id}/collection-status`, `GET /invoices/{id}/pdf`,
/// `GET /customers/{id}/statement.pdf?from=&to=` (without `from`: open items). A specialist who may not see all customers reaches
/// only their own customers' invoices; anyone else's answer 404 like ones that do not exist.
struct InvoiceRoutes {
    let clients: any GatewayServices
    /// Where the payment portal is (`GatewayConfiguration.portalBase`), for the documents' payment link.
    let portalBase: String

    /// The body of `PATCH /invoices/{id}`: the lines, typed (quantities stay exact), besides
    /// the scalar members.
    private struct LinesChange: Decodable {
        var lines: [InvoiceLineInput]?
    }

    private struct CollectionStatusChoice: Decodable {
        var collectionStatusId: CollectionStatusID?
    }

    private struct VoidRequest: Decodable {
        var reason: String?
    }

    func register(in routes: Routes) {
        let readers = routes.group(.readCustomers)
        let editors = routes.group(.editCustomers)
        readers.get("/api/v1/customers/:id/invoices") { request, context in
            let principal = try context.requirePrincipal()
            let customer = try await visibleCustomer(try context.parameters.id("id", of: "customer", as: CustomerID.self), principal)
            let query = QueryReader(request.uri.queryParameters)
            let page = try await clients[.invoice].query(InvoiceMessages.list, ListInvoices(
                customerId: customer.id, state: try query.value("state", InvoiceState.init(rawValue:),
                                                                InvoiceState.allCases.map(\.rawValue).joined(separator: ", ")),
                collectionStatusId: try query.value("collection_status_id", CollectionStatusID.init, "a collection status id"),
                limit: try query.limit(), cursor: request.uri.queryParameters.get("cursor")))
            return try JSONResponse.make(ListResponse(items: page.items, nextCursor: page.nextCursor, total: page.total))
        }
        editors.post("/api/v1/customers/:id/invoices") { request, context in
            let principal = try context.requirePrincipal()
            let customer = try await visibleCustomer(try context.parameters.id("id", of: "customer", as: CustomerID.self), principal)
            let fields = try await request.decodeJSON(InvoiceFields.self)
            try await CustomerScope.Visibility(clients: clients).requireContact(fields.contactId, of: customer.id, for: principal)
            let invoice = try await clients[.invoice].command(
                InvoiceMessages.create,
                CreateInvoice(customerId: customer.id, terms: CustomerTerms(
                    currency: customer.currency, paymentTermsDays: customer.paymentTermsDays, isDeactivated: customer.isDeactivated),
                    invoice: fields),
                actor: principal.actor, idempotencyKey: try request.idempotencyKey())
            return try JSONResponse.make(invoice, status: .created)
        }
        readers.get("/api/v1/invoices/:id") { _, context in
            try JSONResponse.make(try await visibleInvoice(context))
        }
        editors.patch("/api/v1/invoices/:id") { request, context in
            let principal = try context.requirePrincipal()
            let invoice = try await visibleInvoice(context)
            let body = try await request.jsonBody()
            var changes = try JSONBody.decode([String: JSONValue].self, from: body)
            if changes["lines"] == .null {
                throw ErrorBody.invalidArgument("lines cannot be cleared; an invoice has at least one", field: "lines")
            }
            let lines = changes.removeValue(forKey: "lines") == nil ? nil : try JSONBody.decode(LinesChange.self, from: body).lines
            if case .string(let text)? = changes["contact_id"], let contact = ContactID(text) {
                try await CustomerScope.Visibility(clients: clients).requireContact(contact, of: invoice.customerId, for: principal)
            }
            return try JSONResponse.make(try await clients[.invoice].command(
                InvoiceMessages.update, UpdateInvoice(id: invoice.id, changes: changes, lines: lines),
                actor: principal.actor, idempotencyKey: try request.idempotencyKey()))
        }
        editors.post("/api/v1/invoices/:id/void") { request, context in
            let principal = try context.requirePrincipal()
            let invoice = try await visibleInvoice(context)
            let body = try await request.jsonBody(allowEmpty: true)
            let reason = body.isEmpty ? nil : try JSONBody.decode(VoidRequest.self, from: body).reason
            return try JSONResponse.make(try await clients[.invoice].command(
                InvoiceMessages.void, VoidInvoice(id: invoice.id, reason: reason), actor: principal.actor,
                idempotencyKey: try request.idempotencyKey()))
        }
        editors.put("/api/v1/invoices/:id/collection-status") { request, context in
            let principal = try context.requirePrincipal()
            let invoice = try await visibleInvoice(context)
            let choice = try await request.decodeJSON(CollectionStatusChoice.self)
            return try JSONResponse.make(try await clients[.invoice].command(
                InvoiceMessages.setCollectionStatus,
                SetInvoiceCollectionStatus(id: invoice.id, collectionStatusId: choice.collectionStatusId),
                actor: principal.actor, idempotencyKey: try request.idempotencyKey()))
        }
        readers.get("/api/v1/invoices/:id/pdf") { _, context in
            let invoice = try await visibleInvoice(context)
            let (document, bytes) = try await clients[.invoice].queryWithAttachment(
                InvoiceMessages.pdf, InvoiceDocumentRequest(id: invoice.id, paymentLink: await paymentLink(of: invoice.customerId)),
                timeout: .seconds(20))
            return Self.pdf(document, bytes)
        }
        readers.get("/api/v1/customers/:id/statement.pdf") { request, context in
            let principal = try context.requirePrincipal()
            let customer = try await visibleCustomer(try context.parameters.id("id", of: "customer", as: CustomerID.self), principal)
            let query = QueryReader(request.uri.queryParameters)
            let from = try query.value("from", BusinessDate.init, "a date (YYYY-MM-DD)")
            let to = try query.value("to", BusinessDate.init, "a date (YYYY-MM-DD)")
            let (document, bytes) = try await clients[.invoice].queryWithAttachment(
                InvoiceMessages.statement,
                StatementRequest(customerId: customer.id, from: from, to: to, paymentLink: await paymentLink(of: customer.id)),
                timeout: .seconds(20))
            return Self.pdf(document, bytes)
        }
    }

    /// The customer's active payment link, if payments-service answers in time (a document
    /// is still worth having without it).
    private func paymentLink(of customer: CustomerID) async -> String? {
        try? await clients[.payments].query(PaymentsMessages.customerSummary, CustomerPaymentsRequest(customerId: customer, portalBase: portalBase),
                                            timeout: .seconds(2)).payment.link?.url
    }

    static func pdf(_ document: DocumentRendered, _ bytes: [UInt8]) -> Response {
        Response(status: .ok, headers: [
            .contentType: document.contentType,
            .contentDisposition: DocumentRoutes.contentDisposition(document.filename),
            .contentLength: String(bytes.count),
        ], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The customer, when the principal may see it; otherwise 404 as if it did not exist.
    func visibleCustomer(_ id: CustomerID, _ principal: Principal) async throws -> CustomerRecord {
        try await CustomerScope.Visibility(clients: clients).customer(id, for: principal)
    }

    /// The invoice of the path, when the principal may see its customer; otherwise 404 as
    /// if it did not exist.
    func visibleInvoice(_ context: GatewayRequestContext) async throws -> Invoice {
        let id = try context.parameters.id("id", of: "invoice", as: InvoiceID.self)
        let invoice = try await clients[.invoice].query(InvoiceMessages.get, GetInvoice(id: id))
        try await CustomerScope.Visibility(clients: clients).require(
            invoice.customerId, for: try context.requirePrincipal(), otherwise: .notFound("invoice \(id) does not exist"))
        return invoice
    }
}
