import Contracts
@testable import CustomerService
import Foundation
import Messaging
import Postgres
import TestSupport
import XCTest

/// The customers list through customer-service's real handlers on a real PostgreSQL schema:
/// search (contact names too), status from the balance projection, filters, orders, paging
/// with a total that is right on every page.
final class CustomerListTests: XCTestCase {
    private var harness: ServiceHarness!
    private let dana = Actor.person("Dana Reyes")

    override func setUp() async throws {
        harness = try ServiceHarness(try CustomerService.definition())
    }

    override func tearDown() async throws {
        harness?.shutdown()
    }

    private func customer(_ fields: CustomerFields, specialist: UserID? = nil) async throws -> CustomerRecord {
        try await harness.client.command(CustomerMessages.create, CreateCustomer(customer: fields, specialistId: specialist), actor: dana)
    }

    private func balance(_ customer: CustomerID, open: Int64, overdue: Int64 = 0, invoiced: Bool = true,
                         statuses: [CollectionStatusID] = []) throws {
        try harness.apply(InvoiceMessages.balanceChanged, CustomerBalanceChanged(
            customerId: customer, currency: .usd, openCents: open, overdueCents: overdue, openInvoices: open > 0 ? 1 : 0,
            hasInvoices: invoiced, collectionStatusIds: statuses), from: .invoice)
    }

    private func list(_ request: ListCustomers) async throws -> CustomerPage {
        try await harness.client.query(CustomerMessages.list, request)
    }

    private func names(_ request: ListCustomers) async throws -> [String] {
        try await list(request).items.map(\.record.fields.displayName)
    }

    func testASearchFindsNameCompanyNumberEmailPhoneAndContactNamesInAnyCase() async throws {
        let acme = try await customer(CustomerFields(displayName: "Acme", company: "Acme Holdings", customerNumber: "CLM-0042",
                                                     email: "ap@acme.example", phone: "+1 555 0100"))
        _ = try await customer(CustomerFields(displayName: "Globex", email: "billing@globex.example"))
        _ = try await customer(CustomerFields(displayName: "100% Pure"))
        _ = try await harness.client.command(ContactMessages.create,
                                             CreateContact(customerId: acme.id, contact: ContactFields(firstName: "Wilhelmina", lastName: "Stroud")),
                                             actor: dana)
        for query in ["acme", "HOLDINGS", "clm-00", "ap@acme", "555 0100", "wilhelmina str", "Stroud"] {
            let found = try await names(ListCustomers(query: query))
            XCTAssertEqual(found, ["Acme"], query)
        }
        let percent = try await names(ListCustomers(query: "100%"))
        XCTAssertEqual(percent, ["100% Pure"], "% is a character, not a wildcard")
        let none = try await list(ListCustomers(query: "nobody"))
        XCTAssertEqual(none.items, [])
        XCTAssertEqual(none.total, 0)
    }

    func testTheStatusComesFromTheBalanceAndIsTheSameInTheListAndTheProfile() async throws {
        let active = try await customer(CustomerFields(displayName: "Owes"))
        let settled = try await customer(CustomerFields(displayName: "Paid up"))
        _ = try await customer(CustomerFields(displayName: "Fresh"))
        let gone = try await customer(CustomerFields(displayName: "Gone"))
        try balance(active.id, open: 12_500, overdue: 2_500)
        try balance(settled.id, open: 0)
        try balance(gone.id, open: 9_000)
        _ = try await harness.client.command(CustomerMessages.deactivate, GetCustomer(id: gone.id), actor: dana)

        let expected: [(CustomerStatus, [String])] = [
            (.active, ["Owes"]), (.noBalance, ["Paid up"]), (.new, ["Fresh"]), (.inactive, ["Gone"]),
        ]
        for (status, customers) in expected {
            let page = try await list(ListCustomers(status: status))
            XCTAssertEqual(page.items.map(\.record.fields.displayName), customers, "\(status)")
            XCTAssertEqual(page.total, customers.count)
            XCTAssertEqual(page.items.map(\.status), [status])
            for item in page.items {
                let profile = try await harness.client.query(CustomerMessages.profile, GetCustomer(id: item.record.id))
                XCTAssertEqual(profile.status, status, "the page and the list agree")
            }
        }
        let owes = try await list(ListCustomers(status: .active)).items.first
        XCTAssertEqual(owes?.openBalanceCents, 12_500)
        XCTAssertEqual(owes?.overdueBalanceCents, 2_500)
        let everyone = try await list(ListCustomers())
        XCTAssertEqual(everyone.total, 4)
    }

    /// Every amount of a customer is in its currency: once invoice-service has a balance for
    /// it, the currency is fixed (422), other fields still change.
    func testTheCurrencyIsFixedOnceTheCustomerIsInvoiced() async throws {
        let acme = try await customer(CustomerFields(displayName: "Acme", currency: .usd))
        let before = try await harness.client.command(
            CustomerMessages.update, UpdateCustomer(id: acme.id, changes: ["currency": .string("EUR")]), actor: dana)
        XCTAssertEqual(before.currency, .eur, "not invoiced yet: free to change")
        try balance(acme.id, open: 0, invoiced: false)
        let error = await refusal {
            try await self.harness.client.command(
                CustomerMessages.update, UpdateCustomer(id: acme.id, changes: ["currency": .string("USD")]), actor: self.dana)
        }
        XCTAssertEqual(error?.code, .failedPrecondition)
        XCTAssertEqual(error?.details.keys.first, "currency")
        let renamed = try await harness.client.command(
            CustomerMessages.update, UpdateCustomer(id: acme.id, changes: ["display_name": .string("Acme Inc")]), actor: dana)
        XCTAssertEqual(renamed.currency, .eur)
        XCTAssertEqual(renamed.fields.displayName, "Acme Inc")
    }

    func testFiltersBySpecialistAndCollectionStatusNeverWidenTheScope() async throws {
        let sam = UserID(), pat = UserID()
        let disputed = CollectionStatusID(), reminded = CollectionStatusID()
        let one = try await customer(CustomerFields(displayName: "One"), specialist: sam)
        let two = try await customer(CustomerFields(displayName: "Two"), specialist: pat)
        _ = try await customer(CustomerFields(displayName: "Three"), specialist: sam)
        try balance(one.id, open: 100, statuses: [disputed, reminded])
        try balance(two.id, open: 100, statuses: [disputed])
        let inDispute = try await names(ListCustomers(collectionStatusId: disputed))
        XCTAssertEqual(Set(inDispute), ["One", "Two"])
        let remindedOnes = try await names(ListCustomers(collectionStatusId: reminded))
        XCTAssertEqual(remindedOnes, ["One"])
        let sams = try await names(ListCustomers(specialistId: sam))
        XCTAssertEqual(Set(sams), ["One", "Three"])
        let widened = try await names(ListCustomers(specialistId: pat, assignedTo: sam))
        XCTAssertEqual(widened, [], "a filter never widens the scope")
        let patsDisputed = try await names(ListCustomers(collectionStatusId: disputed, assignedTo: pat))
        XCTAssertEqual(patsDisputed, ["Two"])
    }

    func testPagingByOverdueBalanceVisitsEveryCustomerOnceWithTheTotalOnEveryPage() async throws {
        var expected: [String] = []
        for (index, overdue) in [700, 0, 300, 300, 900, 50, 0].enumerated() {
            let record = try await customer(CustomerFields(displayName: "Customer \(index)"))
            try balance(record.id, open: Int64(overdue + 1_000), overdue: Int64(overdue))
            expected.append(record.fields.displayName)
        }
        var seen: [(String, Int64)] = []
        var cursor: String?
        repeat {
            let page = try await list(ListCustomers(sort: .largestOverdueBalance, limit: 2, cursor: cursor))
            XCTAssertEqual(page.total, 7)
            seen += page.items.map { ($0.record.fields.displayName, $0.overdueBalanceCents) }
            cursor = page.nextCursor
        } while cursor != nil
        XCTAssertEqual(Set(seen.map(\.0)), Set(expected))
        XCTAssertEqual(seen.count, 7, "each once")
        XCTAssertEqual(seen.map(\.1), [900, 700, 300, 300, 50, 0, 0])

        let byName = try await names(ListCustomers(sort: .nameDescending, limit: 3))
        XCTAssertEqual(byName, ["Customer 6", "Customer 5", "Customer 4"])
        let first = try await list(ListCustomers(sort: .name, limit: 2))
        let second = try await names(ListCustomers(sort: .name, limit: 2, cursor: first.nextCursor))
        XCTAssertEqual(second, ["Customer 2", "Customer 3"])
    }

    /// The search's expressions are the ones the trigram indexes hold (so a big customer
    /// base is searched through them, not read row by row).
    func testTheSearchCanGoThroughTheTrigramIndexes() throws {
        let connection = try harness.connection()
        // A handful of rows costs less to read than an index: take reading away, leaving the
        // indexes whose expressions match the search.
        try connection.executeScript("SET enable_seqscan = off; SET enable_indexscan = off; SET enable_indexonlyscan = off")
        let query = CustomerListStore.count(ListCustomers(query: "wilhelmina"))
        let plan = try connection.query(PostgresQuery(unsafeSQL: "EXPLAIN " + query.sql, bindings: query.bindings))
            .map { try $0.decode(String.self, at: 0) }.joined(separator: "\n")
        XCTAssertTrue(plan.contains("Bitmap Index Scan on customers_search"), plan)
        XCTAssertTrue(plan.contains("Bitmap Index Scan on contacts_search"), plan)
    }

    func testACursorOfAnotherOrderIs422AndAForgedOneIs400() async throws {
        for index in 0..<3 { _ = try await customer(CustomerFields(displayName: "C\(index)")) }
        let page = try await list(ListCustomers(sort: .name, limit: 1))
        do {
            _ = try await list(ListCustomers(sort: .largestOpenBalance, limit: 1, cursor: page.nextCursor))
            XCTFail("a cursor of another order was taken")
        } catch let error as ErrorBody {
            XCTAssertEqual(error.code, .failedPrecondition)
            XCTAssertEqual(error.details.keys.sorted(), ["cursor"])
        }
        for forged in ["bm90LWEtY3Vyc29y", PageCursor(createdAt: Date(), id: UUID(), order: "-open_balance", key: "abc").encoded] {
            let error = await refusal { try await list(ListCustomers(sort: .largestOpenBalance, cursor: forged)) }
            XCTAssertEqual(error?.code, .invalidArgument, forged)
            XCTAssertEqual(error?.details.keys.sorted(), ["cursor"])
        }
    }
}
