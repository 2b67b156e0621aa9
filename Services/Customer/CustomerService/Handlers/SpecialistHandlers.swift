import Contracts
import Messaging

/// AR specialist assignment, one customer or many, and the users it is chosen from.
enum SpecialistHandlers {
    /// The most customers one bulk assignment names.
    static let bulkLimit = 1_000

    static func register(in registry: inout HandlerRegistry) {
        registry.command(SpecialistMessages.assign) { request, context in
            let customers = CustomerStore(connection: context.connection)
            let current = try CustomerHandlers.visible(GetCustomer(id: request.customerId), in: customers, lock: true)
            let specialist = try UserStore(connection: context.connection).assignable(request.userId)
            guard let changed = try customers.assign(specialist.id, to: [current.id]).first else { return current }
            try announce(changed, to: specialist, context)
            return changed.record
        }
        registry.query(SpecialistMessages.candidates) { _, context in
            let users = UserStore(connection: context.connection)
            return SpecialistList(items: try users.candidates())
        }
        registry.command(SpecialistMessages.bulkAssign) { request, context in
            guard (1...bulkLimit).contains(request.customerIds.count) else {
                throw ErrorBody.invalidArgument("customer_ids names 1 to \(bulkLimit) customers", field: "customer_ids")
            }
            guard Set(request.customerIds).count == request.customerIds.count else {
                throw ErrorBody.invalidArgument("customer_ids names a customer twice", field: "customer_ids")
            }
            let customers = CustomerStore(connection: context.connection)
            let specialist = try UserStore(connection: context.connection).assignable(request.userId)
            let missing = try customers.lockAll(request.customerIds)
            guard missing.isEmpty else {
                let named = missing.prefix(10).map(\.description).joined(separator: ", ")
                throw ErrorBody.unprocessable(
                    "no customer was assigned: \(missing.count) of customer_ids do not exist (\(named)\(missing.count > 10 ? ", …" : ""))",
                    field: "customer_ids")
            }
            let changed = try customers.assign(specialist.id, to: request.customerIds)
            for change in changed { try announce(change, to: specialist, context) }
            return BulkAssignment(specialist: specialist, customerIds: request.customerIds, changedIds: changed.map(\.record.id))
        }
    }

    private static func announce(_ change: (record: CustomerRecord, previous: UserID?), to specialist: SpecialistReference,
                                 _ context: HandlerContext) throws {
        let users = UserStore(connection: context.connection)
        let previous = try change.previous.map { try users.reference($0) ?? SpecialistReference(id: $0) }
        try context.publish(SpecialistMessages.assigned, SpecialistAssigned(
            customerId: change.record.id, customerName: change.record.fields.displayName, from: previous, to: specialist))
    }

    /// The users, from the gateway's identity service: applied in order, never skipped (a
    /// missed deactivation would let a departed user be assigned).
    static func identityEvents() -> EventHandlerRegistry {
        var events = EventHandlerRegistry(poisonPolicy: .block)
        events.on(IdentityMessages.userUpserted) { user, context in
            try UserStore(connection: context.connection).upsert(user)
        }
        return events
    }
}
