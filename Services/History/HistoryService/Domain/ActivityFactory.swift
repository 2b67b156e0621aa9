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

    /// "Dana Reyes updated phone from nothing to +1 555 0100; notes from “Pays on Fridays” to nothing".
    static func customerUpdated(_ event: CustomerUpdated, envelope: Envelope) -> Activity {
        let changes = event.changes.map { change in
            "\(change.field.replacingOccurrences(of: "_", with: " ")) from \(quoted(change.old)) to \(quoted(change.new))"
        }
        return Activity(id: ActivityID(), customerId: event.customer.id, category: "customer", type: CustomerMessages.updated.type,
                        summary: "\(who(envelope)) updated \(changes.joined(separator: "; "))",
                        occurredAt: envelope.sentAt, actor: envelope.actor)
    }

    static func customerStateChanged(_ event: CustomerStateChanged, envelope: Envelope) -> Activity {
        let deactivated = event.customer.isDeactivated
        return Activity(id: ActivityID(), customerId: event.customer.id, category: "customer",
                        type: deactivated ? CustomerMessages.deactivated.type : CustomerMessages.reactivated.type,
                        summary: "\(who(envelope)) \(deactivated ? "deactivated" : "reactivated") the customer",
                        occurredAt: envelope.sentAt, actor: envelope.actor)
    }

    private static func who(_ envelope: Envelope) -> String { envelope.actor?.name ?? "Someone" }

    private static func quoted(_ value: JSONValue) -> String {
        value == .null ? "nothing" : "“\(value.readable)”"
    }
}
