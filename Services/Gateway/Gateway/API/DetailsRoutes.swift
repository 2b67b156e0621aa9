import Contracts
import Foundation
import Hummingbird
import Messaging

/// `GET /customers/{id}/details`: asks the five services in parallel, each with a
/// deadline, and splices the sections they wrote — each service answers with its part of
/// the view, already in the API's shape — into one object, decoding none of it. The page
/// (`/customers/{id}`) decodes the same sections into `CustomerDetails`.
struct DetailsRoutes {
    let clients: any GatewayServices
    let sectionTimeout: Duration
    /// Where the payment portal is (`GatewayConfiguration.portalBase`), for the link's URL.
    let portalBase: String

    func register(in routes: Routes) {
        let readers = routes.group(.readCustomers)
        readers.get("/api/v1/customers/:id/details") { _, context in
            let id = try context.parameters.id("id", of: "customer", as: CustomerID.self)
            let sections = try await sections(of: id, for: try context.requirePrincipal())
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: try sections.json())))
        }
    }

    /// The sections as their services wrote them. The customer's is required (404 when the
    /// customer does not exist or is outside the principal's scope, 503 when its service is
    /// down); every other degrades to nothing and is named in `unavailable`.
    func sections(of id: CustomerID, for principal: Principal) async throws -> DetailsSections {
        let timeout = sectionTimeout
        async let profile = clients[.customer].queryJSON(
            CustomerMessages.profile, GetCustomer(id: id, assignedTo: CustomerScope.assignedOnly(principal)), timeout: timeout)
        async let invoices = optional { try await clients[.invoice].queryJSON(
            InvoiceMessages.customerSummary, CustomerInvoicesRequest(customerId: id), timeout: timeout) }
        async let payments = optional { try await clients[.payments].queryJSON(
            PaymentsMessages.customerSummary, CustomerPaymentsRequest(customerId: id, portalBase: portalBase), timeout: timeout) }
        async let history = optional { try await clients[.history].queryJSON(
            HistoryMessages.customerSummary, CustomerHistoryRequest(customerId: id), timeout: timeout) }
        async let workflows = optional { try await clients[.communications].queryJSON(
            CommunicationsMessages.customerWorkflows, CustomerWorkflowsRequest(customerId: id), timeout: timeout) }
        return DetailsSections(profile: try await profile, invoices: await invoices, payments: await payments,
                               history: await history, workflows: await workflows)
    }

    /// The typed view, for the page.
    func details(of id: CustomerID, for principal: Principal) async throws -> CustomerDetails {
        try await sections(of: id, for: principal).decoded()
    }

    /// A section's answer, or nil when its service failed or was too slow.
    private func optional(_ call: @Sendable () async throws -> [UInt8]) async -> [UInt8]? {
        try? await call()
    }
}

/// The Customer Details view's parts as the services wrote them: each a JSON object whose
/// members are sections of the view (customer-service: `customer`, `specialist`,
/// `contacts`, `documents`; invoice: `invoices`, `totals`; payments: `payment`,
/// `promises`; history: `history`; communications: `workflows`). Nil: the service did not
/// answer in time.
public struct DetailsSections: Sendable {
    public var profile: [UInt8]
    public var invoices: [UInt8]?
    public var payments: [UInt8]?
    public var history: [UInt8]?
    public var workflows: [UInt8]?

    public init(profile: [UInt8], invoices: [UInt8]?, payments: [UInt8]?, history: [UInt8]?, workflows: [UInt8]?) {
        self.profile = profile
        self.invoices = invoices
        self.payments = payments
        self.history = history
        self.workflows = workflows
    }

    /// The optional parts, with the sections each stands for when it is missing.
    private var optionalParts: [(bytes: [UInt8]?, sections: [String])] {
        [(invoices, ["invoices", "totals"]), (payments, ["payment", "promises"]), (history, ["history"]),
         (workflows, ["workflows"])]
    }

    /// The sections no service answered for.
    var unavailable: [String] { optionalParts.filter { $0.bytes == nil }.flatMap(\.sections) }

    /// `{…customer's members…, …each other part's members or its sections as null…, "unavailable": […]}`.
    public func json() throws -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(profile.count + optionalParts.reduce(64) { $0 + ($1.bytes?.count ?? 32) })
        func member(_ bytes: ArraySlice<UInt8>) {
            guard !bytes.isEmpty else { return }
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: bytes)
        }
        member(try JSONObjectMembers.of(profile))
        for part in optionalParts {
            if let bytes = part.bytes {
                member(try JSONObjectMembers.of(bytes))
            } else {
                for section in part.sections { member(ArraySlice("\"\(section)\":null".utf8)) }
            }
        }
        member(ArraySlice(#""unavailable":"#.utf8) + ArraySlice(try ContractJSON.encode(unavailable)))
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Every part decoded, for the page.
    func decoded() throws -> CustomerDetails {
        CustomerDetails(
            profile: try ContractJSON.decode(CustomerProfile.self, from: profile),
            invoiceSummary: try invoices.map { try ContractJSON.decode(CustomerInvoicesSummary.self, from: $0) },
            paymentSummary: try payments.map { try ContractJSON.decode(CustomerPaymentsSummary.self, from: $0) },
            history: try history.map { try ContractJSON.decode(CustomerHistorySection.self, from: $0).history },
            workflows: try workflows.map { try ContractJSON.decode(CustomerWorkflows.self, from: $0).workflows },
            unavailable: unavailable)
    }
}

/// The members of a JSON object, without its braces, for splicing into another object.
enum JSONObjectMembers {
    static func of(_ object: [UInt8]) throws -> ArraySlice<UInt8> {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        guard let first = object.firstIndex(where: { !isSpace($0) }), let last = object.lastIndex(where: { !isSpace($0) }),
              first < last, object[first] == UInt8(ascii: "{"), object[last] == UInt8(ascii: "}") else {
            throw ErrorBody.internal("a service answered its details section with something other than a JSON object")
        }
        let inner = object[(first + 1)..<last]
        return inner.allSatisfy(isSpace) ? [] : inner
    }
}
