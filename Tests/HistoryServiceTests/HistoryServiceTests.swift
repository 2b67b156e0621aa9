import Contracts
import Foundation
import XCTest
@testable import HistoryService

final class HistoryServiceTests: XCTestCase {
    func testHandlersAreExactlyTheCatalogue() throws {
        let definition = try HistoryService.definition()
        XCTAssertEqual(Set(definition.handlers.registered.keys), Set(HistoryMessages.catalogue.requests.map(\.type)))
        XCTAssertEqual(Set(definition.subscriptions.keys), [.customer])
    }

    func testACreatedCustomerReadsAsOneLineWithWhoDidIt() {
        let customer = CustomerRecord(id: CustomerID(), fields: CustomerFields(displayName: "Acme Corp"), currency: .usd,
                                      paymentTermsDays: 30, isDeactivated: false, specialistId: nil,
                                      createdAt: Date(), updatedAt: Date())
        let actor = Actor(userId: UserID(), role: "specialist", name: "Dana Reyes")
        let envelope = Envelope(kind: .event, type: CustomerMessages.created.type, actor: actor)
        let activity = ActivityFactory.customerCreated(CustomerCreated(customer: customer), envelope: envelope)
        XCTAssertEqual(activity.summary, "Customer Acme Corp created by Dana Reyes")
        XCTAssertEqual(activity.customerId, customer.id)
        XCTAssertEqual(activity.category, "customer")
        XCTAssertEqual(activity.type, "customer.created")
        XCTAssertEqual(activity.occurredAt, envelope.sentAt)
        XCTAssertEqual(activity.actor, actor)
    }
}
