import Contracts
import Messaging

/// communications-service's commands and queries.
enum CommunicationsHandlers {
    static func register(in registry: inout HandlerRegistry) {
        registry.query(CommunicationsMessages.customerWorkflows) { request, context in
            CustomerWorkflows(workflows: try WorkflowStore(connection: context.connection).assignments(of: request.customerId))
        }
    }
}
