import Contracts
import Foundation
import Postgres
import PostgresContracts

/// Workflows and their assignments in the `communications` schema, on the caller's connection.
struct WorkflowStore {
    let connection: PostgresConnection

    /// The customer's running or paused workflow assignments.
    func assignments(of customer: CustomerID) throws -> [WorkflowAssignmentSummary] {
        try connection.query("""
            SELECT a.id, a.workflow_id, w.name, a.contact_id, a.invoice_id, a.state, a.next_step_on
            FROM workflow_assignments a JOIN workflows w ON w.id = a.workflow_id
            WHERE a.customer_id = \(customer) AND a.state <> 'finished'
            ORDER BY a.created_at
            """).map { row in
            let (id, workflow, name, contact, invoice, state, next) =
                try row.decode((WorkflowAssignmentID, WorkflowID, String, ContactID?, InvoiceID?, String, BusinessDate?).self)
            return WorkflowAssignmentSummary(id: id, workflowId: workflow, workflowName: name, contactId: contact,
                                             invoiceId: invoice, state: state, nextStepOn: next)
        }
    }
}
