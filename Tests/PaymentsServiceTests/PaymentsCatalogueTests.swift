import Contracts
import XCTest
@testable import PaymentsService

final class PaymentsCatalogueTests: XCTestCase {
    func testHandlersAreExactlyTheCatalogue() throws {
        let definition = try PaymentsService.definition()
        XCTAssertEqual(Set(definition.handlers.registered.keys), Set(PaymentsMessages.catalogue.requests.map(\.type)))
    }
}
