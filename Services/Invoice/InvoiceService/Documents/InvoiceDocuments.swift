import Contracts
import Foundation
import PDF

/// The invoice and the customer statement as PDFs (SPEC §3, §4), drawn with cairo: the
/// business's letterhead from its settings, the customer's addresses, the figures exactly
/// as the service computed them (formatted by `Currency.format`, integer arithmetic only),
/// and the customer's payment link when there is one.
enum InvoiceDocuments {
    static func invoice(_ invoice: Invoice, business: BusinessSettings, customer: CustomerFields?, paymentLink: String?)
        throws -> [UInt8] {
        let currency = invoice.currency
        var page = try PageWriter(title: "Invoice \(invoice.number)", business: business)
        page.heading(invoice.state == .void ? "INVOICE — VOID" : "INVOICE", facts: [
            ("Invoice", invoice.number), ("Issued", invoice.issueDate.description), ("Due", invoice.dueDate.description),
        ] + (invoice.poNumber.map { [("PO", $0)] } ?? []))
        page.addresses(customer: customer)

        let columns = (quantity: 360.0, price: 430.0, tax: 480.0, amount: page.right)
        let header = {
            (page: inout PageWriter) in
            page.pdf.box(x: page.left, y: page.y - 11, width: page.right - page.left, height: 15, level: 0.9)
            page.pdf.font(size: 9, bold: true)
            page.pdf.text("Description", x: page.left + 4, y: page.y)
            page.pdf.text("Qty", right: columns.quantity, y: page.y)
            page.pdf.text("Unit price", right: columns.price, y: page.y)
            page.pdf.text("Tax", right: columns.tax, y: page.y)
            page.pdf.text("Amount", right: columns.amount - 4, y: page.y)
            page.y += 16
        }
        header(&page)
        for line in invoice.lines {
            page.pdf.font(size: 9)
            let wrapped = page.pdf.wrap(line.description, width: columns.quantity - 50 - page.left)
            page.ensure(min(Double(wrapped.count), 4) * 12 + 4, then: header)
            page.pdf.font(size: 9)
            page.pdf.text(quantityText(line.quantity), right: columns.quantity, y: page.y)
            page.pdf.text(currency.format(line.unitPriceCents), right: columns.price, y: page.y)
            page.pdf.text(rateText(line.taxRateBps), right: columns.tax, y: page.y)
            page.pdf.text(currency.format(line.totalCents), right: columns.amount - 4, y: page.y)
            for text in wrapped {
                page.ensure(12, then: header)  // a description longer than a page goes on over the next
                page.pdf.font(size: 9)
                page.pdf.text(text, x: page.left + 4, y: page.y)
                page.y += 12
            }
            page.y += 4
        }
        page.ensure(110)
        page.pdf.line(from: (340, page.y - 6), to: (page.right, page.y - 6))
        page.y += 6
        for (label, cents, bold) in [("Subtotal", invoice.subtotalCents, false), ("Tax", invoice.taxCents, false),
                                     ("Total", invoice.totalCents, true), ("Amount paid", invoice.paidCents, false),
                                     ("Balance due", invoice.balanceCents, true)] {
            page.pdf.font(size: bold ? 11 : 10, bold: bold)
            page.pdf.text(label, x: 350, y: page.y)
            page.pdf.text(currency.format(cents), right: page.right - 4, y: page.y)
            page.y += bold ? 17 : 15
        }
        page.y += 8
        page.pdf.font(size: 10, bold: true)
        page.pdf.text(invoice.state == .void ? "This invoice is void." : "Please pay \(currency.format(invoice.balanceCents)) by \(invoice.dueDate).",
                      x: page.left, y: page.y)
        page.y += 16
        if let memo = invoice.memo { page.paragraph(memo, size: 9) }
        page.paymentLink(paymentLink)
        return try page.pdf.finish()
    }

    static func statement(_ statement: StatementLedger.Statement, currency: Currency, business: BusinessSettings,
                          customer: CustomerFields?, paymentLink: String?) throws -> [UInt8] {
        var page = try PageWriter(title: "Statement \(statement.to)", business: business)
        let period = statement.from.map { "\($0) to \(statement.to)" } ?? "Open items as of \(statement.to)"
        page.heading("STATEMENT", facts: [("Period", period), ("Balance due", currency.format(statement.closingCents))])
        page.addresses(customer: customer)

        let columns = (description: page.left + 70, amount: 460.0, balance: page.right - 4)
        let header = {
            (page: inout PageWriter) in
            page.pdf.box(x: page.left, y: page.y - 11, width: page.right - page.left, height: 15, level: 0.9)
            page.pdf.font(size: 9, bold: true)
            page.pdf.text("Date", x: page.left + 4, y: page.y)
            page.pdf.text("Description", x: columns.description, y: page.y)
            page.pdf.text("Amount", right: columns.amount, y: page.y)
            page.pdf.text("Balance", right: columns.balance, y: page.y)
            page.y += 16
        }
        header(&page)
        page.pdf.font(size: 9, bold: true)
        page.pdf.text("Opening balance", x: columns.description, y: page.y)
        page.pdf.text(currency.format(statement.openingCents), right: columns.balance, y: page.y)
        page.y += 14
        for entry in statement.entries {
            page.pdf.font(size: 9)
            let wrapped = page.pdf.wrap(entry.description, width: columns.amount - 70 - columns.description)
            page.ensure(min(Double(wrapped.count), 4) * 12 + 2, then: header)
            page.pdf.font(size: 9)
            page.pdf.text(entry.date.description, x: page.left + 4, y: page.y)
            page.pdf.text(currency.format(entry.amountCents), right: columns.amount, y: page.y)
            page.pdf.text(currency.format(entry.balanceCents), right: columns.balance, y: page.y)
            for text in wrapped {
                page.ensure(12, then: header)
                page.pdf.font(size: 9)
                page.pdf.text(text, x: columns.description, y: page.y)
                page.y += 12
            }
            page.y += 2
        }
        page.ensure(90)
        page.pdf.line(from: (page.left, page.y - 6), to: (page.right, page.y - 6))
        page.y += 8
        page.pdf.font(size: 11, bold: true)
        page.pdf.text("Closing balance", x: columns.description, y: page.y)
        page.pdf.text(currency.format(statement.closingCents), right: columns.balance, y: page.y)
        page.y += 26

        let buckets: [(String, Int64)] = [("Current", statement.aging.current), ("1–30 days", statement.aging.d1_30),
                                          ("31–60 days", statement.aging.d31_60), ("61–90 days", statement.aging.d61_90),
                                          ("Over 90 days", statement.aging.over_90)]
        let step = (page.right - page.left) / Double(buckets.count)
        page.pdf.box(x: page.left, y: page.y - 11, width: page.right - page.left, height: 15, level: 0.9)
        page.pdf.font(size: 9, bold: true)
        for (index, bucket) in buckets.enumerated() {
            page.pdf.text(bucket.0, right: page.left + step * Double(index + 1) - 6, y: page.y)
        }
        page.y += 15
        page.pdf.font(size: 9)
        for (index, bucket) in buckets.enumerated() {
            page.pdf.text(currency.format(bucket.1), right: page.left + step * Double(index + 1) - 6, y: page.y)
        }
        page.y += 22
        page.paymentLink(paymentLink)
        return try page.pdf.finish()
    }

    /// `2.5`, `1`, `0.125`: the quantity as typed, without trailing zeros.
    static func quantityText(_ quantity: Decimal) -> String {
        var value = quantity
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 3, .plain)
        return NSDecimalNumber(decimal: rounded).stringValue
    }

    /// `8.25%` from 825 basis points; `—` for none.
    static func rateText(_ basisPoints: Int) -> String {
        guard basisPoints > 0 else { return "—" }
        let whole = basisPoints / 100
        let fraction = basisPoints % 100
        guard fraction > 0 else { return "\(whole)%" }
        let digits = fraction % 10 == 0 ? String(fraction / 10) : (fraction < 10 ? "0\(fraction)" : String(fraction))
        return "\(whole).\(digits)%"
    }
}

/// A page being filled top to bottom: the letterhead on the first, a new page (with the
/// table's header again) whenever the next block would not fit.
struct PageWriter {
    let pdf: PDFDocument
    let business: BusinessSettings
    let left = 50.0
    var right: Double { pdf.width - 50 }
    private var bottom: Double { pdf.height - 60 }
    var y = 60.0

    init(title: String, business: BusinessSettings) throws {
        pdf = try PDFDocument(title: title)
        self.business = business
    }

    /// The business's name and contact details on the left, the document's title and facts on the right.
    mutating func heading(_ title: String, facts: [(String, String)]) {
        pdf.font(size: 16, bold: true)
        pdf.text(business.name, x: left, y: y)
        pdf.font(size: 18, bold: true)
        pdf.text(title, right: right, y: y)
        var leftY = y + 16
        pdf.font(size: 9)
        pdf.gray(0.3)
        for line in Address.lines(business.address) + [business.email, business.phone].compactMap({ $0 }) {
            pdf.text(line, x: left, y: leftY)
            leftY += 12
        }
        pdf.gray(0)
        var rightY = y + 18
        for (label, value) in facts {
            pdf.font(size: 9, bold: true)
            pdf.text(value, right: right, y: rightY)
            pdf.font(size: 9)
            pdf.text(label, x: right - 200, y: rightY)
            rightY += 13
        }
        y = max(leftY, rightY) + 18
    }

    /// Bill to (name, company, billing address) and ship to (the shipping address, or the
    /// billing one when they are the same).
    mutating func addresses(customer: CustomerFields?) {
        guard let customer else { return }
        let billTo = [customer.displayName, customer.company].compactMap { $0 } + Address.lines(customer.billingAddress)
        let shipping = customer.shippingSameAsBilling == true ? customer.billingAddress : customer.shippingAddress
        let shipTo = shipping.map { [customer.displayName] + Address.lines($0) } ?? []
        pdf.font(size: 8, bold: true)
        pdf.gray(0.4)
        pdf.text("BILL TO", x: left, y: y)
        if !shipTo.isEmpty { pdf.text("SHIP TO", x: 320, y: y) }
        pdf.gray(0)
        pdf.font(size: 10)
        for (index, line) in billTo.enumerated() { pdf.text(line, x: left, y: y + 14 + Double(index) * 13) }
        for (index, line) in shipTo.enumerated() { pdf.text(line, x: 320, y: y + 14 + Double(index) * 13) }
        y += 14 + Double(max(billTo.count, shipTo.count)) * 13 + 18
    }

    /// Starts a new page when `height` more would not fit on this one, then redraws `header`.
    mutating func ensure(_ height: Double, then header: ((inout PageWriter) -> Void)? = nil) {
        guard y + height > bottom else { return }
        pdf.newPage()
        y = 60
        header?(&self)
    }

    mutating func paragraph(_ text: String, size: Double) {
        pdf.font(size: size)
        for line in pdf.wrap(text, width: right - left) {
            ensure(size + 4)
            pdf.text(line, x: left, y: y)
            y += size + 4
        }
        y += 6
    }

    mutating func paymentLink(_ link: String?) {
        guard let link else { return }
        ensure(30)
        pdf.font(size: 10, bold: true)
        pdf.text("Pay online:", x: left, y: y)
        y += 14
        paragraph(link, size: 9)
    }
}

extension Address {
    /// The address as printed: street lines, "city, region postal code", country.
    static func lines(_ address: Address?) -> [String] {
        guard let address else { return [] }
        let place = [[address.city, address.region].compactMap { $0 }.joined(separator: ", "), address.postalCode ?? ""]
            .filter { !$0.isEmpty }.joined(separator: " ")
        return [address.line1, address.line2, place.isEmpty ? nil : place, address.country].compactMap { $0 }.filter { !$0.isEmpty }
    }
}
