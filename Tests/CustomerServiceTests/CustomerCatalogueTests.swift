import Contracts
import XCTest
@testable import CustomerService

final class CustomerCatalogueTests: XCTestCase {
    /// The definition is refused unless its handlers are exactly the catalogue's requests.
    func testHandlersAreExactlyTheCatalogue() throws {
        let definition = try CustomerService.definition()
        XCTAssertEqual(Set(definition.handlers.registered.keys), Set(CustomerMessages.catalogue.requests.map(\.type)))
        XCTAssertEqual(CustomerMessages.catalogue.events.map(\.type),
                       ["customer.created", "customer.updated", "customer.deactivated", "customer.reactivated",
                        "contact.created", "contact.updated", "contact.deactivated", "contact.reactivated", "contact.merged",
                        "customer.specialist_assigned", "document.uploaded", "document.deleted"])
    }
}
