import Contracts
import Foundation

/// The Customer Details view decoded, for the page: the five services' sections, each nil
/// when its service did not answer in time (and then named in `unavailable`).
struct CustomerDetails {
    var profile: CustomerProfile
    var invoiceSummary: CustomerInvoicesSummary?
    var paymentSummary: CustomerPaymentsSummary?
    var history: CustomerHistorySummary?
    var workflows: [WorkflowAssignmentSummary]?
    var unavailable: [String]

    var customer: CustomerView { profile.customer }
    var specialist: SpecialistReference? { profile.specialist }
    var documents: [DocumentRecord] { profile.documents }
    var payment: PaymentSection? { paymentSummary?.payment }
    var promises: [PromiseToPay]? { paymentSummary?.promises }
    var totals: InvoiceTotals? { invoiceSummary?.totals }

    /// A contact with the workflow running for it (nil when none, or when unknown).
    struct ContactDetails {
        var contact: ContactRecord
        var workflow: WorkflowAssignmentSummary?
    }

    /// An invoice with the workflow running for it.
    struct InvoiceDetails {
        var invoice: InvoiceSummary
        var workflow: WorkflowAssignmentSummary?
    }

    var contacts: [ContactDetails] {
        profile.contacts.map { contact in
            ContactDetails(contact: contact, workflow: workflows?.first { $0.contactId == contact.id })
        }
    }

    var invoices: [InvoiceDetails]? {
        invoiceSummary?.invoices.map { invoice in
            InvoiceDetails(invoice: invoice, workflow: workflows?.first { $0.invoiceId == invoice.id })
        }
    }
}
