import Contracts
import Foundation
import Hummingbird
import Messaging

/// `GET /customers/{id}/details`: asks the five services in parallel, each with a deadline.
struct DetailsRoutes {
    let clients: any GatewayServices
    let sectionTimeout: Duration

    func register(in routes: Routes) {
        let readers = routes.group(.readCustomers)
        readers.get("/api/v1/customers/:id/details") { request, context in
            let id = try context.parameters.id("id", of: "customer", as: CustomerID.self)
            return try JSONResponse.make(try await details(of: id, for: try context.requirePrincipal()))
        }
    }

    /// The merged view. The customer is required (404 when absent, 503 when its service is
    /// down); every other section degrades to `null` and is named in `unavailable`.
    func details(of id: CustomerID, for principal: Principal, today: BusinessDate = .today) async throws -> CustomerDetails {
        let timeout = sectionTimeout
        async let profile = clients[.customer].query(CustomerMessages.profile, GetCustomer(id: id), timeout: timeout)
        async let invoices = optional { try await clients[.invoice].query(
            InvoiceMessages.customerSummary, CustomerInvoicesRequest(customerId: id, asOf: today), timeout: timeout) }
        async let payments = optional { try await clients[.payments].query(
            PaymentsMessages.customerSummary, CustomerPaymentsRequest(customerId: id), timeout: timeout) }
        async let history = optional { try await clients[.history].query(
            HistoryMessages.customerSummary, CustomerHistoryRequest(customerId: id), timeout: timeout) }
        async let workflows = optional { try await clients[.communications].query(
            CommunicationsMessages.customerWorkflows, CustomerWorkflowsRequest(customerId: id), timeout: timeout) }

        let (customer, invoiceSummary, paymentSummary, historySummary, workflowSummary) =
            (try await profile, await invoices, await payments, await history, await workflows)
        try CustomerScope.check(customer.customer, for: principal)

        var unavailable: [String] = []
        if invoiceSummary == nil { unavailable += ["invoices", "totals"] }
        if paymentSummary == nil { unavailable += ["payment", "promises"] }
        if historySummary == nil { unavailable.append("history") }
        if workflowSummary == nil { unavailable.append("workflows") }

        let assignments = workflowSummary?.assignments ?? []
        return CustomerDetails(
            customer: CustomerResponse(customer.customer),
            specialist: customer.customer.specialistId.map(CustomerDetails.Specialist.init),
            contacts: customer.contacts.map { contact in
                .init(contact: contact, workflow: assignments.first { $0.contactId == contact.id })
            },
            payment: paymentSummary.map {
                .init(settings: $0.settings, link: $0.link, unappliedCreditCents: $0.unappliedCreditCents)
            },
            invoices: invoiceSummary?.invoices.map { invoice in
                .init(invoice: invoice, workflow: assignments.first { $0.invoiceId == invoice.id })
            },
            promises: paymentSummary?.openPromises,
            history: historySummary,
            documents: customer.documents,
            totals: invoiceSummary?.totals,
            unavailable: unavailable)
    }

    /// A section's answer, or nil when its service failed or was too slow.
    private func optional<T: Sendable>(_ call: @Sendable () async throws -> T) async -> T? {
        try? await call()
    }
}

extension BusinessDate {
    /// Today in UTC (the business time zone arrives with business settings).
    static var today: BusinessDate { BusinessDate(daysSinceEpoch: Int(floor(Date().timeIntervalSince1970 / 86_400))) }
}
