import Contracts
@testable import CustomerService
import Foundation
import Messaging
import Postgres
import TestSupport
import XCTest

/// Customers through customer-service's real handlers on a real PostgreSQL schema: every
/// field rule of create and update, named, with nothing stored or published on refusal.
final class CustomerCommandTests: XCTestCase {
    private var harness: ServiceHarness!
    private let dana = Actor.person("Dana Reyes")

    override func setUp() async throws {
        harness = try ServiceHarness(try CustomerService.definition())
    }

    override func tearDown() async throws {
        harness?.shutdown()
    }

    private func create(_ fields: CustomerFields) async throws -> CustomerRecord {
        try await harness.client.command(CustomerMessages.create, CreateCustomer(customer: fields), actor: dana)
    }

    private func update(_ id: CustomerID, _ changes: [String: JSONValue]) async throws -> CustomerRecord {
        try await harness.client.command(CustomerMessages.update, UpdateCustomer(id: id, changes: changes), actor: dana)
    }


    private func rows() throws -> Int { try harness.connection().query("SELECT count(*) FROM customers").single(Int.self) }

    func testCreateRefusesEachBadFieldByNameAndStoresNothing() async throws {
        let cases: [(CustomerFields, String, ErrorCode)] = [
            (CustomerFields(displayName: " "), "display_name", .invalidArgument),
            (CustomerFields(displayName: "Acme", email: "ap.acme.example"), "email", .invalidArgument),
            (CustomerFields(displayName: "Acme", phone: "555"), "phone", .invalidArgument),
            (CustomerFields(displayName: "Acme", mobile: "+1 555 0100 call after 5"), "mobile", .invalidArgument),
            (CustomerFields(displayName: "Acme", website: "not a site"), "website", .invalidArgument),
            (CustomerFields(displayName: "Acme", website: "ftp://acme.example"), "website", .invalidArgument),
            (CustomerFields(displayName: "Acme", billingAddress: Address(country: "USA")), "billing_address.country", .invalidArgument),
            (CustomerFields(displayName: "Acme", shippingAddress: Address(country: "QQ")), "shipping_address.country", .failedPrecondition),
            (CustomerFields(displayName: "Acme", currency: Currency("XYZ")), "currency", .failedPrecondition),
            (CustomerFields(displayName: "Acme", paymentTermsDays: 400), "payment_terms_days", .invalidArgument),
            (CustomerFields(displayName: "Acme", billedWithParent: true), "billed_with_parent", .failedPrecondition),
            (CustomerFields(displayName: "Acme", parentCustomerId: CustomerID()), "parent_customer_id", .failedPrecondition),
        ]
        for (fields, field, code) in cases {
            let error = await refusal { try await create(fields) }
            XCTAssertEqual(error?.code, code, "\(fields)")
            XCTAssertEqual(error?.details.keys.sorted(), [field], "\(fields)")
        }
        XCTAssertEqual(try rows(), 0)
        XCTAssertEqual(try harness.published(CustomerMessages.created).count, 0)
    }

    func testCreateKeepsNormalisedContactPoints() async throws {
        let acme = try await create(CustomerFields(
            displayName: "Acme", phone: " +1 (555) 010-0100 x12 ", website: "Acme.example/billing",
            billingAddress: Address(line1: " 1 Main St ", city: "Springfield", country: "us"), currency: Currency("eur")))
        XCTAssertEqual(acme.fields.phone, "+1 (555) 010-0100 x12")
        XCTAssertEqual(acme.fields.website, "https://Acme.example/billing")
        XCTAssertEqual(acme.fields.billingAddress, Address(line1: "1 Main St", city: "Springfield", country: "US"))
        XCTAssertEqual(acme.currency, .eur)
    }

    func testUpdateRefusesEachBadChangeByNameAndChangesNothing() async throws {
        let acme = try await create(CustomerFields(displayName: "Acme", phone: "+1 555 0100"))
        let cases: [([String: JSONValue], String, ErrorCode)] = [
            (["colour": .string("red")], "colour", .invalidArgument),
            (["display_name": .null], "display_name", .invalidArgument),
            (["currency": .null], "currency", .invalidArgument),
            (["payment_terms_days": .number(1.5)], "payment_terms_days", .invalidArgument),
            (["phone": .string("call me")], "phone", .invalidArgument),
            (["website": .string("http://")], "website", .invalidArgument),
            (["billing_address": .object(["country": .string("ZZ")])], "billing_address.country", .failedPrecondition),
            (["currency": .string("ABC")], "currency", .failedPrecondition),
            (["parent_customer_id": .string(acme.id.description)], "parent_customer_id", .failedPrecondition),
            (["parent_customer_id": .string(CustomerID().description)], "parent_customer_id", .failedPrecondition),
        ]
        for (changes, field, code) in cases {
            let error = await refusal { try await update(acme.id, changes) }
            XCTAssertEqual(error?.code, code, "\(changes)")
            XCTAssertEqual(error?.details.keys.sorted(), [field], "\(changes)")
        }
        let missing = await refusal { try await update(CustomerID(), ["phone": .null]) }
        XCTAssertEqual(missing?.code, .notFound)
        let stored = try await harness.client.query(CustomerMessages.get, GetCustomer(id: acme.id))
        XCTAssertEqual(stored, acme)
        XCTAssertEqual(try harness.published(CustomerMessages.updated).count, 0)
    }

    func testNoCustomerBecomesItsOwnAncestorThroughAnyLengthOfChain() async throws {
        let top = try await create(CustomerFields(displayName: "Top"))
        let middle = try await create(CustomerFields(displayName: "Middle", parentCustomerId: top.id))
        let bottom = try await create(CustomerFields(displayName: "Bottom", parentCustomerId: middle.id))
        let error = await refusal { try await update(top.id, ["parent_customer_id": .string(bottom.id.description)]) }
        XCTAssertEqual(error?.code, .failedPrecondition)
        XCTAssertEqual(error?.message, "a customer cannot be its own parent or ancestor")
        // Moving the bottom under the top directly is no cycle.
        let moved = try await update(bottom.id, ["parent_customer_id": .string(top.id.description)])
        XCTAssertEqual(moved.fields.parentCustomerId, top.id)
        let stillTop = try await harness.client.query(CustomerMessages.get, GetCustomer(id: top.id))
        XCTAssertNil(stillTop.fields.parentCustomerId)
    }
}
