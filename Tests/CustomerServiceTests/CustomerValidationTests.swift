import Contracts
import XCTest
@testable import CustomerService

final class CustomerValidationTests: XCTestCase {
    private func refusal(_ fields: CustomerFields) -> ErrorBody? {
        do {
            _ = try CustomerValidation.normalised(fields)
            return nil
        } catch {
            return error
        }
    }

    func testTrimsTextAndDropsEmptyFields() throws {
        var fields = CustomerFields(displayName: "  Acme Corp \n", company: "   ", email: " ap@acme.example ")
        fields.notes = "\t"
        let normalised = try CustomerValidation.normalised(fields)
        XCTAssertEqual(normalised.displayName, "Acme Corp")
        XCTAssertNil(normalised.company)
        XCTAssertNil(normalised.notes)
        XCTAssertEqual(normalised.email, "ap@acme.example")
    }

    func testEachViolationNamesItsField() {
        XCTAssertEqual(refusal(CustomerFields(displayName: "  "))?.details.keys.first, "display_name")
        XCTAssertEqual(refusal(CustomerFields(displayName: "Acme", email: "not-an-address"))?.details.keys.first, "email")
        XCTAssertEqual(refusal(CustomerFields(displayName: "Acme", paymentTermsDays: 366))?.details.keys.first, "payment_terms_days")
        XCTAssertEqual(refusal(CustomerFields(displayName: "Acme", paymentTermsDays: -1))?.details.keys.first, "payment_terms_days")
        XCTAssertEqual(refusal(CustomerFields(displayName: "Acme", billedWithParent: true))?.details.keys.first, "billed_with_parent")
        XCTAssertEqual(refusal(CustomerFields(displayName: String(repeating: "x", count: TextLimit.name + 1)))?.details.keys.first,
                       "display_name")
        XCTAssertEqual(refusal(CustomerFields(displayName: "Acme", paymentTermsDays: 365))?.details.keys.first, nil)
    }

    func testTheLimitCountsCharactersNotBytes() throws {
        let name = String(repeating: "é", count: TextLimit.name)
        XCTAssertEqual(try CustomerValidation.normalised(CustomerFields(displayName: name)).displayName, name)
    }
}
