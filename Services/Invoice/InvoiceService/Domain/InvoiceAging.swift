import Contracts

/// Open and overdue balances, bucketed by days past due as of a business date.
enum InvoiceAging {
    /// Invoices that are still owed on: issued (not draft), not void, not paid.
    static func isOpen(_ invoice: InvoiceSummary) -> Bool {
        (invoice.state == .open || invoice.state == .partiallyPaid) && invoice.balanceCents > 0
    }

    /// Every sum is overflow-checked: a total that cannot be represented is an error, never
    /// a wrapped number.
    static func totals(of invoices: [InvoiceSummary], asOf today: BusinessDate) throws(MoneyError) -> InvoiceTotals {
        var totals = InvoiceTotals(openCents: 0, overdueCents: 0, aging: Aging())
        for invoice in invoices where isOpen(invoice) {
            let balance = invoice.balanceCents
            try Money.add(balance, to: &totals.openCents)
            let daysPastDue = invoice.dueDate.days(until: today)
            if daysPastDue > 0 { try Money.add(balance, to: &totals.overdueCents) }
            switch daysPastDue {
            case ...0: try Money.add(balance, to: &totals.aging.current)
            case 1...30: try Money.add(balance, to: &totals.aging.d1_30)
            case 31...60: try Money.add(balance, to: &totals.aging.d31_60)
            case 61...90: try Money.add(balance, to: &totals.aging.d61_90)
            default: try Money.add(balance, to: &totals.aging.over_90)
            }
        }
        return totals
    }

    /// The open balance in each collection status that has open invoices, in `order`.
    static func byCollectionStatus(_ invoices: [InvoiceSummary], order: [CollectionStatus]) throws(MoneyError) -> [CollectionStatusTotal] {
        var totals: [CollectionStatusTotal] = []
        for status in order {
            var total = CollectionStatusTotal(id: status.id, name: status.name, openCents: 0, invoices: 0)
            for invoice in invoices where isOpen(invoice) && invoice.collectionStatus?.id == status.id {
                try Money.add(invoice.balanceCents, to: &total.openCents)
                total.invoices += 1
            }
            if total.invoices > 0 { totals.append(total) }
        }
        return totals
    }
}
