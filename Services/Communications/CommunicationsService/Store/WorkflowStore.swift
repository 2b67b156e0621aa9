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

    /// Moves the merged contacts' assignments to the master. A workflow that would then
    /// run twice for the master keeps one assignment — the master's own, else the oldest —
    /// and the others finish.
    func moveAssignments(from merged: [ContactID], to master: ContactID) throws {
        let mergedIds = merged.map(\.uuid)
        try connection.execute("""
            WITH ranked AS (
                SELECT id, row_number() OVER (PARTITION BY workflow_id ORDER BY contact_id = \(master) DESC, created_at, id) AS n
                FROM workflow_assignments
                WHERE (contact_id = \(master) OR contact_id = ANY(\(mergedIds))) AND state <> 'finished')
            UPDATE workflow_assignments SET state = 'finished' WHERE id IN (SELECT id FROM ranked WHERE n > 1)
            """)
        try connection.execute("""
            UPDATE workflow_assignments SET contact_id = \(master) WHERE contact_id = ANY(\(mergedIds))
            """)
    }
}
