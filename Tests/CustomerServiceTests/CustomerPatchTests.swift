import Contracts
import XCTest
@testable import CustomerService

final class CustomerPatchTests: XCTestCase {
    private let current = CustomerFields(displayName: "Acme", company: "Acme Corp", email: "ap@acme.example",
                                         shippingSameAsBilling: true, billedWithParent: false, currency: .usd, paymentTermsDays: 30)

    private func refusal(_ changes: [String: JSONValue]) -> ErrorBody? {
        do {
            _ = try CustomerPatch.apply(changes, to: current)
            return nil
        } catch {
            return error as? ErrorBody
        }
    }

    func testChangesAreListedWithOldAndNewInFieldOrder() throws {
        let (fields, changes) = try CustomerPatch.apply(
            ["phone": .string(" +1 555 0100 "), "company": .null, "payment_terms_days": .number(45)], to: current)
        XCTAssertEqual(fields.phone, "+1 555 0100", "trimmed like on create")
        XCTAssertNil(fields.company)
        XCTAssertEqual(fields.email, "ap@acme.example", "left out: unchanged")
        XCTAssertEqual(changes, [
            FieldChange(field: "company", old: .string("Acme Corp"), new: .null),
            FieldChange(field: "phone", old: .null, new: .string("+1 555 0100")),
            FieldChange(field: "payment_terms_days", old: .number(30), new: .number(45)),
        ])
    }

    func testSettingWhatIsAlreadyThereChangesNothing() throws {
        XCTAssertEqual(try CustomerPatch.apply(["display_name": .string("  Acme "), "company": .string("Acme Corp")], to: current).changes, [])
        XCTAssertEqual(try CustomerPatch.apply([:], to: current).changes, [])
    }

    func testRefusalsNameTheField() {
        XCTAssertEqual(refusal(["nickname": .string("x")])?.details.keys.first, "nickname")
        XCTAssertEqual(refusal(["nickname": .string("x")])?.code, .invalidArgument)
        XCTAssertEqual(refusal(["display_name": .null])?.message, "display_name cannot be cleared")
        XCTAssertEqual(refusal(["currency": .null])?.details.keys.first, "currency")
        XCTAssertEqual(refusal(["email": .string("not an address")])?.details.keys.first, "email")
        XCTAssertEqual(refusal(["payment_terms_days": .number(400)])?.details.keys.first, "payment_terms_days")
        XCTAssertEqual(refusal(["payment_terms_days": .number(1.5)])?.details.keys.first, "payment_terms_days")
        XCTAssertEqual(refusal(["currency": .string("dollars")])?.details.keys.first, "currency")
        XCTAssertEqual(refusal(["billed_with_parent": .bool(true)])?.code, .failedPrecondition, "needs a parent")
        XCTAssertEqual(refusal(["display_name": .string(String(repeating: "x", count: TextLimit.name + 1))])?.details.keys.first,
                       "display_name")
    }

    /// The member list is the one `CustomerFields` encodes: they cannot drift apart.
    func testTheMembersAreExactlyCustomerFields() throws {
        let full = CustomerFields(
            displayName: "a", company: "b", customerNumber: "c", email: "d@e.f", phone: "g", mobile: "h", website: "i",
            nameOnChecks: "j", billingAddress: Address(line1: "k"), shippingAddress: Address(line1: "l"),
            shippingSameAsBilling: false, parentCustomerId: CustomerID(), billedWithParent: true, currency: .usd,
            paymentTermsDays: 1, notes: "m")
        let encoded = try ContractJSON.decode([String: JSONValue].self, from: ContractJSON.encode(full))
        XCTAssertEqual(Set(encoded.keys), Set(CustomerPatch.members))
        XCTAssertEqual(CustomerPatch.members.count, Set(CustomerPatch.members).count)
    }
}
