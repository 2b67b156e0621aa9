import Contracts
import Messaging

/// customer-service's commands and queries about billing contacts. A contact is reachable
/// exactly when its customer is (a specialist's scope covers both).
enum ContactHandlers {
    static func register(in registry: inout HandlerRegistry) {
        registry.command(ContactMessages.create) { request, context in
            let customer = try CustomerHandlers.visible(GetCustomer(id: request.customerId, assignedTo: request.assignedTo),
                                                        in: CustomerStore(connection: context.connection), lock: true)
            let fields = try ContactValidation.normalised(request.contact)
            let contact = try ContactStore(connection: context.connection).insert(ContactID(), customer: customer.id, fields)
            try context.publish(ContactMessages.created, ContactChanged(contact: contact))
            return contact
        }
        registry.query(ContactMessages.get) { request, context in
            try visible(request, context)
        }
        registry.query(ContactMessages.list) { request, context in
            let customer = try CustomerHandlers.visible(GetCustomer(id: request.customerId, assignedTo: request.assignedTo),
                                                        in: CustomerStore(connection: context.connection))
            return ContactList(items: try ContactStore(connection: context.connection).contacts(of: customer.id))
        }
        registry.command(ContactMessages.update) { request, context in
            let current = try visible(GetContact(id: request.id, assignedTo: request.assignedTo), context, lock: true)
            let (fields, changes) = try ContactValidation.patch.apply(request.changes, to: current.fields)
            guard !changes.isEmpty else { return current }
            let contact = try ContactStore(connection: context.connection).update(current.id, fields)
            try context.publish(ContactMessages.updated, ContactChanged(contact: contact, changes: changes))
            return contact
        }
        registry.command(ContactMessages.deactivate) { request, context in
            try setActive(false, request, context)
        }
        registry.command(ContactMessages.reactivate) { request, context in
            try setActive(true, request, context)
        }
        registry.command(ContactMessages.merge) { request, context in
            try merge(request, context)
        }
    }

    /// The contact, if it exists, is not merged, and its customer is visible to the caller.
    private static func visible(_ request: GetContact, _ context: HandlerContext, lock: Bool = false) throws -> ContactRecord {
        let notFound = ErrorBody.notFound("contact \(request.id) does not exist")
        guard let contact = try ContactStore(connection: context.connection).find(request.id, lock: lock) else { throw notFound }
        try CustomerHandlers.requireVisible(contact.customerId, assignedTo: request.assignedTo, context, otherwise: notFound)
        return contact
    }

    private static func setActive(_ active: Bool, _ request: GetContact, _ context: HandlerContext) throws -> ContactRecord {
        let current = try visible(request, context, lock: true)
        guard let contact = try ContactStore(connection: context.connection).setActive(current.id, active) else { return current }
        try context.publish(active ? ContactMessages.reactivated : ContactMessages.deactivated, ContactChanged(contact: contact))
        return contact
    }

    /// Every contact involved is locked (in id order), must exist unmerged and belong to
    /// the master's customer; the master takes the chosen fields, the others fold into it.
    private static func merge(_ request: MergeContacts, _ context: HandlerContext) throws -> ContactRecord {
        try ContactMerge.check(request)
        // The caller must reach the master before anything else is looked at or locked.
        _ = try visible(GetContact(id: request.masterId, assignedTo: request.assignedTo), context)
        let store = ContactStore(connection: context.connection)
        let locked = try store.lock([request.masterId] + request.mergeIds)
        guard let master = locked.first(where: { $0.id == request.masterId }) else {
            throw ErrorBody.notFound("contact \(request.masterId) does not exist")
        }
        var merged: [ContactRecord] = []
        for id in request.mergeIds {
            // Another customer's contact is, to this merge, one that does not exist.
            guard let contact = locked.first(where: { $0.id == id }), contact.customerId == master.customerId else {
                throw ErrorBody.unprocessable("contact \(id) is not a contact of this customer (or was already merged)",
                                              field: "merge_ids")
            }
            merged.append(contact)
        }
        let fields = try ContactMerge.fields(master: master, merged: merged, choosing: request.fields)
        let changes = try ContactValidation.patch.changes(from: master.fields, to: fields)
        let after = changes.isEmpty ? master : try store.update(master.id, fields)
        try store.markMerged(request.mergeIds, into: master.id)
        try context.publish(ContactMessages.merged, ContactsMerged(
            customerId: master.customerId, masterId: master.id, mergedIds: request.mergeIds, contact: after,
            mergedNames: merged.map(\.fullName), changes: changes))
        return after
    }
}
