import Contracts

/// Open and overdue balances, bucketed by days past due as of a business date.
enum InvoiceAging {
    /// Invoices that are still owed on: issued (not draft), not void, not paid.
    static func isOpen(_ invoice: InvoiceSummary) -> Bool {
        (invoice.state == "open" || invoice.state == "partially_paid") && invoice.balanceCents > 0
    }

    static func totals(of invoices: [InvoiceSummary], asOf today: BusinessDate) -> InvoiceTotals {
        var totals = InvoiceTotals(openCents: 0, overdueCents: 0, aging: Aging())
        for invoice in invoices where isOpen(invoice) {
            let balance = invoice.balanceCents
            totals.openCents += balance
            let daysPastDue = invoice.dueDate.days(until: today)
            if daysPastDue > 0 { totals.overdueCents += balance }
            switch daysPastDue {
            case ...0: totals.aging.current += balance
            case 1...30: totals.aging.d1_30 += balance
            case 31...60: totals.aging.d31_60 += balance
            case 61...90: totals.aging.d61_90 += balance
            default: totals.aging.over_90 += balance
            }
        }
        return totals
    }
}
