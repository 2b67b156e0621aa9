import Contracts
import Foundation

/// The Customer Details view (API.md): everything the screen shows, merged from the five
/// services. A section whose service did not answer in time is `null` and named in
/// `unavailable`.
struct CustomerDetails: Encodable {
    var customer: CustomerResponse
    var specialist: Specialist?
    var contacts: [ContactDetails]
    var payment: PaymentSection?
    var invoices: [InvoiceDetails]?
    var promises: [PromiseSummary]?
    var history: CustomerHistorySummary?
    var documents: [DocumentRecord]
    var totals: InvoiceTotals?
    var unavailable: [String]

    struct Specialist: Encodable {
        var id: UserID
    }

    struct PaymentSection: Encodable {
        var settings: PaymentSettings
        var link: PaymentLinkSummary?
        var unappliedCreditCents: Int64

        private enum CodingKeys: String, CodingKey { case settings, link, unappliedCreditCents }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(settings, forKey: .settings)
            try container.encode(link, forKey: .link)
            try container.encode(unappliedCreditCents, forKey: .unappliedCreditCents)
        }
    }

    /// A contact with the workflow running for it (nil when none, or when unknown).
    struct ContactDetails: Encodable {
        var contact: ContactRecord
        var workflow: WorkflowAssignmentSummary?

        private enum CodingKeys: String, CodingKey { case workflow }
        func encode(to encoder: any Encoder) throws {
            try contact.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(workflow, forKey: .workflow)
        }
    }

    /// An invoice with the workflow running for it.
    struct InvoiceDetails: Encodable {
        var invoice: InvoiceSummary
        var workflow: WorkflowAssignmentSummary?

        private enum CodingKeys: String, CodingKey { case workflow }
        func encode(to encoder: any Encoder) throws {
            try invoice.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(workflow, forKey: .workflow)
        }
    }

    private enum CodingKeys: String, CodingKey {
        case customer, specialist, contacts, payment, invoices, promises, history, documents, totals, unavailable
    }

    /// Absent sections are written as `null`, never left out.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(customer, forKey: .customer)
        try container.encode(specialist, forKey: .specialist)
        try container.encode(contacts, forKey: .contacts)
        try container.encode(payment, forKey: .payment)
        try container.encode(invoices, forKey: .invoices)
        try container.encode(promises, forKey: .promises)
        try container.encode(history, forKey: .history)
        try container.encode(documents, forKey: .documents)
        try container.encode(totals, forKey: .totals)
        try container.encode(unavailable, forKey: .unavailable)
    }
}
