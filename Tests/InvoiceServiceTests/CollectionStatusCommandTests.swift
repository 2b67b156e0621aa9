import Contracts
import Foundation
@testable import InvoiceService
import Messaging
import Postgres
import TestSupport
import XCTest

/// Collection statuses through invoice-service's real handlers on a real PostgreSQL schema:
/// order kept contiguous, one default, names unique in any case, no deleting one in use.
final class CollectionStatusCommandTests: XCTestCase {
    private var harness: ServiceHarness!
    private let dana = Actor.person("Dana Reyes")

    override func setUp() async throws {
        harness = try ServiceHarness(try InvoiceService.definition())
    }

    override func tearDown() async throws {
        harness?.shutdown()
    }

    @discardableResult
    private func create(_ name: String, position: Int? = nil, isDefault: Bool? = nil) async throws -> CollectionStatus {
        try await harness.client.command(CollectionStatusMessages.create,
                                         CreateCollectionStatus(name: name, position: position, isDefault: isDefault), actor: dana)
    }

    private func update(_ id: CollectionStatusID, _ changes: [String: JSONValue]) async throws -> CollectionStatus {
        try await harness.client.command(CollectionStatusMessages.update, UpdateCollectionStatus(id: id, changes: changes), actor: dana)
    }

    private func order() async throws -> [String] {
        try await harness.client.query(CollectionStatusMessages.list, Empty()).items.map { "\($0.position) \($0.name)" }
    }

    func testStatusesKeepAContiguousOrderAsTheyAreAddedMovedAndDeleted() async throws {
        let reminder = try await create("Reminder sent")
        try await create("Promised")
        let agency = try await create("With agency")
        try await create("Disputed", position: 0)
        let ordered = try await order()
        XCTAssertEqual(ordered, ["0 Disputed", "1 Reminder sent", "2 Promised", "3 With agency"])
        _ = try await update(agency.id, ["position": .number(1)])
        let moved = try await order()
        XCTAssertEqual(moved, ["0 Disputed", "1 With agency", "2 Reminder sent", "3 Promised"])
        _ = try await update(reminder.id, ["position": .number(99), "name": .string("  First reminder ")])
        let renamed = try await order()
        XCTAssertEqual(renamed, ["0 Disputed", "1 With agency", "2 Promised", "3 First reminder"])
        _ = try await harness.client.command(CollectionStatusMessages.delete, DeleteCollectionStatus(id: agency.id), actor: dana)
        let deleted = try await order()
        XCTAssertEqual(deleted, ["0 Disputed", "1 Promised", "2 First reminder"])
        XCTAssertEqual(try harness.published(CollectionStatusMessages.created).count, 4)
        XCTAssertEqual(try harness.published(CollectionStatusMessages.updated).count, 2)
        XCTAssertEqual(try harness.published(CollectionStatusMessages.deleted).map(\.status.name), ["With agency"])
    }

    func testOnlyOneStatusIsTheDefault() async throws {
        let first = try await create("New", isDefault: true)
        let second = try await create("Reminder sent")
        _ = try await update(second.id, ["is_default": .bool(true)])
        let defaults = try await harness.client.query(CollectionStatusMessages.list, Empty()).items.filter(\.isDefault).map(\.id)
        XCTAssertEqual(defaults, [second.id])
        XCTAssertNotEqual(defaults, [first.id])
        _ = try await create("Escalated", isDefault: true)
        let after = try await harness.client.query(CollectionStatusMessages.list, Empty()).items.filter(\.isDefault).map(\.name)
        XCTAssertEqual(after, ["Escalated"])
    }

    func testBadInputIsRefusedByFieldAndChangesNothing() async throws {
        let status = try await create("Reminder sent")
        let duplicate = await refusal { try await create("REMINDER SENT") }
        XCTAssertEqual(duplicate?.code, .conflict)
        let blank = await refusal { try await create("   ") }
        XCTAssertEqual(blank?.details.keys.sorted(), ["name"])
        let negative = await refusal { try await create("Later", position: -1) }
        XCTAssertEqual(negative?.details.keys.sorted(), ["position"])
        for (changes, field) in [(["colour": JSONValue.string("red")], "colour"), (["name": .null], "name"),
                                 (["disputed": .string("yes")], "disputed"), (["position": .number(1.5)], "position"),
                                 (["manager_id": .string("nobody")], "manager_id")] {
            let error = await refusal { try await update(status.id, changes) }
            XCTAssertEqual(error?.code, .invalidArgument, "\(changes)")
            XCTAssertEqual(error?.details.keys.sorted(), [field], "\(changes)")
        }
        let other = try await create("Promised")
        let renamedOnto = await refusal { try await update(other.id, ["name": .string("reminder sent")]) }
        XCTAssertEqual(renamedOnto?.code, .conflict)
        let missing = await refusal { try await update(CollectionStatusID(), ["disputed": .bool(true)]) }
        XCTAssertEqual(missing?.code, .notFound)
        let ordered = try await order()
        XCTAssertEqual(ordered, ["0 Reminder sent", "1 Promised"])
        XCTAssertEqual(try harness.published(CollectionStatusMessages.updated).count, 0)
    }

    func testAStatusInUseCannotBeDeleted() async throws {
        let status = try await create("Disputed")
        func invoice() async throws -> Invoice {
            try await harness.client.command(InvoiceMessages.create, CreateInvoice(
                customerId: CustomerID(), terms: CustomerTerms(currency: .usd, paymentTermsDays: 30, isDeactivated: false),
                invoice: InvoiceFields(issueDate: BusinessDate("2026-11-01")!, collectionStatusId: status.id,
                                       lines: [InvoiceLineInput(description: "Work", quantity: 1, unitPriceCents: 10_000)])), actor: dana)
        }
        let open = try await invoice()
        let voided = try await invoice()
        _ = try await harness.client.command(InvoiceMessages.void, VoidInvoice(id: voided.id), actor: dana)
        let error = await refusal {
            try await harness.client.command(CollectionStatusMessages.delete, DeleteCollectionStatus(id: status.id), actor: dana)
        }
        XCTAssertEqual(error?.code, .conflict)
        XCTAssertEqual(error?.message, "1 invoice is in Disputed; move them first", "a void invoice does not count")
        let still = try await order()
        XCTAssertEqual(still, ["0 Disputed"])

        // Moved off, the status goes, and the void invoice (which cannot be moved) keeps none.
        _ = try await harness.client.command(InvoiceMessages.setCollectionStatus,
                                             SetInvoiceCollectionStatus(id: open.id, collectionStatusId: nil), actor: dana)
        _ = try await harness.client.command(CollectionStatusMessages.delete, DeleteCollectionStatus(id: status.id), actor: dana)
        let order = try await order()
        XCTAssertEqual(order, [])
        let after = try await harness.client.query(InvoiceMessages.get, GetInvoice(id: voided.id))
        XCTAssertNil(after.collectionStatus)
    }

    func testAChangeThatChangesNothingPublishesNothing() async throws {
        let status = try await create("Promised")
        let same = try await update(status.id, ["name": .string("Promised"), "disputed": .bool(false)])
        XCTAssertEqual(same, status)
        XCTAssertEqual(try harness.published(CollectionStatusMessages.updated).count, 0)
    }
}
