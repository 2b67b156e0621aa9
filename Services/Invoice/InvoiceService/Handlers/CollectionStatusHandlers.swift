import Contracts
import Messaging

/// Collection statuses: create, list, change (rename, move, manager, default, disputed),
/// delete while unused. Positions stay 0…n−1; at most one is the default.
enum CollectionStatusHandlers {
    static func register(in registry: inout HandlerRegistry) {
        registry.query(CollectionStatusMessages.list) { _, context in
            CollectionStatusList(items: try CollectionStatusStore(connection: context.connection).all())
        }
        registry.command(CollectionStatusMessages.create) { request, context in
            let store = CollectionStatusStore(connection: context.connection)
            let name = try CollectionStatusRules.name(request.name)
            let position = try CollectionStatusRules.position(request.position)
            try store.lockForChange()
            guard try !store.nameTaken(name, except: nil) else {
                throw ErrorBody.conflict("a collection status named \(name) exists")
            }
            let existing = try store.all()
            var status = CollectionStatus(id: CollectionStatusID(), name: name, position: existing.count, managerId: request.managerId,
                                          isDefault: request.isDefault ?? false, disputed: request.disputed ?? false, createdAt: .now)
            if status.isDefault { try store.clearDefault(except: status.id) }
            try store.insert(status)
            let order = CollectionStatusRules.moving(status.id, to: position ?? existing.count, in: existing.map(\.id) + [status.id])
            try store.renumber(order)
            status = try store.find(status.id) ?? status
            try context.publish(CollectionStatusMessages.created, CollectionStatusChanged(status: status))
            return status
        }
        registry.command(CollectionStatusMessages.update) { request, context in
            let store = CollectionStatusStore(connection: context.connection)
            try store.lockForChange()
            guard let current = try store.find(request.id) else {
                throw ErrorBody.notFound("collection status \(request.id) does not exist")
            }
            let (changed, moveTo) = try CollectionStatusRules.apply(request.changes, to: current)
            guard try !store.nameTaken(changed.name, except: changed.id) else {
                throw ErrorBody.conflict("a collection status named \(changed.name) exists")
            }
            if changed.isDefault && !current.isDefault { try store.clearDefault(except: changed.id) }
            try store.update(changed)
            if let moveTo { try store.renumber(CollectionStatusRules.moving(changed.id, to: moveTo, in: try store.all().map(\.id))) }
            let after = try store.find(changed.id) ?? changed
            guard after != current else { return current }
            try context.publish(CollectionStatusMessages.updated, CollectionStatusChanged(status: after))
            return after
        }
        registry.command(CollectionStatusMessages.delete) { request, context in
            let store = CollectionStatusStore(connection: context.connection)
            try store.lockForChange()
            guard let status = try store.find(request.id) else {
                throw ErrorBody.notFound("collection status \(request.id) does not exist")
            }
            let used = try store.invoicesIn(status.id)
            guard used == 0 else {
                throw ErrorBody.conflict("\(used) invoice\(used == 1 ? " is" : "s are") in \(status.name); move them first")
            }
            try store.delete(status.id)
            try store.renumber(try store.all().map(\.id))
            try context.publish(CollectionStatusMessages.deleted, CollectionStatusChanged(status: status))
            return status
        }
    }
}
