import Contracts
import Foundation

/// The Customer Details screen: the AR specialist's control room for one customer. Each
/// section says plainly when its service did not answer, and when it has nothing yet.
struct DetailsPage {
    struct Badge { let css: String?; let text: String }
    struct Bucket { let label: String; let amount: String }
    struct Totals { let open: String; let overdue: String; let isOverdue: Bool; let unappliedCredit: String; let buckets: [Bucket] }
    struct Fact { let label: String; let value: String }
    struct Contact { let name: String; let role: String; let reach: String; let workflow: String }
    struct Invoice { let number: String; let due: String; let state: String; let total: String; let balance: String }
    struct Promise { let amount: String; let date: String; let note: String? }
    struct Payment { let methods: String; let autopay: String; let settings: String; let unappliedCredit: String; let link: String? }
    struct Entry { let when: String; let what: String }
    struct Task { let title: String; let due: String }
    struct Document { let name: String; let size: String }
    struct Sub { let id: String; let name: String; let inactive: Bool }

    let title: String
    let signedIn = true
    let name: String
    let badge: Badge?
    let subtitle: String
    let unavailableText: String?
    let totals: Totals?
    let facts: [Fact]
    let contacts: [Contact]
    let hasContacts: Bool
    let invoicesUnavailable: Bool
    let invoices: [Invoice]
    let hasInvoices: Bool
    let noInvoices: Bool
    let promisesUnavailable: Bool
    let promises: [Promise]
    let hasPromises: Bool
    let noPromises: Bool
    let specialist: String?
    let payment: Payment?
    let historyUnavailable: Bool
    let history: [Entry]
    let hasHistory: Bool
    let noHistory: Bool
    let tasks: [Task]
    let hasTasks: Bool
    let documents: [Document]
    let hasDocuments: Bool
    let subCustomers: [Sub]
    let hasSubCustomers: Bool

    static func render(_ details: CustomerDetails) throws -> String {
        try Pages.render("details", DetailsPage(details))
    }

    init(_ details: CustomerDetails) {
        let record = details.customer.record
        let fields = record.fields
        let currency = record.currency
        title = fields.displayName
        name = fields.displayName
        badge = Self.badge(details)
        subtitle = [fields.company, fields.customerNumber.map { "No. \($0)" }].compactMap { $0 }.joined(separator: " · ")
        unavailableText = details.unavailable.isEmpty ? nil : details.unavailable.joined(separator: ", ")
        totals = details.totals.map { totals in
            let aging = totals.aging
            return Totals(
                open: currency.format(totals.openCents), overdue: currency.format(totals.overdueCents),
                isOverdue: totals.overdueCents > 0,
                unappliedCredit: details.payment.map { currency.format($0.unappliedCreditCents) } ?? "—",
                buckets: [("Current", aging.current), ("1–30", aging.d1_30), ("31–60", aging.d31_60), ("61–90", aging.d61_90),
                          ("90+", aging.over_90)].map { Bucket(label: $0.0, amount: currency.format($0.1)) })
        }
        facts = Self.facts(record)
        contacts = details.contacts.map { entry in
            Contact(name: entry.contact.fullName, role: entry.contact.role.rawValue,
                    reach: [entry.contact.email, entry.contact.phone].compactMap { $0 }.joined(separator: " · "),
                    workflow: entry.workflow.map { "Workflow: \($0.workflowName) (\($0.state))" } ?? "No workflow")
        }
        hasContacts = !contacts.isEmpty
        invoicesUnavailable = details.invoices == nil
        invoices = (details.invoices ?? []).map { entry in
            let invoice = entry.invoice
            return Invoice(number: invoice.number, due: invoice.dueDate.description,
                           state: invoice.state.replacingOccurrences(of: "_", with: " "),
                           total: invoice.currency.format(invoice.totalCents), balance: invoice.currency.format(invoice.balanceCents))
        }
        hasInvoices = !invoices.isEmpty
        noInvoices = details.invoices?.isEmpty == true
        promisesUnavailable = details.promises == nil
        promises = (details.promises ?? []).map {
            Promise(amount: currency.format($0.amountCents), date: $0.promisedOn.description, note: $0.note)
        }
        hasPromises = !promises.isEmpty
        noPromises = details.promises?.isEmpty == true
        specialist = details.specialist.map { specialist in
            (specialist.name ?? "A user not known yet") + (specialist.isActive ? "" : " (deactivated)")
        }
        payment = details.payment.map { payment in
            let methods = [payment.settings.cardAllowed ? "Card" : nil, payment.settings.achAllowed ? "ACH" : nil].compactMap { $0 }
            return Payment(methods: methods.isEmpty ? "Offline payments only" : methods.joined(separator: ", "),
                           autopay: payment.settings.autopay ? "On" : "Off",
                           settings: payment.settings.isCustomerSpecific ? "This customer's own" : "Business defaults",
                           unappliedCredit: currency.format(payment.unappliedCreditCents), link: payment.link?.url)
        }
        historyUnavailable = details.history == nil
        history = (details.history?.items ?? []).map { Entry(when: Pages.dateTime($0.occurredAt), what: $0.summary) }
        hasHistory = !history.isEmpty
        noHistory = details.history?.items.isEmpty == true
        tasks = (details.history?.openTasks ?? []).map { Task(title: $0.title, due: $0.dueOn.description) }
        hasTasks = !tasks.isEmpty
        documents = details.documents.map { Document(name: $0.filename, size: "\($0.sizeBytes / 1024) KB") }
        hasDocuments = !documents.isEmpty
        subCustomers = details.profile.subCustomers.map { Sub(id: $0.id.description, name: $0.displayName, inactive: $0.isDeactivated) }
        hasSubCustomers = !subCustomers.isEmpty
    }

    /// The customer's status as customer-service defines it (the list filters by the same).
    private static func badge(_ details: CustomerDetails) -> Badge? {
        let status = details.profile.status
        let css: String?
        switch status {
        case .active: css = "badge-active"
        case .new: css = nil
        case .noBalance, .inactive: css = "badge-muted"
        }
        return Badge(css: css, text: status.label)
    }

    private static func facts(_ record: CustomerRecord) -> [Fact] {
        let fields = record.fields
        func address(_ address: Address?) -> String? {
            guard let address else { return nil }
            let cityLine = [address.city, address.region, address.postalCode].compactMap { $0 }.joined(separator: " ")
            return [address.line1, address.line2, cityLine, address.country].compactMap { $0 }.filter { !$0.isEmpty }
                .joined(separator: ", ")
        }
        let shipping = fields.shippingSameAsBilling == false ? address(fields.shippingAddress) : "Same as billing"
        let rows: [(String, String?)] = [
            ("Email", fields.email), ("Phone", fields.phone), ("Mobile", fields.mobile), ("Website", fields.website),
            ("Name on checks", fields.nameOnChecks), ("Billing address", address(fields.billingAddress)),
            ("Shipping address", shipping), ("Payment terms", "Net \(record.paymentTermsDays)"),
            ("Currency", record.currency.code), ("Notes", fields.notes),
        ]
        return rows.compactMap { label, value in
            guard let value, !value.isEmpty else { return nil }
            return Fact(label: label, value: value)
        }
    }
}
