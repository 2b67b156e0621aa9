import Contracts

/// The payment portal's page (`/pay/{token}`): the business, the customer's open invoices
/// to choose from, the ways to pay with their fees, and a promise to pay. `closed`: the
/// link is revoked, expired or was never made.
struct PortalPageView {
    struct InvoiceRow {
        let id: String
        let number: String
        let issueDate: String
        let dueDate: String
        let balance: String
    }

    struct MethodChoice {
        let method: String
        let label: String
        let feeRule: String?
        let first: Bool
    }

    let business: String
    let token: String
    let closed: Bool
    let customer: String
    let currency: String
    let minorDigits: Int
    let expiresOn: String?
    let testMode: Bool
    let invoices: [InvoiceRow]
    let hasInvoices: Bool
    let methods: [MethodChoice]
    let hasMethods: Bool

    static func render(_ page: PortalPage, token: String) throws -> String {
        let currency = page.currency
        let methods = page.methods.enumerated().map { index, option in
            MethodChoice(method: option.method.rawValue, label: option.method == .card ? "Card" : "Bank account (ACH)",
                         feeRule: option.fee.flatMap { feeRule($0, currency) }, first: index == 0)
        }
        return try Pages.render("portal", PortalPageView(
            business: page.business.name, token: token, closed: false, customer: page.customer.name, currency: currency.code,
            minorDigits: currency.minorUnitDigits, expiresOn: page.expiresOn?.description, testMode: page.testMode,
            invoices: page.invoices.map {
                InvoiceRow(id: $0.id.description, number: $0.number, issueDate: $0.issueDate.description,
                           dueDate: $0.dueDate.description, balance: $0.currency.format($0.balanceCents))
            },
            hasInvoices: !page.invoices.isEmpty, methods: methods, hasMethods: !methods.isEmpty))
    }

    static func renderClosed(business: String, testMode: Bool) throws -> String {
        try Pages.render("portal", PortalPageView(
            business: business, token: "", closed: true, customer: "", currency: "", minorDigits: 2, expiresOn: nil,
            testMode: testMode, invoices: [], hasInvoices: false, methods: [], hasMethods: false))
    }

    /// "2.9% + $0.30, at most $10.00"; nil when it charges nothing.
    static func feeRule(_ fee: ConvenienceFee, _ currency: Currency) -> String? {
        var parts: [String] = []
        if fee.basisPoints > 0 {
            let whole = fee.basisPoints / 100, fraction = fee.basisPoints % 100
            let fractionText = fraction == 0 ? "" : "." + (fraction % 10 == 0 ? String(fraction / 10) : String(format: "%02d", fraction))
            parts.append("\(whole)\(fractionText)%")
        }
        if fee.fixedCents > 0 { parts.append(currency.format(fee.fixedCents)) }
        guard !parts.isEmpty else { return nil }
        return parts.joined(separator: " + ") + (fee.capCents.map { ", at most \(currency.format($0))" } ?? "")
    }
}
