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
            guard let record = try CustomerStore(connection: context.connection).find(request.id) else {
                throw ErrorBody.notFound("customer \(request.id) does not exist")
            }
            return record
        }
        registry.query(CustomerMessages.profile) { request, context in
            let store = CustomerStore(connection: context.connection)
            guard let record = try store.find(request.id) else {
                throw ErrorBody.notFound("customer \(request.id) does not exist")
            }
            return CustomerProfile(customer: record, contacts: try store.contacts(of: record.id),
                                   documents: try store.documents(of: record.id))
        }
        registry.query(CustomerMessages.list) { request, context in
            try CustomerStore(connection: context.connection).list(request)
        }
    }
}
