import Contracts
import Messaging

/// customer-service's commands and queries.
enum CustomerHandlers {
    static func register(in registry: inout HandlerRegistry) {
        registry.command(CustomerMessages.create) { request, context in
            let fields = try CustomerValidation.normalised(request.customer)
            let record = try CustomerStore(connection: context.connection)
                .insert(CustomerID(), fields, specialist: request.specialistId, createdBy: context.envelope.actor)
            try context.publish(CustomerMessages.created, CustomerCreated(customer: record))
            return record
        }
        registry.query(CustomerMessages.get) { request, context in
            try visible(request, in: CustomerStore(connection: context.connection))
        }
        registry.query(CustomerMessages.profile) { request, context in
            let store = CustomerStore(connection: context.connection)
            let record = try visible(request, in: store)
            return CustomerProfile(customer: record, contacts: try store.contacts(of: record.id),
                                   documents: try store.documents(of: record.id))
        }
        registry.query(CustomerMessages.list) { request, context in
            try TextLimit.check(request.query, TextLimit.name, field: "q")
            return try CustomerStore(connection: context.connection).list(request)
        }
    }

    /// The customer, if it exists and the caller may see it; otherwise `not_found` (a
    /// customer outside a specialist's scope looks exactly like one that does not exist).
    private static func visible(_ request: GetCustomer, in store: CustomerStore) throws -> CustomerRecord {
        guard let record = try store.find(request.id),
              request.assignedTo == nil || record.specialistId == request.assignedTo else {
            throw ErrorBody.notFound("customer \(request.id) does not exist")
        }
        return record
    }
}
