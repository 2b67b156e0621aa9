import Contracts
import Foundation

/// The Customer Details screen: the AR specialist's control room for one customer. Each
/// section says plainly when its service did not answer, and when it has nothing yet.
struct DetailsPage {
    struct Badge { let css: String?; let text: String }
    struct Bucket { let label: String; let amount: String }
    struct Totals {
        let open: String; let overdue: String; let isOverdue: Bool; let unappliedCredit: String; let buckets: [Bucket]
        /// What is open in each collection status, by name.
        let byStatus: [Bucket]; let hasByStatus: Bool
    }
    struct Fact { let label: String; let value: String }
    struct Contact {
        let id: String
        let name: String
        let role: String
        let reach: String
        let workflow: String
        let isActive: Bool
        let optOuts: String?
        let firstName: String
        let lastName: String
        let title: String
        let email: String
        let phone: String
        let mobile: String
        let roles: [Option]
        let emailOptOut: Bool
        let smsOptOut: Bool
        let callOptOut: Bool
    }
    typealias Option = PageOption
    struct Choice { let contactId: String; let text: String }
    struct MergeField { let name: String; let label: String; let choices: [Choice] }
    struct AddressFields { let line1: String; let line2: String; let city: String; let region: String; let postalCode: String; let country: String }
    /// The Edit Customer dialog, filled in.
    struct EditCustomer {
        let displayName: String, company: String, customerNumber: String, email: String, phone: String, mobile: String
        let website: String, nameOnChecks: String, notes: String, currency: String, terms: Int
        let billing: AddressFields, shipping: AddressFields, shippingSame: Bool, billedWithParent: Bool
    }
    struct Invoice {
        let id: String; let number: String; let issued: String; let due: String; let overdue: String?; let state: String
        let total: String; let paid: String; let balance: String; let status: String; let workflow: String
        /// The inline collection-status select, for those who may change it (not on a void invoice).
        let canChange: Bool; let statusChoices: [Option]
    }
    struct Promise {
        let id: String; let amount: String; let date: String; let note: String?; let invoices: String; let paid: String
        let state: String; let source: String
    }
    struct Payment { let methods: String; let autopay: String; let settings: String; let unappliedCredit: String; let link: String? }
    /// What payments-service showed the page: the payments, the invoices a payment can go
    /// to (its balances), the methods and the settings as they stand.
    struct Ledger {
        var payments: [Contracts.Payment]
        var payable: [PayableInvoice]
        var methods: [PaymentMethod]
        var settings: PaymentSettings?
    }
    struct Application { let invoice: String; let amount: String; let when: String; let note: String?; let unapply: String? }
    struct PaymentRow {
        let id: String; let received: String; let method: String; let reference: String?; let amount: String; let applied: String
        let unapplied: String; let refunded: String; let hasCredit: Bool; let applications: [Application]; let refunds: [String]
    }
    struct Payable { let id: String; let number: String; let due: String; let balance: String; let balanceMinor: String }
    /// The Payment Settings dialog, filled in (fees as a person types them: 2.9 %, 0.30).
    struct SettingsForm {
        let cardAllowed: Bool; let achAllowed: Bool; let autopay: Bool; let isCustomerSpecific: Bool
        let cardPercent: String; let cardFixed: String; let cardCap: String; let achPercent: String; let achFixed: String; let achCap: String
    }
    struct Entry { let when: String; let who: String; let what: String; let category: String }
    struct Task { let id: String; let title: String; let due: String; let assignee: String; let overdue: Bool }
    /// The timeline's tabs (`?type=` of the history API).
    static let historyTabs: [(HistoryTab, String)] = [
        (.all, "All"), (.call, "Calls"), (.email, "Emails"), (.sms, "SMS"), (.note, "Notes"), (.task, "Tasks"), (.payment, "Payments"),
    ]
    struct Tab { let value: String; let label: String; let selected: Bool }
    struct Document { let id: String; let name: String; let size: String; let uploaded: String }
    struct Sub { let id: String; let name: String; let inactive: Bool }

    let title: String
    let signedIn = true
    let customerId: String
    /// Whether the signed-in role may change this customer, and choose its specialist.
    let canEdit: Bool
    let canAssign: Bool
    let isDeactivated: Bool
    let edit: EditCustomer
    let mergeFields: [MergeField]
    let canMerge: Bool
    let specialistChoices: [Option]
    /// Who a task can be given to (the customer's specialist chosen).
    let assigneeChoices: [Option]
    let historyTabs: [Tab]
    /// The next page of the timeline after the entries shown (nil: they are all).
    let historyNext: String?
    /// The Edit dialog's parent customer choices (other customers, by name).
    let parentChoices: [Option]
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
    let payments: [PaymentRow]
    let hasPayments: Bool
    let paymentsUnavailable: Bool
    let payable: [Payable]
    let hasPayable: Bool
    let methodChoices: [Option]
    let settingsForm: SettingsForm?
    /// The Create Invoice dialog: the customer's currency (for live totals), terms, active
    /// contacts and the collection statuses (the default chosen).
    let currencyCode: String
    let minorDigits: Int
    let termsDays: Int
    let contactChoices: [Option]
    let statusChoices: [Option]
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

    /// How many customers the parent chooser offers.
    static let parentChoices = 200

    /// `today`: the business's date (a task due before it is overdue).
    static func render(_ details: CustomerDetails, canEdit: Bool = false, canAssign: Bool = false,
                       specialists: [SpecialistReference] = [], parents: [CustomerRecord] = [],
                       statuses: [CollectionStatus] = [], ledger: Ledger? = nil,
                       today: BusinessDate = BusinessDate.today(inTimeZone: "UTC", at: Date())) throws -> String {
        try Pages.render("details", DetailsPage(details, canEdit: canEdit, canAssign: canAssign, specialists: specialists,
                                                parents: parents, statuses: statuses, ledger: ledger, today: today))
    }

    init(_ details: CustomerDetails, canEdit: Bool = false, canAssign: Bool = false, specialists: [SpecialistReference] = [],
         parents: [CustomerRecord] = [], statuses: [CollectionStatus] = [], ledger: Ledger? = nil,
         today: BusinessDate = BusinessDate.today(inTimeZone: "UTC", at: Date())) {
        let record = details.customer.record
        let fields = record.fields
        let currency = record.currency
        customerId = record.id.description
        self.canEdit = canEdit
        self.canAssign = canAssign
        isDeactivated = record.isDeactivated
        edit = Self.editing(record)
        let parent = record.fields.parentCustomerId
        var parentOptions = parents.filter { $0.id != record.id }.map {
            Option(value: $0.id.description, label: $0.fields.displayName, selected: $0.id == parent)
        }
        if let parent, !parentOptions.contains(where: { $0.value == parent.description }) {
            parentOptions.insert(Option(value: parent.description, label: "The current parent", selected: true), at: 0)
        }
        parentChoices = [Option(value: "", label: "None (billed on its own)", selected: parent == nil)] + parentOptions
        specialistChoices = specialists.map {
            Option(value: $0.id.description, label: $0.name ?? $0.id.description, selected: $0.id == record.specialistId)
        }
        assigneeChoices = specialistChoices
        historyTabs = Self.historyTabs.map { Tab(value: $0.0.rawValue, label: $0.1, selected: $0.0 == .all) }
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
                          ("90+", aging.over_90)].map { Bucket(label: $0.0, amount: currency.format($0.1)) },
                byStatus: totals.byCollectionStatus.map {
                    Bucket(label: "\($0.name) (\($0.invoices))", amount: currency.format($0.openCents))
                },
                hasByStatus: !totals.byCollectionStatus.isEmpty)
        }
        facts = Self.facts(record)
        contacts = details.contacts.map { entry in
            let contact = entry.contact
            let optOuts = [contact.emailOptOut ? "email" : nil, contact.smsOptOut ? "SMS" : nil, contact.callOptOut ? "calls" : nil]
                .compactMap { $0 }
            return Contact(
                id: contact.id.description, name: contact.fullName, role: contact.role.rawValue,
                reach: [contact.title, contact.email, contact.phone, contact.mobile].compactMap { $0 }.joined(separator: " · "),
                workflow: entry.workflow.map { "Workflow: \($0.workflowName) (\($0.state))" } ?? "No workflow",
                isActive: contact.isActive, optOuts: optOuts.isEmpty ? nil : "Opted out of " + optOuts.joined(separator: ", "),
                firstName: contact.firstName, lastName: contact.lastName ?? "", title: contact.title ?? "", email: contact.email ?? "",
                phone: contact.phone ?? "", mobile: contact.mobile ?? "",
                roles: ContactRole.allCases.map { Option(value: $0.rawValue, label: $0.rawValue.capitalized, selected: $0 == contact.role) },
                emailOptOut: contact.emailOptOut, smsOptOut: contact.smsOptOut, callOptOut: contact.callOptOut)
        }
        hasContacts = !contacts.isEmpty
        canMerge = canEdit && details.contacts.count >= 2
        mergeFields = Self.mergeFields(details.contacts.map(\.contact))
        invoicesUnavailable = details.invoices == nil
        invoices = (details.invoices ?? []).map { entry in
            let invoice = entry.invoice
            let choices = [Option(value: "", label: "None", selected: invoice.collectionStatus == nil)] + statuses.map {
                Option(value: $0.id.description, label: $0.name, selected: $0.id == invoice.collectionStatus?.id)
            }
            return Invoice(
                id: invoice.id.description, number: invoice.number, issued: invoice.issueDate.description,
                due: invoice.dueDate.description, overdue: invoice.daysOverdue > 0 ? "\(invoice.daysOverdue) days overdue" : nil,
                state: invoice.state.rawValue.replacingOccurrences(of: "_", with: " "),
                total: invoice.currency.format(invoice.totalCents), paid: invoice.currency.format(invoice.paidCents),
                balance: invoice.currency.format(invoice.balanceCents), status: invoice.collectionStatus?.name ?? "—",
                workflow: entry.workflow.map { "\($0.workflowName) (\($0.state))" } ?? "—",
                canChange: canEdit && !statuses.isEmpty && invoice.state != .void, statusChoices: choices)
        }
        currencyCode = currency.code
        minorDigits = currency.minorUnitDigits
        paymentsUnavailable = ledger == nil
        payments = (ledger?.payments ?? []).map { payment in
            let currency = payment.currency
            return PaymentRow(
                id: payment.id.description, received: payment.receivedOn.description,
                method: ledger?.methods.first { $0.code == payment.method }?.name ?? payment.method, reference: payment.reference,
                amount: currency.format(payment.amountCents), applied: currency.format(payment.appliedCents),
                unapplied: currency.format(payment.unappliedCents), refunded: currency.format(payment.refundedCents),
                hasCredit: payment.unappliedCents > 0,
                applications: payment.applications.map { application in
                    Application(invoice: application.invoiceNumber, amount: currency.format(application.amountCents),
                                when: application.appliedOn.description,
                                note: application.unappliedOn.map { "taken back \($0)" + (application.unapplyReason == .invoiceVoided ? " (invoice voided)" : "") },
                                unapply: application.unappliedOn == nil ? "/api/v1/payments/\(payment.id)/applications/\(application.id)" : nil)
                },
                refunds: payment.refunds.map { "Refunded \(currency.format($0.amountCents)) on \($0.refundedOn): \($0.reason)" })
        }
        hasPayments = !payments.isEmpty
        payable = (ledger?.payable ?? []).map {
            Payable(id: $0.id.description, number: $0.number, due: $0.dueDate.description, balance: currency.format($0.balanceCents),
                    balanceMinor: String($0.balanceCents))
        }
        hasPayable = !payable.isEmpty
        methodChoices = (ledger?.methods ?? []).filter(\.active).map { Option(value: $0.code, label: $0.name, selected: $0.code == "check") }
        settingsForm = ledger?.settings.map { settings in
            func percent(_ fee: ConvenienceFee?) -> String {
                guard let fee else { return "" }
                return fee.basisPoints % 100 == 0 ? String(fee.basisPoints / 100) : Currency.usd.decimal(Int64(fee.basisPoints))
            }
            return SettingsForm(
                cardAllowed: settings.cardAllowed, achAllowed: settings.achAllowed, autopay: settings.autopay,
                isCustomerSpecific: settings.isCustomerSpecific,
                cardPercent: percent(settings.cardFee), cardFixed: settings.cardFee.map { currency.decimal($0.fixedCents) } ?? "",
                cardCap: settings.cardFee?.capCents.map { currency.decimal($0) } ?? "",
                achPercent: percent(settings.achFee), achFixed: settings.achFee.map { currency.decimal($0.fixedCents) } ?? "",
                achCap: settings.achFee?.capCents.map { currency.decimal($0) } ?? "")
        }
        termsDays = record.paymentTermsDays
        contactChoices = details.contacts.filter(\.contact.isActive).map {
            Option(value: $0.contact.id.description, label: $0.contact.fullName, selected: false)
        }
        statusChoices = [Option(value: "", label: "None", selected: !statuses.contains(where: \.isDefault))] + statuses.map {
            Option(value: $0.id.description, label: $0.name, selected: $0.isDefault)
        }
        hasInvoices = !invoices.isEmpty
        noInvoices = details.invoices?.isEmpty == true
        promisesUnavailable = details.promises == nil
        promises = (details.promises ?? []).map {
            Promise(id: $0.id.description, amount: $0.currency.format($0.amountCents), date: $0.promisedOn.description, note: $0.note,
                    invoices: $0.invoiceNumbers.joined(separator: ", "), paid: $0.currency.format($0.paidCents),
                    state: $0.state.rawValue, source: $0.source == .portal ? "via the portal" : "")
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
        let shown = details.history?.items ?? []
        history = shown.map {
            Entry(when: Pages.dateTime($0.occurredAt), who: $0.actor?.name ?? "", what: $0.summary, category: $0.category)
        }
        historyNext = details.history?.nextCursor
        hasHistory = !history.isEmpty
        noHistory = details.history?.items.isEmpty == true
        let names = Dictionary(specialists.map { ($0.id, $0.name ?? "") }, uniquingKeysWith: { first, _ in first })
        tasks = (details.history?.openTasks ?? []).map {
            Task(id: $0.id.description, title: $0.title, due: $0.dueOn.description,
                 assignee: $0.assigneeId.map { names[$0].flatMap { $0.isEmpty ? nil : $0 } ?? "a user" } ?? "nobody yet",
                 overdue: $0.dueOn < today)
        }
        hasTasks = !tasks.isEmpty
        documents = details.documents.map { document in
            let size = document.sizeBytes < 1_024 ? "\(document.sizeBytes) bytes" : "\((document.sizeBytes + 512) / 1_024) KB"
            return Document(id: document.id.description, name: document.filename, size: size, uploaded: Pages.dateTime(document.uploadedAt))
        }
        hasDocuments = !documents.isEmpty
        subCustomers = details.profile.subCustomers.map { Sub(id: $0.id.description, name: $0.displayName, inactive: $0.isDeactivated) }
        hasSubCustomers = !subCustomers.isEmpty
    }

    private static func editing(_ record: CustomerRecord) -> EditCustomer {
        let fields = record.fields
        func address(_ address: Address?) -> AddressFields {
            AddressFields(line1: address?.line1 ?? "", line2: address?.line2 ?? "", city: address?.city ?? "",
                          region: address?.region ?? "", postalCode: address?.postalCode ?? "", country: address?.country ?? "")
        }
        return EditCustomer(
            displayName: fields.displayName, company: fields.company ?? "", customerNumber: fields.customerNumber ?? "",
            email: fields.email ?? "", phone: fields.phone ?? "", mobile: fields.mobile ?? "", website: fields.website ?? "",
            nameOnChecks: fields.nameOnChecks ?? "", notes: fields.notes ?? "", currency: record.currency.code,
            terms: record.paymentTermsDays, billing: address(fields.billingAddress), shipping: address(fields.shippingAddress),
            shippingSame: fields.shippingSameAsBilling != false, billedWithParent: fields.billedWithParent == true)
    }

    /// For each contact field, every contact's value to choose from in the merge dialog.
    private static func mergeFields(_ contacts: [ContactRecord]) -> [MergeField] {
        let fields: [(String, String, (ContactRecord) -> String?)] = [
            ("first_name", "First name", { $0.firstName }), ("last_name", "Last name", { $0.lastName }), ("title", "Title", { $0.title }),
            ("email", "Email", { $0.email }), ("phone", "Phone", { $0.phone }), ("mobile", "Mobile", { $0.mobile }),
            ("role", "Role", { $0.role.rawValue }),
        ]
        return fields.map { name, label, value in
            MergeField(name: name, label: label, choices: contacts.map { contact in
                Choice(contactId: contact.id.description, text: "\(contact.fullName): \(value(contact) ?? "(none)")")
            })
        }
    }

    /// The customer's status as customer-service defines it (the list filters by the same).
    private static func badge(_ details: CustomerDetails) -> Badge? {
        Badge(css: details.profile.status.badgeCSS, text: details.profile.status.label)
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
