import Contracts

/// What a portal payment must be before a processor sees it, and how its amount is
/// spread over the chosen invoices. Every refusal names its field and changes nothing.
enum PortalRules {
    /// The most invoices one portal payment or promise covers.
    static let maximumInvoices = 200

    /// The digits of a typed number, spaces and dashes left out; "" when anything else is in it.
    static func digits(_ typed: String) -> String {
        let kept = typed.filter { $0 != " " && $0 != "-" }
        return kept.allSatisfy({ $0.isASCII && $0.isNumber }) ? kept : ""
    }

    /// A card as typed: a number of 12–19 digits that passes the Luhn check (422 otherwise:
    /// the document allows any text), a month 1–12, a year of four digits, a 3- or 4-digit
    /// security code, the name on it (400 otherwise: the document rules those out).
    static func check(_ card: CardDetails) throws(ErrorBody) {
        let number = digits(card.cardNumber)
        guard card.cardNumber.unicodeScalars.count <= TextLimit.cardNumber, (12...19).contains(number.count), luhn(number) else {
            throw .unprocessable("payment_details.card_number is not a card number", field: "payment_details.card_number")
        }
        guard (1...12).contains(card.expMonth) else {
            throw .invalidArgument("payment_details.exp_month is from 1 to 12", field: "payment_details.exp_month")
        }
        guard (2000...2100).contains(card.expYear) else {
            throw .invalidArgument("payment_details.exp_year is a four-digit year", field: "payment_details.exp_year")
        }
        guard (3...4).contains(card.cvc.unicodeScalars.count), card.cvc.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .invalidArgument("payment_details.cvc is 3 or 4 digits", field: "payment_details.cvc")
        }
        try name(card.name)
    }

    /// A bank account as typed: a 9-digit routing number whose check digit is right, an
    /// account number of 4–17 digits, the account holder's name.
    static func check(_ account: BankAccountDetails) throws(ErrorBody) {
        let routing = digits(account.routingNumber)
        guard account.routingNumber.unicodeScalars.count <= TextLimit.routingNumber, routing.count == 9, routingChecksum(routing) else {
            throw .unprocessable("payment_details.routing_number is not a routing number", field: "payment_details.routing_number")
        }
        guard account.accountNumber.unicodeScalars.count <= TextLimit.accountNumber,
              (4...17).contains(digits(account.accountNumber).count) else {
            throw .unprocessable("payment_details.account_number is 4 to 17 digits", field: "payment_details.account_number")
        }
        try name(account.name)
    }

    private static func name(_ typed: String) throws(ErrorBody) {
        guard try TextLimit.trimmed(typed, TextLimit.name, field: "payment_details.name") != nil else {
            throw .invalidArgument("payment_details.name is required", field: "payment_details.name")
        }
    }

    /// Whether the card's last month of validity is before today's.
    static func hasExpired(_ card: CardDetails, today: BusinessDate) -> Bool {
        (card.expYear, card.expMonth) < (today.year, today.month)
    }

    static func luhn(_ digits: String) -> Bool {
        var sum = 0
        for (index, character) in digits.reversed().enumerated() {
            guard let digit = character.wholeNumberValue else { return false }
            let weighted = index % 2 == 1 ? digit * 2 : digit
            sum += weighted > 9 ? weighted - 9 : weighted
        }
        return sum % 10 == 0
    }

    /// ABA: 3·d1 + 7·d2 + d3 + 3·d4 + … ≡ 0 (mod 10).
    static func routingChecksum(_ digits: String) -> Bool {
        let weights = [3, 7, 1, 3, 7, 1, 3, 7, 1]
        let values = digits.compactMap(\.wholeNumberValue)
        return values.count == 9 && zip(values, weights).reduce(0) { $0 + $1.0 * $1.1 } % 10 == 0
    }

    /// An open invoice the portal may take money for: one of the customer's, issued, with a balance.
    struct OpenInvoice {
        var invoice: LedgerStore.KnownInvoice
        var balanceCents: Int64
    }

    /// What paying would charge, and where the amount goes.
    struct Plan {
        var currency: Currency
        var amountCents: Int64
        var feeCents: Int64
        var totalCents: Int64
        var applications: [ApplicationInput]
        /// The invoices it goes to, as read (locked, for a payment).
        var invoices: [InvoiceID: LedgerStore.KnownInvoice]
    }

    /// The invoice ids of a request: 1 to `maximumInvoices`, each once.
    static func invoiceIDs(_ ids: [InvoiceID]) throws(ErrorBody) {
        guard !ids.isEmpty else { throw .invalidArgument("choose at least one invoice", field: "invoice_ids") }
        guard ids.count <= maximumInvoices else {
            throw .invalidArgument("at most \(maximumInvoices) invoices at once", field: "invoice_ids")
        }
        guard Set(ids).count == ids.count else { throw .invalidArgument("an invoice is named twice", field: "invoice_ids") }
    }

    /// The chosen invoices as this customer's open ones, in the order given; anything else
    /// (another customer's, unknown, a draft, void or paid one) is refused naming it, in
    /// the same words whether it exists or not.
    static func open(_ ids: [InvoiceID], of customer: CustomerID, known: [InvoiceID: LedgerStore.KnownInvoice],
                     applied: (InvoiceID) throws -> Int64) throws -> [OpenInvoice] {
        try ids.enumerated().map { index, id in
            let field = "invoice_ids[\(index)]"
            guard let invoice = known[id], invoice.customerId == customer, invoice.state != .draft else {
                throw ErrorBody.unprocessable("invoice \(id) is not one of this customer's open invoices", field: field)
            }
            guard invoice.state == .issued else { throw ErrorBody.unprocessable("\(invoice.number) is void", field: field) }
            let balance = invoice.totalCents - (try applied(id))
            guard balance > 0 else { throw ErrorBody.unprocessable("\(invoice.number) is paid", field: field) }
            return OpenInvoice(invoice: invoice, balanceCents: balance)
        }
    }

    /// The amount (all the balances, or `amount` when less), applied to the invoices oldest
    /// due first, and the fee on it by `fee` (`ConvenienceFee.fee`, the one fee rule).
    static func plan(_ invoices: [OpenInvoice], amount: Int64?, fee: ConvenienceFee?) throws(ErrorBody) -> Plan {
        guard let currency = invoices.first?.invoice.currency else {
            throw .invalidArgument("choose at least one invoice", field: "invoice_ids")
        }
        guard invoices.allSatisfy({ $0.invoice.currency == currency }) else {
            throw .unprocessable("the invoices are in different currencies; pay them one currency at a time", field: "invoice_ids")
        }
        var open: Int64 = 0
        for invoice in invoices {
            let (sum, overflow) = open.addingReportingOverflow(invoice.balanceCents)
            guard !overflow, sum <= PaymentRules.maximumAmount else {
                throw .unprocessable("the invoices come to more than one payment may be", field: "invoice_ids")
            }
            open = sum
        }
        let paying = amount ?? open
        guard (1...open).contains(paying) else {
            throw .unprocessable("amount_cents is from 1 to the \(currency.format(open)) open on these invoices", field: "amount_cents")
        }
        var left = paying
        var applications: [ApplicationInput] = []
        for invoice in invoices.sorted(by: { ($0.invoice.dueDate, $0.invoice.number) < ($1.invoice.dueDate, $1.invoice.number) })
        where left > 0 {
            let part = min(left, invoice.balanceCents)
            applications.append(ApplicationInput(invoiceId: invoice.invoice.id, amountCents: part))
            left -= part
        }
        let feeCents: Int64
        do { feeCents = try fee?.fee(on: paying) ?? 0 } catch { throw .unprocessable("the fee cannot be worked out", field: "amount_cents") }
        let (total, overflow) = paying.addingReportingOverflow(feeCents)
        guard !overflow, total <= PaymentRules.maximumAmount else {
            throw .unprocessable("the amount and fee come to more than one payment may be", field: "amount_cents")
        }
        return Plan(currency: currency, amountCents: paying, feeCents: feeCents, totalCents: total, applications: applications,
                    invoices: Dictionary(uniqueKeysWithValues: invoices.map { ($0.invoice.id, $0.invoice) }))
    }
}
