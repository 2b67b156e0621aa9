import Contracts

/// A customer statement's figures: what the customer owed at the start, each invoice and
/// payment since in date order with the running balance, what it owes at the end, and the
/// end's aging. Two kinds:
///
/// - **open items** (no start date): every invoice still owed on, with the payments applied
///   to it; opening balance 0, closing balance = the open balance the Customer Details view
///   shows, and the same aging (both come from `InvoiceAging`).
/// - **balance forward** (`from`…`to`): the balance at the start of `from`, then every
///   invoice issued and every payment applied or taken back in the period.
///
/// Drafts are not owed and voided invoices never were: neither appears. Amounts are minor
/// units, every sum checked.
enum StatementLedger {
    struct Application: Hashable, Sendable {
        var paymentId: PaymentID
        var invoiceId: InvoiceID
        var invoiceNumber: String
        var amountCents: Int64
        var appliedOn: BusinessDate
        var unappliedOn: BusinessDate?
        var method: String
        var reference: String?

        /// Whether it counted at the end of `date`.
        func isLive(at date: BusinessDate) -> Bool { appliedOn <= date && !(unappliedOn.map { $0 <= date } ?? false) }
    }

    enum Kind: String, Sendable { case invoice, payment, reversal }

    struct Entry: Hashable, Sendable {
        var date: BusinessDate
        var kind: Kind
        var description: String
        /// Positive: owed more (an invoice, a payment taken back); negative: a payment.
        var amountCents: Int64
        /// The balance after this entry.
        var balanceCents: Int64
    }

    struct Statement: Hashable, Sendable {
        var from: BusinessDate?
        var to: BusinessDate
        var openingCents: Int64
        var entries: [Entry]
        var closingCents: Int64
        var aging: Aging
    }

    static func build(invoices: [InvoiceSummary], applications: [Application], from: BusinessDate?, to: BusinessDate)
        throws(MoneyError) -> Statement {
        let issued = invoices.filter { $0.state != .draft && $0.state != .void }
        // Open items are what is owed now, as the Customer Details view counts it (an
        // invoice dated ahead included); a period has what was issued in it.
        guard let from else { return try openItems(issued, applications, to: to) }
        let owed = issued.filter { $0.issueDate <= to }
        let byId = Dictionary(owed.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let counted = applications.filter { byId[$0.invoiceId] != nil }

        var opening: Int64 = 0
        for invoice in owed where invoice.issueDate < from { try Money.add(invoice.totalCents, to: &opening) }
        for application in counted where application.isLive(at: from.adding(days: -1)) {
            try Money.add(-application.amountCents, to: &opening)
        }
        var movements: [(date: BusinessDate, order: Int, kind: Kind, text: String, amount: Int64)] = []
        for invoice in owed where invoice.issueDate >= from {
            movements.append((invoice.issueDate, 0, .invoice, "Invoice \(invoice.number), due \(invoice.dueDate)", invoice.totalCents))
        }
        for application in counted {
            if (from...to).contains(application.appliedOn) {
                movements.append((application.appliedOn, 1, .payment, paymentText(application), -application.amountCents))
            }
            if let back = application.unappliedOn, (from...to).contains(back) {
                movements.append((back, 2, .reversal, "Payment taken back from \(application.invoiceNumber)", application.amountCents))
            }
        }
        let entries = try running(movements, from: opening)
        // Aging at the end of the period: each invoice's balance as it stood then.
        var atEnd: [InvoiceSummary] = []
        for var invoice in owed {
            var paid: Int64 = 0
            for application in counted where application.invoiceId == invoice.id && application.isLive(at: to) {
                try Money.add(application.amountCents, to: &paid)
            }
            invoice.paidCents = paid
            invoice.balanceCents = invoice.totalCents - paid
            invoice.state = paid == 0 ? .open : (paid < invoice.totalCents ? .partiallyPaid : .paid)
            atEnd.append(invoice)
        }
        return Statement(from: from, to: to, openingCents: opening, entries: entries, closingCents: entries.last?.balanceCents ?? opening,
                         aging: try InvoiceAging.totals(of: atEnd, asOf: to).aging)
    }

    /// Every open invoice with the payments that stand applied to it, in date order:
    /// closing = open balance.
    private static func openItems(_ owed: [InvoiceSummary], _ applications: [Application], to: BusinessDate)
        throws(MoneyError) -> Statement {
        let open = owed.filter(InvoiceAging.isOpen)
        let openIds = Set(open.map(\.id))
        var movements: [(date: BusinessDate, order: Int, kind: Kind, text: String, amount: Int64)] = open.map {
            ($0.issueDate, 0, .invoice, "Invoice \($0.number), due \($0.dueDate)", $0.totalCents)
        }
        for application in applications where openIds.contains(application.invoiceId) && application.unappliedOn == nil {
            movements.append((application.appliedOn, 1, .payment, paymentText(application), -application.amountCents))
        }
        let entries = try running(movements, from: 0)
        return Statement(from: nil, to: to, openingCents: 0, entries: entries, closingCents: entries.last?.balanceCents ?? 0,
                         aging: try InvoiceAging.totals(of: open, asOf: to).aging)
    }

    /// The movements in date order (invoices, then payments, then reversals on one day),
    /// each with the balance after it.
    private static func running(_ movements: [(date: BusinessDate, order: Int, kind: Kind, text: String, amount: Int64)],
                                from opening: Int64) throws(MoneyError) -> [Entry] {
        var balance = opening
        var entries: [Entry] = []
        for movement in movements.sorted(by: { ($0.date, $0.order, $0.text) < ($1.date, $1.order, $1.text) }) {
            try Money.add(movement.amount, to: &balance)
            entries.append(Entry(date: movement.date, kind: movement.kind, description: movement.text,
                                 amountCents: movement.amount, balanceCents: balance))
        }
        return entries
    }

    private static func paymentText(_ application: Application) -> String {
        let reference = application.reference.map { " \($0)" } ?? ""
        return "Payment (\(application.method)\(reference)) applied to \(application.invoiceNumber)"
    }
}
