import Foundation

/// The messages of communications-service.
public enum CommunicationsMessages {
    public static let customerWorkflows = Query<CustomerWorkflowsRequest, CustomerWorkflows>("communications.customer_workflows")

    public static let catalogue = MessageCatalogue(.communications, [customerWorkflows])
}

/// A workflow running for one contact or one invoice.
public struct WorkflowAssignmentSummary: Codable, Hashable, Sendable {
    public var id: WorkflowAssignmentID
    public var workflowId: WorkflowID
    public var workflowName: String
    public var contactId: ContactID?
    public var invoiceId: InvoiceID?
    /// active, paused, finished
    public var state: String
    public var nextStepOn: BusinessDate?

    public init(id: WorkflowAssignmentID, workflowId: WorkflowID, workflowName: String, contactId: ContactID?, invoiceId: InvoiceID?,
                state: String, nextStepOn: BusinessDate?) {
        self.id = id
        self.workflowId = workflowId
        self.workflowName = workflowName
        self.contactId = contactId
        self.invoiceId = invoiceId
        self.state = state
        self.nextStepOn = nextStepOn
    }
}

/// Body of `communications.customer_workflows`.
public struct CustomerWorkflowsRequest: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public init(customerId: CustomerID) { self.customerId = customerId }
}

/// Reply to `communications.customer_workflows`: communications-service's section of the
/// Customer Details view, `workflows` (each names its contact or invoice), in the API's
/// shape (the gateway passes the bytes through).
public struct CustomerWorkflows: Codable, Hashable, Sendable {
    public var workflows: [WorkflowAssignmentSummary]
    public init(workflows: [WorkflowAssignmentSummary]) { self.workflows = workflows }
}
