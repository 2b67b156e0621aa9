import Contracts
import Messaging

/// customer-service's commands and queries.
enum CustomerHandlers {
    static func register(in registry: inout HandlerRegistry) {
        registry.command(CustomerMessages.create) { request, context in
            let fields = try CustomerValidation.normalised(request.customer)
            // Nobody named: the business default specialist (the user marked as such), if any.
            let specialist = try request.specialistId ?? UserStore(connection: context.connection).defaultSpecialist()
            let record = try CustomerStore(connection: context.connection)
                .insert(CustomerID(), fields, specialist: specialist, createdBy: context.envelope.actor)
            try context.publish(CustomerMessages.created, CustomerCreated(customer: record))
            return record
        }
        registry.query(CustomerMessages.get) { request, context in
            try visible(request, in: CustomerStore(connection: context.connection))
        }
        registry.query(CustomerMessages.profile) { request, context in
            let store = CustomerStore(connection: context.connection)
            let record = try visible(request, in: store)
            return CustomerProfile(customer: record, status: try CustomerListStore(connection: context.connection).status(of: record.id),
                                   specialist: try UserStore(connection: context.connection).reference(of: record),
                                   contacts: try ContactStore(connection: context.connection).contacts(of: record.id),
                                   documents: try DocumentStore(connection: context.connection).documents(of: record.id), subCustomers: try store.subCustomers(of: record.id))
        }
        registry.command(CustomerMessages.update) { request, context in
            let store = CustomerStore(connection: context.connection)
            let current = try visible(GetCustomer(id: request.id, assignedTo: request.assignedTo), in: store, lock: true)
            let (fields, changes) = try CustomerPatch.apply(request.changes, to: current.fields)
            guard !changes.isEmpty else { return current }
            // Every amount of a customer is in its currency: once invoiced, it stays.
            if changes.contains(where: { $0.field == "currency" }),
               try CustomerListStore(connection: context.connection).hasBeenInvoiced(current.id) {
                throw ErrorBody.unprocessable("the currency cannot change once the customer has invoices", field: "currency")
            }
            let record = try store.update(current.id, fields)
            try context.publish(CustomerMessages.updated, CustomerUpdated(customer: record, changes: changes))
            return record
        }
        registry.command(CustomerMessages.deactivate) { request, context in
            try setDeactivated(true, request, context)
        }
        registry.command(CustomerMessages.reactivate) { request, context in
            try setDeactivated(false, request, context)
        }
        registry.query(ReconcileMessages.balanceFacts) { request, context in
            BalanceFactList(items: try CustomerListStore(connection: context.connection).balanceFacts(request.ids))
        }
        registry.query(CustomerMessages.list) { request, context in
            try TextLimit.check(request.query, TextLimit.name, field: "q")
            return try CustomerListStore(connection: context.connection).list(request)
        }
    }

    /// The customer, if it exists and the caller may see it; otherwise `not_found` (a
    /// customer outside a specialist's scope looks exactly like one that does not exist).
    static func visible(_ request: GetCustomer, in store: CustomerStore, lock: Bool = false) throws -> CustomerRecord {
        guard let record = try store.find(request.id, lock: lock),
              request.assignedTo == nil || record.specialistId == request.assignedTo else {
            throw ErrorBody.notFound("customer \(request.id) does not exist")
        }
        return record
    }

    /// For what belongs to a customer (a contact, a document), reachable exactly when its
    /// customer is: `notFound` — the thing's own — unless the customer is visible.
    static func requireVisible(_ customer: CustomerID, assignedTo: UserID?, _ context: HandlerContext,
                               otherwise notFound: ErrorBody) throws {
        do {
            _ = try visible(GetCustomer(id: customer, assignedTo: assignedTo), in: CustomerStore(connection: context.connection))
        } catch let error as ErrorBody where error.code == .notFound {
            throw notFound
        }
    }

    /// Deactivates or reactivates, publishing the event only when the state changed.
    private static func setDeactivated(_ deactivated: Bool, _ request: GetCustomer, _ context: HandlerContext) throws -> CustomerRecord {
        let store = CustomerStore(connection: context.connection)
        let current = try visible(request, in: store, lock: true)
        guard let record = try store.setDeactivated(current.id, deactivated) else { return current }
        try context.publish(deactivated ? CustomerMessages.deactivated : CustomerMessages.reactivated,
                            CustomerStateChanged(customer: record))
        return record
    }

    /// Each customer's balance, from invoice-service: the list's status, balances and
    /// collection-status filter. Applied in order, never skipped.
    static func invoiceEvents() -> EventHandlerRegistry {
        var events = EventHandlerRegistry(poisonPolicy: .block)
        events.on(InvoiceMessages.balanceChanged) { balance, context in
            try CustomerListStore(connection: context.connection).record(balance)
        }
        return events
    }
}
