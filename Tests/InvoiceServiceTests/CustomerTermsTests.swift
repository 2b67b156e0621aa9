import Contracts
import Foundation
@testable import InvoiceService
import Postgres
import TestSupport
import XCTest

/// invoice-service keeps each customer's currency and terms from customer-service's events,
/// through its own subscription handlers, on a real PostgreSQL schema.
final class CustomerTermsTests: XCTestCase {
    private var harness: ServiceHarness!

    override func setUp() async throws {
        harness = try ServiceHarness(try InvoiceService.definition())
    }

    override func tearDown() async throws {
        harness?.shutdown()
    }

    private func terms(_ id: CustomerID) throws -> CustomerTerms? {
        try CustomerTermsStore(connection: harness.connection()).terms(of: id)
    }

    func testACustomersTermsFollowItsEvents() throws {
        var record = CustomerRecord(id: CustomerID(), fields: CustomerFields(displayName: "Acme", currency: .eur, paymentTermsDays: 45),
                                    currency: .eur, paymentTermsDays: 45, isDeactivated: false, specialistId: nil,
                                    createdAt: Date(), updatedAt: Date())
        XCTAssertNil(try terms(record.id))
        try harness.apply(CustomerMessages.created, CustomerCreated(customer: record), from: .customer)
        XCTAssertEqual(try terms(record.id), .init(currency: .eur, paymentTermsDays: 45, isDeactivated: false))

        record.paymentTermsDays = 15
        record.fields.paymentTermsDays = 15
        try harness.apply(CustomerMessages.updated, CustomerUpdated(customer: record, changes: [
            FieldChange(field: "payment_terms_days", old: .number(45), new: .number(15))]), from: .customer)
        XCTAssertEqual(try terms(record.id)?.paymentTermsDays, 15)

        record.isDeactivated = true
        try harness.apply(CustomerMessages.deactivated, CustomerStateChanged(customer: record), from: .customer)
        XCTAssertEqual(try terms(record.id)?.isDeactivated, true)
        let rows = try harness.connection().query("SELECT count(*) FROM customers").single(Int.self)
        XCTAssertEqual(rows, 1, "one row per customer, whatever its events")
    }
}
