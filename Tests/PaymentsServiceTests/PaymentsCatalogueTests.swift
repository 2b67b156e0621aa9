import Contracts
import XCTest
@testable import PaymentsService

final class PaymentsCatalogueTests: XCTestCase {
    func testHandlersAreExactlyTheCatalogue() throws {
        let definition = try PaymentsService.definition(linkKey: try .forTests)
        XCTAssertEqual(Set(definition.handlers.registered.keys), Set(PaymentsMessages.catalogue.requests.map(\.type)))
    }
}
