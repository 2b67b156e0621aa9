import Contracts
import XCTest
@testable import CommunicationsService

final class CommunicationsCatalogueTests: XCTestCase {
    func testHandlersAreExactlyTheCatalogue() throws {
        let definition = try CommunicationsService.definition()
        XCTAssertEqual(Set(definition.handlers.registered.keys), Set(CommunicationsMessages.catalogue.requests.map(\.type)))
    }
}
