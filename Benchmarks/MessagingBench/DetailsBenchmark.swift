import Contracts
import Foundation
import Gateway

/// The gateway's share of the Customer Details view, same sections, same run: before,
/// every section decoded into types and the whole view encoded again (JSONDecoder and
/// JSONEncoder, ~60 % of the gateway's CPU under load); now, the services' bytes spliced
/// (`DetailsSections.json()`). The data is a heavy collections account: 50 invoices,
/// 5 contacts, 3 documents, 2 promises, the 20 latest of its activities, 10 workflows.
struct DetailsBenchmark {
    let iterations: Int

    func run() throws -> (bytes: Int, decodeEncodeMicroseconds: Double, spliceMicroseconds: Double) {
        let sections = try Self.heavyCustomer()
        let spliced = try sections.json()
        let merged = try Self.decodeAndEncode(sections)
        guard try JSONSerialization.jsonObject(with: Data(spliced)) is [String: Any], merged.count > 0 else {
            throw ErrorBody.internal("the spliced view is not a JSON object")
        }
        var sink = 0
        let before = try measure { sink &+= try Self.decodeAndEncode(sections).count }
        let after = try measure { sink &+= try sections.json().count }
        if sink == 42 { print("") }
        return (spliced.count, before, after)
    }

    /// What the gateway did before: decode each section, build the view, encode it.
    static func decodeAndEncode(_ sections: DetailsSections) throws -> [UInt8] {
        struct View: Encodable {
            var profile: CustomerProfile
            var invoices: CustomerInvoicesSummary?
            var payments: CustomerPaymentsSummary?
            var history: CustomerHistorySection?
            var workflows: CustomerWorkflows?
            var unavailable: [String]
        }
        let view = View(
            profile: try ContractJSON.decode(CustomerProfile.self, from: sections.profile),
            invoices: try sections.invoices.map { try ContractJSON.decode(CustomerInvoicesSummary.self, from: $0) },
            payments: try sections.payments.map { try ContractJSON.decode(CustomerPaymentsSummary.self, from: $0) },
            history: try sections.history.map { try ContractJSON.decode(CustomerHistorySection.self, from: $0) },
            workflows: try sections.workflows.map { try ContractJSON.decode(CustomerWorkflows.self, from: $0) },
            unavailable: [])
        return try ContractJSON.encode(view)
    }

    static func heavyCustomer() throws -> DetailsSections {
        let now = Date()
        let customer = CustomerRecord(
            id: CustomerID(), fields: CustomerFields(
                displayName: "Northwind Medical Group", company: "Northwind Medical Group LLC", customerNumber: "CLM-88231",
                email: "ap@northwind.example", phone: "+1 555 0100", website: "https://northwind.example",
                billingAddress: Address(line1: "1200 Harbor Blvd", city: "Long Beach", region: "CA", postalCode: "90802", country: "US"),
                currency: .usd, paymentTermsDays: 30, notes: "Pays by check; escalate to the controller after 60 days."),
            currency: .usd, paymentTermsDays: 30, isDeactivated: false, specialistId: UserID(), createdAt: now, updatedAt: now)
        let contacts = (0..<5).map { index in
            ContactRecord(id: ContactID(), customerId: customer.id, fields: ContactFields(
                firstName: "Contact \(index)", lastName: "Billing", title: "Accounts payable", email: "ap\(index)@northwind.example",
                phone: "+1 555 010\(index)", role: index == 0 ? .primary : .billing, smsOptOut: index == 3),
                          createdAt: now, updatedAt: now)
        }
        let documents = (0..<3).map { DocumentRecord(id: DocumentID(), customerId: customer.id, filename: "contract-\($0).pdf",
                                                     contentType: "application/pdf", sizeBytes: 184_223,
                                                     sha256: String(repeating: "ab", count: 32), uploadedAt: now) }
        let invoices = (0..<50).map { (index: Int) -> InvoiceSummary in
            let open = index < 47
            let total = Int64(120_000 + index * 1_013)
            let balance: Int64 = open ? Int64(80_000 + index * 517) : 0
            return InvoiceSummary(id: InvoiceID(), number: String(format: "INV-%06d", 1_000 + index),
                                  issueDate: BusinessDate(daysSinceEpoch: 20_300 + index * 3),
                                  dueDate: BusinessDate(daysSinceEpoch: 20_330 + index * 3),
                                  currency: .usd, totalCents: total, paidCents: total - balance, balanceCents: balance,
                                  state: open ? .partiallyPaid : .paid, collectionStatus: nil)
        }
        let promises = (0..<2).map { (index: Int) -> PromiseToPay in
            PromiseToPay(id: PromiseID(), customerId: customer.id, contactId: contacts[0].id, invoiceIds: [invoices[index].id],
                         invoiceNumbers: [invoices[index].number], amountCents: 50_000, currency: .usd,
                         promisedOn: BusinessDate(daysSinceEpoch: 20_500 + index), note: "Promised on the phone", state: .open,
                         source: .staff, specialistId: nil, paidCents: 0, recordedOn: BusinessDate(daysSinceEpoch: 20_490),
                         resolvedOn: nil, recordedBy: nil, createdAt: now)
        }
        let activities = (0..<20).map { (index: Int) -> Activity in
            let payment = index % 3 == 0
            let at = now.addingTimeInterval(Double(-index) * 3_600)
            return Activity(id: ActivityID(), customerId: customer.id, category: payment ? "payment" : "email",
                            type: payment ? "payment.applied" : "email.sent",
                            summary: "Reminder 3 sent to ap@northwind.example about INV-00\(1_000 + index)",
                            occurredAt: at, actor: Actor(userId: UserID(), role: "specialist", name: "Dana Reyes"))
        }
        let workflows = (0..<10).map { (index: Int) -> WorkflowAssignmentSummary in
            let contact: ContactID? = index < 5 ? contacts[index].id : nil
            let invoice: InvoiceID? = index >= 5 ? invoices[index].id : nil
            return WorkflowAssignmentSummary(id: WorkflowAssignmentID(), workflowId: WorkflowID(), workflowName: "Standard 30-60-90",
                                             contactId: contact, invoiceId: invoice, state: "running",
                                             nextStepOn: BusinessDate(daysSinceEpoch: 20_510))
        }
        return DetailsSections(
            profile: try ContractJSON.encode(CustomerProfile(customer: customer, specialist: SpecialistReference(id: customer.specialistId ?? UserID(), name: "Sam Lee"), contacts: contacts, documents: documents)),
            invoices: try ContractJSON.encode(CustomerInvoicesSummary(
                invoices: invoices, totals: InvoiceTotals(openCents: 4_200_000, overdueCents: 3_100_000, aging: Aging(current: 1_100_000)))),
            payments: try ContractJSON.encode(CustomerPaymentsSummary(
                payment: PaymentSection(settings: PaymentSettings(cardAllowed: true, achAllowed: true, cardFee: nil, achFee: nil,
                                                                  autopay: false, isCustomerSpecific: false),
                                        link: nil, unappliedCreditCents: 12_500),
                promises: promises)),
            history: try ContractJSON.encode(CustomerHistorySection(history: CustomerHistorySummary(items: activities, openTasks: []))),
            workflows: try ContractJSON.encode(CustomerWorkflows(workflows: workflows)))
    }

    private func measure(_ body: () throws -> Void) rethrows -> Double {
        let rounds = max(100, iterations / 20)
        for _ in 0..<min(rounds, 200) { try body() }  // warm up
        let clock = ContinuousClock()
        let elapsed = try clock.measure { for _ in 0..<rounds { try body() } }
        return elapsed.microseconds / Double(rounds)
    }
}
