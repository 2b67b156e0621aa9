import Foundation

/// The facts each service answers for its own data when the money is reconciled
/// (`GET /api/v1/admin/reconcile`, `make reconcile`): nothing reads another's schema; the
/// gateway lays the answers side by side.
public enum ReconcileMessages {
    /// invoice-service: each customer's invoices (total, paid, state) and the totals its
    /// Customer Details section shows, a page of customers at a time in id order.
    public static let invoiceFacts = Query<FactsPage, CustomerInvoiceFactsPage>("invoice.reconcile_facts")
    /// payments-service: what stands applied to each of the invoices named, and the total and
    /// state it knows for them.
    public static let appliedFacts = Query<InvoiceIDList, AppliedFactList>("payment.applied_facts")
    /// payments-service: each payment's amount, live applications and refunds, a page at a
    /// time in id order.
    public static let paymentFacts = Query<FactsPage, PaymentFactsPage>("payment.reconcile_facts")
    /// customer-service: the balances its customers list keeps for the customers named.
    public static let balanceFacts = Query<CustomerIDList, BalanceFactList>("customer.balance_facts")
}

/// One page of facts: those after `after` in id order, at most `limit`.
public struct FactsPage: Codable, Hashable, Sendable {
    public var after: UUID?
    public var limit: Int
    public init(after: UUID? = nil, limit: Int = 500) {
        self.after = after
        self.limit = limit
    }
}

public struct InvoiceFact: Codable, Hashable, Sendable {
    public var invoiceId: InvoiceID
    public var totalCents: Int64
    public var paidCents: Int64
    public var state: InvoiceState
    public init(invoiceId: InvoiceID, totalCents: Int64, paidCents: Int64, state: InvoiceState) {
        self.invoiceId = invoiceId
        self.totalCents = totalCents
        self.paidCents = paidCents
        self.state = state
    }
}

/// One customer's invoices and the totals of its Customer Details view.
public struct CustomerInvoiceFacts: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public var invoices: [InvoiceFact]
    public var totals: InvoiceTotals
    public init(customerId: CustomerID, invoices: [InvoiceFact], totals: InvoiceTotals) {
        self.customerId = customerId
        self.invoices = invoices
        self.totals = totals
    }
}

public struct CustomerInvoiceFactsPage: Codable, Hashable, Sendable {
    public var items: [CustomerInvoiceFacts]
    /// Where the next page starts; nil on the last.
    public var next: UUID?
    public init(items: [CustomerInvoiceFacts], next: UUID?) {
        self.items = items
        self.next = next
    }
}

public struct InvoiceIDList: Codable, Hashable, Sendable {
    public var ids: [InvoiceID]
    public init(ids: [InvoiceID]) { self.ids = ids }
}

/// What payments-service holds for one invoice; `knownTotalCents` and `knownState` nil when
/// it has never heard of it.
public struct AppliedFact: Codable, Hashable, Sendable {
    public var invoiceId: InvoiceID
    public var appliedCents: Int64
    public var knownTotalCents: Int64?
    /// draft, issued, void
    public var knownState: String?
    public init(invoiceId: InvoiceID, appliedCents: Int64, knownTotalCents: Int64?, knownState: String?) {
        self.invoiceId = invoiceId
        self.appliedCents = appliedCents
        self.knownTotalCents = knownTotalCents
        self.knownState = knownState
    }
}

public struct AppliedFactList: Codable, Hashable, Sendable {
    public var items: [AppliedFact]
    public init(items: [AppliedFact]) { self.items = items }
}

public struct PaymentFact: Codable, Hashable, Sendable {
    public var paymentId: PaymentID
    public var customerId: CustomerID
    public var amountCents: Int64
    public var appliedCents: Int64
    public var refundedCents: Int64
    public init(paymentId: PaymentID, customerId: CustomerID, amountCents: Int64, appliedCents: Int64, refundedCents: Int64) {
        self.paymentId = paymentId
        self.customerId = customerId
        self.amountCents = amountCents
        self.appliedCents = appliedCents
        self.refundedCents = refundedCents
    }
}

public struct PaymentFactsPage: Codable, Hashable, Sendable {
    public var items: [PaymentFact]
    public var next: UUID?
    public init(items: [PaymentFact], next: UUID?) {
        self.items = items
        self.next = next
    }
}

public struct CustomerIDList: Codable, Hashable, Sendable {
    public var ids: [CustomerID]
    public init(ids: [CustomerID]) { self.ids = ids }
}

/// What customer-service's list holds for one customer (nil: no balance recorded).
public struct BalanceFact: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public var openCents: Int64?
    public init(customerId: CustomerID, openCents: Int64?) {
        self.customerId = customerId
        self.openCents = openCents
    }
}

public struct BalanceFactList: Codable, Hashable, Sendable {
    public var items: [BalanceFact]
    public init(items: [BalanceFact]) { self.items = items }
}

/// One thing that does not add up, naming the ids to look at.
public struct Discrepancy: Codable, Hashable, Sendable {
    /// e.g. `invoice_paid_mismatch`, `invoice_over_applied`, `payment_over_applied`,
    /// `void_invoice_applied`, `invoice_total_mismatch`, `invoice_unknown_to_payments`,
    /// `invoice_state_mismatch`, `details_total_mismatch`, `customer_list_balance_mismatch`.
    public var kind: String
    public var customerId: CustomerID?
    public var invoiceId: InvoiceID?
    public var paymentId: PaymentID?
    public var detail: String
    public init(kind: String, customerId: CustomerID? = nil, invoiceId: InvoiceID? = nil, paymentId: PaymentID? = nil,
                detail: String) {
        self.kind = kind
        self.customerId = customerId
        self.invoiceId = invoiceId
        self.paymentId = paymentId
        self.detail = detail
    }
}

/// `GET /api/v1/admin/reconcile`.
public struct ReconcileReport: Codable, Hashable, Sendable {
    public struct Checked: Codable, Hashable, Sendable {
        public var customers: Int
        public var invoices: Int
        public var payments: Int
        public init(customers: Int = 0, invoices: Int = 0, payments: Int = 0) {
            self.customers = customers
            self.invoices = invoices
            self.payments = payments
        }
    }
    public var checked: Checked
    public var discrepancies: [Discrepancy]
    public init(checked: Checked, discrepancies: [Discrepancy]) {
        self.checked = checked
        self.discrepancies = discrepancies
    }
}
