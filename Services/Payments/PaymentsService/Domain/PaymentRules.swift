import Contracts

/// The rules a payment, an application and a refund obey. Every refusal names its field
/// and changes nothing; every sum is checked.
enum PaymentRules {
    /// The largest amount one payment, application or refund may be, in minor units.
    static let maximumAmount: Int64 = 10_000_000_000_000
    /// The most invoices one payment may be applied to at once.
    static let maximumApplications = 200

    static func amount(_ cents: Int64, field: String) throws(ErrorBody) {
        guard (1...maximumAmount).contains(cents) else {
            throw .invalidArgument("\(field) is from 1 to \(maximumAmount)", field: field)
        }
    }

    /// A payment method's code as typed: trimmed, lower case.
    static func method(_ code: String) throws(ErrorBody) -> String {
        guard let method = try TextLimit.trimmed(code, 40, field: "method") else {
            throw .invalidArgument("method is required", field: "method")
        }
        return method.lowercased()
    }

    /// The applications of one request: each amount in range, each invoice once, together no
    /// more than `available`.
    static func applications(_ inputs: [ApplicationInput], available: Int64, field: String = "applications")
        throws(ErrorBody) {
        guard inputs.count <= maximumApplications else {
            throw .invalidArgument("a payment is applied to at most \(maximumApplications) invoices at once", field: field)
        }
        var seen = Set<InvoiceID>()
        var total: Int64 = 0
        for (index, input) in inputs.enumerated() {
            try amount(input.amountCents, field: "\(field)[\(index)].amount_cents")
            guard seen.insert(input.invoiceId).inserted else {
                throw .unprocessable("invoice \(input.invoiceId) appears twice", field: "\(field)[\(index)].invoice_id")
            }
            let (sum, overflow) = total.addingReportingOverflow(input.amountCents)
            guard !overflow, sum <= available else {
                throw .unprocessable("the applications come to more than the \(available) available", field: field)
            }
            total = sum
        }
    }

    /// Whether `cents` may go to `invoice` now: one of this customer's issued invoices, in the
    /// payment's currency, with at least that much still open after what stands applied.
    static func check(_ cents: Int64, to invoice: LedgerStore.KnownInvoice?, id: InvoiceID, customer: CustomerID,
                      currency: Currency, applied: Int64, field: String) throws(ErrorBody) {
        guard let invoice, invoice.customerId == customer else {
            throw .unprocessable("invoice \(id) is not one of this customer's invoices", field: field)
        }
        switch invoice.state {
        case .draft: throw .unprocessable("\(invoice.number) is a draft: nothing is owed on it yet", field: field)
        case .void: throw .unprocessable("\(invoice.number) is void", field: field)
        case .issued: break
        }
        guard invoice.currency == currency else {
            throw .unprocessable("\(invoice.number) is in \(invoice.currency.code), the payment in \(currency.code)", field: field)
        }
        let open = invoice.totalCents - applied
        guard cents <= open else {
            throw .unprocessable("only \(invoice.currency.format(max(open, 0))) is open on \(invoice.number)", field: field)
        }
    }
}
