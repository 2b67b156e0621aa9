import Contracts

/// What a promise to pay must be. Every refusal names its field and changes nothing.
enum PromiseRules {
    /// A promise is for a day from today to this many days ahead.
    static let horizonDays = 366
    static let noteLength = TextLimit.promiseNote

    /// The date: today or later, within a year.
    static func date(_ promisedOn: BusinessDate, today: BusinessDate) throws(ErrorBody) {
        guard promisedOn >= today, today.days(until: promisedOn) <= horizonDays else {
            throw .unprocessable("promised_on is from today (\(today)) to \(today.adding(days: horizonDays))", field: "promised_on")
        }
    }

    /// The amount: no more than is open on the promised invoices.
    static func amount(_ cents: Int64, open invoices: [PortalRules.OpenInvoice]) throws(ErrorBody) {
        try PaymentRules.amount(cents, field: "amount_cents")
        var open: Int64 = 0
        for invoice in invoices {
            let (sum, overflow) = open.addingReportingOverflow(invoice.balanceCents)
            open = overflow ? .max : sum  // saturating: more than any amount may be
        }
        guard let currency = invoices.first?.invoice.currency else { return }
        guard cents <= open else {
            throw .unprocessable("amount_cents is more than the \(currency.format(open)) open on these invoices", field: "amount_cents")
        }
    }

    /// What an open promise has come to today: kept when paid in full, broken once its day
    /// has passed without that (in the business time zone), otherwise still open.
    static func decision(_ promise: PromiseToPay, today: BusinessDate) -> PromiseState {
        if promise.paidCents >= promise.amountCents { return .kept }
        return today > promise.promisedOn ? .broken : .open
    }
}
