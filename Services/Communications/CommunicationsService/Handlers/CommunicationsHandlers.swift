import Contracts
import Messaging

/// communications-service's commands and queries, and the events it applies.
enum CommunicationsHandlers {
    static func register(in registry: inout HandlerRegistry) {
        registry.query(CommunicationsMessages.customerWorkflows) { request, context in
            CustomerWorkflows(workflows: try WorkflowStore(connection: context.connection).assignments(of: request.customerId))
        }
    }

    /// Workflow assignments follow their contact: a merge moves them to the master. Blocks
    /// rather than skips: a workflow left on a merged contact would never run again.
    static func customerEvents() -> EventHandlerRegistry {
        var events = EventHandlerRegistry(poisonPolicy: .block)
        events.on(ContactMessages.merged) { event, context in
            try WorkflowStore(connection: context.connection).moveAssignments(from: event.mergedIds, to: event.masterId)
        }
        return events
    }
}
