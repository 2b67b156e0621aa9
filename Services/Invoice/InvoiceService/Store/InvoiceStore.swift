import Contracts
import Foundation
import Postgres
import PostgresContracts

/// Invoices in the `invoice` schema, on the caller's connection.
struct InvoiceStore {
    let connection: PostgresConnection

    /// The customer's invoices except voided ones, by due date.
    func invoices(of customer: CustomerID) throws -> [InvoiceSummary] {
        try connection.query("""
            SELECT id, number, issue_date, due_date, currency, total_cents, total_cents - paid_cents, state, collection_status_id
            FROM invoices WHERE customer_id = \(customer) AND state <> 'void'
            ORDER BY due_date, number
            """).map { row in
            let (id, number, issued, due, currency, total, balance, state, status) =
                try row.decode((InvoiceID, String, BusinessDate, BusinessDate, String, Int64, Int64, String, CollectionStatusID?).self)
            return InvoiceSummary(id: id, number: number, issueDate: issued, dueDate: due,
                                  currency: Currency(currency) ?? .usd, totalCents: total, balanceCents: balance,
                                  state: state, collectionStatusId: status)
        }
    }
}
