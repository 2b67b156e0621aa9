import Contracts
import Foundation

/// Turns other services' events into timeline entries.
enum ActivityFactory {
    static func customerCreated(_ event: CustomerCreated, envelope: Envelope) -> Activity {
        let customer = event.customer
        let who = envelope.actor?.name.map { " by \($0)" } ?? ""
        return Activity(id: ActivityID(), customerId: customer.id, category: "customer", type: CustomerMessages.created.type,
                        summary: "Customer \(customer.fields.displayName) created\(who)",
                        occurredAt: envelope.sentAt, actor: envelope.actor)
    }
}
