import Contracts
import Foundation
@testable import Gateway
import Hummingbird
import HTTPTypes
import XCTest

/// The history routes in-process, on a fake mesh: tabs and paging handed to history-service,
/// the export as CSV of every page, notes and tasks checked against the customer's own
/// contacts, invoices and people before history-service hears of them, and the scope.
final class HistoryRouteTests: XCTestCase {
    private let customerId = CustomerID()
    private let contact = ContactID()
    private let sam = SpecialistReference(id: UserID(), name: "Sam Lee")

    private func mesh(assignedTo specialist: UserID? = nil) -> FakeMesh {
        let mesh = FakeMesh()
        let record = CustomerRecord(id: customerId, fields: CustomerFields(displayName: "Acme"), currency: .usd, paymentTermsDays: 30,
                                    isDeactivated: false, specialistId: specialist, createdAt: Date(), updatedAt: Date())
        mesh.answer(CustomerMessages.get) { request, _ in
            guard request.id == record.id, request.assignedTo == nil || request.assignedTo == record.specialistId else {
                throw ErrorBody.notFound("customer \(request.id) does not exist")
            }
            return record
        }
        let contactRecord = ContactRecord(id: contact, customerId: customerId, fields: ContactFields(firstName: "Pat"),
                                          createdAt: Date(), updatedAt: Date())
        mesh.answer(ContactMessages.get) { request, _ in
            guard request.id == contactRecord.id else { throw ErrorBody.notFound("contact \(request.id) does not exist") }
            return contactRecord
        }
        let sam = self.sam
        mesh.answer(SpecialistMessages.candidates) { _, _ in SpecialistList(items: [sam]) }
        return mesh
    }

    private func activity(_ summary: String, at seconds: Double) -> Activity {
        Activity(id: ActivityID(), customerId: customerId, category: "note", type: "note.add", summary: summary,
                 occurredAt: Date(timeIntervalSince1970: 1_790_000_000 + seconds), actor: Actor(userId: UserID(), role: "manager", name: "Dana"))
    }

    func testTheTimelineByTabAndItsExportOfEveryPage() async throws {
        let mesh = mesh()
        let first = [activity("=HYPERLINK(\"x\")", at: 2), activity("Called AP", at: 1)]
        let second = [activity("Sent statement", at: 0)]
        mesh.answer(HistoryMessages.list) { request, _ in
            request.cursor == nil ? ActivityPage(items: first, nextCursor: "next") : ActivityPage(items: second, nextCursor: nil)
        }
        let harness = try GatewayHarness(mesh: mesh)
        let page = try await harness.request(.get, "/api/v1/customers/\(customerId)/history?type=note&limit=2")
        XCTAssertEqual(page.status, 200, page.body)
        XCTAssertEqual((page.json["items"] as? [[String: Any]])?.count, 2)
        XCTAssertEqual(page.json["next_cursor"] as? String, "next")
        XCTAssertEqual(mesh.lastBody(HistoryMessages.list), ListActivities(customerId: customerId, tab: .note, limit: 2))
        let bad = try await harness.request(.get, "/api/v1/customers/\(customerId)/history?type=letters")
        XCTAssertEqual(bad.status, 400)

        let csv = try await harness.request(.get, "/api/v1/customers/\(customerId)/history/export.csv")
        XCTAssertEqual(csv.status, 200)
        XCTAssertEqual(csv.headers[.contentType], "text/csv; charset=utf-8")
        let rows = csv.body.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        XCTAssertEqual(rows.count, 4, "the header and every page's activities: \(rows)")
        XCTAssertTrue(rows[1].contains(#""'=HYPERLINK(""x"")""#), "a formula is text: \(rows[1])")
        XCTAssertTrue(rows[3].contains("Sent statement"))
        XCTAssertEqual(mesh.lastBody(HistoryMessages.list)?.limit, 500, "read in the largest pages")

        let elsewhere = try await harness.request(.get, "/api/v1/customers/\(CustomerID())/history")
        XCTAssertEqual(elsewhere.status, 404)
        // This customer, assigned to someone else: a specialist limited to their own reads none of it.
        let notTheirs = try GatewayHarness(mesh: self.mesh(assignedTo: UserID()))
        for path in ["/api/v1/customers/\(customerId)/history", "/api/v1/customers/\(customerId)/history/export.csv"] {
            let refused = try await notTheirs.request(.get, path, as: .bearer(FakeMesh.token(.specialist)))
            XCTAssertEqual(refused.status, 404, path)
        }
        XCTAssertEqual(notTheirs.mesh.sent(HistoryMessages.list.type).count, 0)
        let note = try await notTheirs.request(.post, "/api/v1/customers/\(customerId)/notes", json: #"{"body": "x"}"#,
                                               as: .bearer(FakeMesh.token(.specialist)))
        XCTAssertEqual(note.status, 404)
    }

    func testNotesAndTasksNameOnlyTheCustomersOwnContactsInvoicesAndActivePeople() async throws {
        let mesh = mesh()
        let theirs = Invoice(id: InvoiceID(), customerId: CustomerID(), number: "INV-9", issueDate: BusinessDate("2026-11-01")!,
                             dueDate: BusinessDate("2026-12-01")!, currency: .usd, poNumber: nil, memo: nil, contactId: nil,
                             collectionStatus: nil, lines: [], subtotalCents: 1, taxCents: 0, totalCents: 1, paidCents: 0, balanceCents: 1,
                             state: .open, voidReason: nil, createdAt: Date(), updatedAt: Date())
        mesh.answer(InvoiceMessages.get) { _, _ in theirs }
        mesh.answer(HistoryMessages.addNote) { request, envelope in
            NoteRecord(id: NoteID(), customerId: request.customerId, body: request.body, contactId: request.contactId,
                       invoiceId: request.invoiceId, author: envelope.actor, createdAt: Date(), updatedAt: Date())
        }
        mesh.answer(HistoryMessages.createTask) { request, envelope in
            TaskRecord(id: TaskID(), customerId: request.customerId, assigneeId: request.assigneeId, title: request.title,
                       dueOn: request.dueOn, contactId: request.contactId, invoiceId: request.invoiceId, promiseId: nil, state: .open,
                       createdBy: envelope.actor, createdAt: Date(), completedAt: nil, completedBy: nil)
        }
        let harness = try GatewayHarness(mesh: mesh)
        let note = try await harness.request(.post, "/api/v1/customers/\(customerId)/notes",
                                             json: #"{"body": "<script>alert(1)</script>", "contact_id": "\#(contact)"}"#)
        XCTAssertEqual(note.status, 201, note.body)
        XCTAssertEqual(mesh.lastBody(HistoryMessages.addNote), AddNote(customerId: customerId, body: "<script>alert(1)</script>",
                                                                        contactId: contact))
        let strangerContact = try await harness.request(.post, "/api/v1/customers/\(customerId)/notes",
                                                        json: #"{"body": "x", "contact_id": "\#(ContactID())"}"#)
        XCTAssertEqual(strangerContact.status, 422)
        let strangerInvoice = try await harness.request(.post, "/api/v1/customers/\(customerId)/notes",
                                                        json: #"{"body": "x", "invoice_id": "\#(theirs.id)"}"#)
        XCTAssertEqual(strangerInvoice.status, 422)
        XCTAssertEqual(strangerInvoice.error.message, "invoice_id is not an invoice of this customer")

        let task = try await harness.request(.post, "/api/v1/customers/\(customerId)/tasks",
                                             json: #"{"assignee_id": "\#(sam.id)", "title": "Call AP", "due_on": "2026-12-05"}"#)
        XCTAssertEqual(task.status, 201, task.body)
        XCTAssertEqual(mesh.lastBody(HistoryMessages.createTask), CreateTask(
            customerId: customerId, assigneeId: sam.id, title: "Call AP", dueOn: BusinessDate("2026-12-05")!))
        let nobody = try await harness.request(.post, "/api/v1/customers/\(customerId)/tasks",
                                               json: #"{"assignee_id": "\#(UserID())", "title": "Call AP", "due_on": "2026-12-05"}"#)
        XCTAssertEqual(nobody.status, 422)
        let viewer = try await harness.request(.post, "/api/v1/customers/\(customerId)/notes", json: #"{"body": "x"}"#,
                                               as: .bearer(FakeMesh.token(.viewer)))
        XCTAssertEqual(viewer.status, 403)
        XCTAssertEqual(mesh.sent(HistoryMessages.addNote.type).count, 1, "refused before history-service heard of them")
        XCTAssertEqual(mesh.sent(HistoryMessages.createTask.type).count, 1)
    }

    func testMyTasksAndASpecialistSeesOnlyTheirOwn() async throws {
        let mesh = mesh(assignedTo: FakeMesh.users[.specialist])
        mesh.answer(HistoryMessages.listTasks) { _, _ in TaskPage(items: [], nextCursor: nil, total: 0) }
        let task = TaskRecord(id: TaskID(), customerId: CustomerID(), assigneeId: UserID(), title: "Elsewhere", dueOn: BusinessDate("2026-12-01")!,
                              contactId: nil, invoiceId: nil, promiseId: nil, state: .open, createdBy: nil, createdAt: Date(),
                              completedAt: nil, completedBy: nil)
        mesh.answer(HistoryMessages.getTask) { _, _ in task }
        mesh.answer(HistoryMessages.completeTask) { _, _ in task }
        let noteId = NoteID()
        let otherCustomer = CustomerID()
        mesh.answer(HistoryMessages.getNote) { request, _ in
            NoteRecord(id: request.id, customerId: request.id == noteId ? otherCustomer : CustomerID(), body: "Hers", contactId: nil,
                       invoiceId: nil, author: nil, createdAt: Date(), updatedAt: Date())
        }
        mesh.answer(HistoryMessages.editNote) { request, envelope in
            NoteRecord(id: request.id, customerId: CustomerID(), body: request.body, contactId: nil, invoiceId: nil, author: envelope.actor,
                       createdAt: Date(), updatedAt: Date())
        }
        let harness = try GatewayHarness(mesh: mesh)
        let mine = try await harness.request(.get, "/api/v1/tasks?assignee_id=me&state=open", as: .bearer(FakeMesh.token(.manager)))
        XCTAssertEqual(mine.status, 200, mine.body)
        XCTAssertEqual(mesh.lastBody(HistoryMessages.listTasks), ListTasks(assigneeId: FakeMesh.users[.manager], state: .open))
        let note = NoteID()
        let edited = try await harness.request(.patch, "/api/v1/notes/\(note)", json: #"{"body": "Friday, by check"}"#)
        XCTAssertEqual(edited.status, 200)
        XCTAssertEqual(mesh.lastBody(HistoryMessages.editNote), EditNote(id: note, body: "Friday, by check"))
        XCTAssertEqual(mesh.sent(HistoryMessages.editNote.type).last?.actor?.userId, FakeMesh.users[.owner],
                       "history-service is told who asks (only the author may)")
        for (method, json) in [(HTTPRequest.Method.get, nil), (.patch, #"{"body": "Mine now"}"#)] as [(HTTPRequest.Method, String?)] {
            let refused = try await harness.request(method, "/api/v1/notes/\(noteId)", json: json, as: .bearer(FakeMesh.token(.specialist)))
            XCTAssertEqual(refused.status, 404, "a note on a customer a limited specialist cannot see is not there (\(method))")
        }
        XCTAssertEqual(mesh.sent(HistoryMessages.editNote.type).count, 1)
        let someone = UserID()
        _ = try await harness.request(.get, "/api/v1/tasks?assignee_id=\(someone)", as: .bearer(FakeMesh.token(.manager)))
        XCTAssertEqual(mesh.lastBody(HistoryMessages.listTasks)?.assigneeId, someone, "a manager may look at anyone's")
        let limited = try await harness.request(.get, "/api/v1/tasks?assignee_id=\(someone)", as: .bearer(FakeMesh.token(.specialist)))
        XCTAssertEqual(limited.status, 403)
        _ = try await harness.request(.get, "/api/v1/tasks", as: .bearer(FakeMesh.token(.specialist)))
        XCTAssertEqual(mesh.lastBody(HistoryMessages.listTasks)?.assigneeId, FakeMesh.users[.specialist], "their own, unasked")
        XCTAssertEqual(mesh.lastBody(HistoryMessages.listTasks)?.visibleTo, FakeMesh.users[.specialist],
                       "and only on the customers they may see")
        let complete = try await harness.request(.post, "/api/v1/tasks/\(task.id)/complete", as: .bearer(FakeMesh.token(.specialist)))
        XCTAssertEqual(complete.status, 404, "a task on a customer they cannot see is not there")
        XCTAssertEqual(mesh.sent(HistoryMessages.completeTask.type).count, 0)
        let bad = try await harness.request(.get, "/api/v1/tasks?assignee_id=you")
        XCTAssertEqual(bad.status, 400)
    }
}
