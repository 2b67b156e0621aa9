import Contracts
import Foundation
@testable import HistoryService
import Postgres
import PostgresContracts
import TestSupport
import XCTest

/// The timeline through history-service's real handlers on a real schema: every event type
/// any service declares is mapped (or says why not), one line per event however often it
/// arrives, unknown types kept whole, notes with their edit window, tasks, and paging that
/// sees each activity once while others arrive.
final class TimelineTests: XCTestCase {
    private var harness: ServiceHarness!
    private let customer = CustomerID()
    private let dana = Actor(userId: UserID(), role: "specialist", name: "Dana Reyes")

    override func setUp() async throws {
        harness = try ServiceHarness(try HistoryService.definition())
    }

    override func tearDown() async throws {
        harness?.shutdown()
    }

    private func lines(_ tab: HistoryTab = .all) async throws -> [String] {
        try await harness.client.query(HistoryMessages.list, ListActivities(customerId: customer, tab: tab, limit: 500)).items.map(\.summary)
    }

    func testEveryEventTypeAnyServiceDeclaresIsMappedOrSaysWhyNot() throws {
        let definition = try HistoryService.definition()
        let catalogues = [CustomerMessages.catalogue, InvoiceMessages.catalogue, PaymentsMessages.catalogue,
                          CommunicationsMessages.catalogue, IdentityMessages.catalogue, HistoryMessages.catalogue]
        var unmapped: [String] = []
        for catalogue in catalogues {
            let handled = definition.subscriptions[catalogue.service]?.handledTypes ?? []
            for event in catalogue.events {
                let why = HistoryHandlers.notOnTheTimeline[event.type]
                if handled.contains(event.type) || why != nil { continue }
                unmapped.append("\(catalogue.service.rawValue): \(event.type)")
            }
        }
        XCTAssertEqual(unmapped, [], "a new event needs its line on the timeline (or a reason in notOnTheTimeline)")
        for (type, why) in HistoryHandlers.notOnTheTimeline { XCTAssertFalse(why.isEmpty, type) }
    }

    private func invoice(_ state: InvoiceState = .open) -> Invoice {
        Invoice(id: InvoiceID(), customerId: customer, number: "INV-000123", issueDate: BusinessDate("2026-11-01")!,
                dueDate: BusinessDate("2026-12-01")!, currency: .usd, poNumber: nil, memo: nil, contactId: nil, collectionStatus: nil,
                lines: [], subtotalCents: 10_410, taxCents: 0, totalCents: 10_410, paidCents: 0, balanceCents: 10_410, state: state,
                voidReason: nil, createdAt: Date(), updatedAt: Date())
    }

    func testInvoiceEventsReadAsSentencesWithTheirLinks() async throws {
        let open = invoice()
        try harness.apply(InvoiceMessages.created, InvoiceCreated(invoice: open), from: .invoice, actor: dana)
        try harness.apply(InvoiceMessages.updated, InvoiceUpdated(
            invoice: open, changes: [FieldChange(field: "memo", old: .null, new: .string("Thanks"))], previousTotalCents: 10_410),
            from: .invoice, actor: dana)
        try harness.apply(InvoiceMessages.collectionStatusChanged, InvoiceCollectionStatusChanged(
            invoiceId: open.id, customerId: customer, number: open.number, from: nil,
            to: CollectionStatusRef(id: CollectionStatusID(), name: "Disputed"), actor: dana, alertManagerId: nil),
            from: .invoice, actor: dana)
        try harness.apply(InvoiceMessages.paid, InvoicePaid(invoice: open), from: .invoice, actor: .system)
        try harness.apply(InvoiceMessages.voided, InvoiceVoided(invoice: open, reason: "Billed twice"), from: .invoice, actor: dana)
        try harness.apply(InvoiceMessages.balanceChanged, CustomerBalanceChanged(
            customerId: customer, currency: .usd, openCents: 0, overdueCents: 0, openInvoices: 0, hasInvoices: true,
            collectionStatusIds: []), from: .invoice)
        let allLines = try await lines()
        XCTAssertEqual(Set(allLines), [
            "Dana Reyes created invoice INV-000123 for $104.10, due 2026-12-01",
            "Dana Reyes updated invoice INV-000123: memo from nothing to “Thanks”",
            "Dana Reyes moved INV-000123 from no collection status to Disputed",
            "Invoice INV-000123 is paid in full ($104.10)",
            "Dana Reyes voided invoice INV-000123 ($104.10): Billed twice",
        ], "a balance is not a line")
        let page = try await harness.client.query(HistoryMessages.list, ListActivities(customerId: customer))
        XCTAssertTrue(page.items.allSatisfy { $0.links.invoiceId == open.id }, "each links its invoice")
    }

    private struct Disputed: Codable, Sendable {
        var customerId: CustomerID
        var amountCents: Int64
    }

    private struct Rotated: Codable, Sendable {
        var keyId: String
    }

    func testAnEventNothingMapsIsKeptAsItCameAndAReplayMakesNoSecondLine() async throws {
        let disputed = Event<Disputed>("payment.disputed")
        let event = MessageID()
        for _ in 0..<3 {
            try harness.apply(disputed, Disputed(customerId: customer, amountCents: 9_007_199_254_740_993), from: .payments,
                              actor: dana, id: event)
        }
        let disputedLines = try await lines()
        XCTAssertEqual(disputedLines, ["Dana Reyes: payment.disputed (recorded as it came)"], "once, however often it arrives")
        let kept = try harness.connection().query("SELECT body::text FROM activities WHERE type = 'payment.disputed'").single(String.self)
        XCTAssertTrue(kept.contains("9007199254740993"), "the body whole, every digit: \(kept)")
        // About no customer: kept all the same.
        try harness.apply(Event<Rotated>("identity.key_rotated"), Rotated(keyId: "k-7"), from: .gateway)
        let unmapped: [String] = try harness.connection().query("SELECT type FROM unmapped_events").map { try $0.decode(String.self) }
        XCTAssertEqual(unmapped, ["identity.key_rotated"])
        // A mapped event delivered twice (a replay from offset 0) is one line too.
        let again = MessageID()
        for _ in 0..<2 {
            try harness.apply(InvoiceMessages.paid, InvoicePaid(invoice: invoice()), from: .invoice, actor: .system, id: again)
        }
        let paidLines = try await lines().filter { $0.hasPrefix("Invoice INV-000123 is paid") }
        XCTAssertEqual(paidLines.count, 1)
    }

    func testANoteIsItsAuthorsForFifteenMinutesThenFixed() async throws {
        let note = try await harness.client.command(HistoryMessages.addNote, AddNote(
            customerId: customer, body: "  Called AP: <script>alert(1)</script>\nthey pay Friday  "), actor: dana)
        XCTAssertEqual(note.body, "Called AP: <script>alert(1)</script>\nthey pay Friday", "kept as typed, trimmed")
        XCTAssertEqual(note.editableUntil, note.createdAt.addingTimeInterval(900))
        do { let noteLines = try await lines(.note); XCTAssertEqual(noteLines, ["Called AP: <script>alert(1)</script> they pay Friday"]) }
        for (body, field) in [("   ", "body"), (String(repeating: "x", count: TextLimit.notes + 1), "body")] {
            let refused = await refusal { try await self.harness.client.command(HistoryMessages.addNote,
                                                                               AddNote(customerId: self.customer, body: body), actor: self.dana) }
            XCTAssertEqual(refused?.code, .invalidArgument)
            XCTAssertNotNil(refused?.details[field])
        }
        let other = Actor(userId: UserID(), role: "manager", name: "Sam Lee")
        let notAuthor = await refusal { try await self.harness.client.command(HistoryMessages.editNote,
                                                                             EditNote(id: note.id, body: "Changed"), actor: other) }
        XCTAssertEqual(notAuthor?.code, .permissionDenied)
        let edited = try await harness.client.command(HistoryMessages.editNote, EditNote(id: note.id, body: "Called AP: pays Friday"),
                                                      actor: dana)
        XCTAssertEqual(edited.body, "Called AP: pays Friday")
        do { let noteLines = try await lines(.note); XCTAssertEqual(noteLines, ["Called AP: pays Friday"], "the timeline shows the note as it now reads") }
        try harness.connection().execute("UPDATE notes SET created_at = created_at - interval '16 minutes' WHERE id = \(note.id)")
        let late = await refusal { try await self.harness.client.command(HistoryMessages.editNote,
                                                                        EditNote(id: note.id, body: "Too late"), actor: self.dana) }
        XCTAssertEqual(late?.code, .failedPrecondition)
        do { let noteLines = try await lines(.note); XCTAssertEqual(noteLines, ["Called AP: pays Friday"], "unchanged") }
    }

    func testTasksAreAssignedCompletedReopenedAndListedMostOverdueFirst() async throws {
        let sam = UserID()
        try harness.apply(IdentityMessages.userUpserted, UserRecord(
            id: sam, name: "Sam Lee", email: "sam@example.com", role: .specialist, manageAllCustomers: false,
            isDefaultSpecialist: false, active: true, createdAt: Date()), from: .gateway)
        func task(_ title: String, due: String, to assignee: UserID? = nil) async throws -> TaskRecord {
            try await harness.client.command(HistoryMessages.createTask, CreateTask(
                customerId: customer, assigneeId: assignee ?? sam, title: title, dueOn: BusinessDate(due)!), actor: dana)
        }
        let later = try await task("Send statement", due: "2026-12-10")
        let overdue = try await task(" Call AP ", due: "2026-11-20")
        _ = try await task("Someone else's", due: "2026-11-01", to: UserID())
        XCTAssertEqual(overdue.title, "Call AP")
        let refused = await refusal { try await task("  ", due: "2026-12-01") }
        XCTAssertNotNil(refused?.details["title"])
        let mine = try await harness.client.query(HistoryMessages.listTasks, ListTasks(assigneeId: sam, state: .open))
        XCTAssertEqual(mine.items.map(\.title), ["Call AP", "Send statement"], "most overdue first")
        XCTAssertEqual(mine.total, 2)
        // Sam limited to his own customers: none until this customer is his, then its tasks.
        let hidden = try await harness.client.query(HistoryMessages.listTasks, ListTasks(assigneeId: sam, state: .open, visibleTo: sam))
        XCTAssertEqual(hidden.items, [], "not his customer")
        try harness.apply(SpecialistMessages.assigned, SpecialistAssigned(customerId: customer, customerName: "Acme", from: nil,
                                                                          to: SpecialistReference(id: sam)), from: .customer, actor: dana)
        let visible = try await harness.client.query(HistoryMessages.listTasks, ListTasks(assigneeId: sam, state: .open, visibleTo: sam))
        XCTAssertEqual(visible.items.map(\.title), ["Call AP", "Send statement"])
        let firstPage = try await harness.client.query(HistoryMessages.listTasks, ListTasks(assigneeId: sam, state: .open, limit: 1))
        let secondPage = try await harness.client.query(HistoryMessages.listTasks, ListTasks(
            assigneeId: sam, state: .open, limit: 1, cursor: firstPage.nextCursor))
        XCTAssertEqual((firstPage.items + secondPage.items).map(\.id), [overdue.id, later.id])

        let done = try await harness.client.command(HistoryMessages.completeTask, TaskAction(id: overdue.id), actor: dana)
        XCTAssertEqual(done.state, .completed)
        XCTAssertEqual(done.completedBy?.name, "Dana Reyes")
        let twice = await refusal { try await self.harness.client.command(HistoryMessages.completeTask, TaskAction(id: overdue.id),
                                                                          actor: self.dana) }
        XCTAssertEqual(twice?.code, .failedPrecondition)
        let stillOpen = try await harness.client.query(HistoryMessages.listTasks, ListTasks(assigneeId: sam, state: .open))
        XCTAssertEqual(stillOpen.items.map(\.id), [later.id])
        let reopened = try await harness.client.command(HistoryMessages.reopenTask, TaskAction(id: overdue.id), actor: dana)
        XCTAssertEqual(reopened.state, .open)
        XCTAssertEqual(try harness.published(HistoryMessages.taskAssigned).map(\.title),
                       ["Send statement", "Call AP", "Someone else's", "Call AP"])
        XCTAssertEqual(try harness.published(HistoryMessages.taskCompleted).map(\.id), [overdue.id])
        let taskLines = try await lines(.task)
        XCTAssertEqual(Set(taskLines.filter { !$0.contains("AR specialist") }), [
            "Dana Reyes assigned task “Send statement” to Sam Lee, due 2026-12-10",
            "Dana Reyes assigned task “Call AP” to Sam Lee, due 2026-11-20",
            "Dana Reyes assigned task “Someone else's” to a user not known yet, due 2026-11-01",
            "Dana Reyes completed task “Call AP”, due 2026-11-20",
            "Dana Reyes reopened task “Call AP”, due 2026-11-20",
        ])
    }

    /// Inserts activities straight into the table (as many events would), `at` their times,
    /// on a connection of its own (a connection stays on the thread that made it).
    private func insertActivities(_ times: [Date]) throws -> [ActivityID] {
        let connection = try harness.connection()
        return try times.map { at in
            let id = ActivityID()
            try connection.execute("""
                INSERT INTO activities (id, customer_id, category, type, summary, occurred_at, source_publisher, source_event_id)
                VALUES (\(id), \(customer), 'note', 'note.add', 'n', \(at), 'test', \(UUID()))
                """)
            return id
        }
    }

    /// The details view's section is written by PostgreSQL (`recentJSON`): it decodes to
    /// exactly what the typed reads give — every field, nils as null (a row from before
    /// links, `{}`, too), odd text intact,
    /// microseconds kept — and carries the same next cursor.
    func testTheWrittenDetailsSectionIsTheTypedOneExactly() async throws {
        let connection = try harness.connection()
        let owner = Actor(userId: UserID(), role: "owner", name: "Olive \"O\" Owner")
        let start = Date(timeIntervalSince1970: 1_790_000_000.123456)
        for index in 0..<25 {
            let actor = index % 3 == 0 ? nil : String(decoding: try ContractJSON.encode(owner), as: UTF8.self)
            let links = ActivityLinks(invoiceId: index % 2 == 0 ? InvoiceID() : nil, contactId: index % 5 == 0 ? ContactID() : nil,
                                      paymentId: index % 4 == 0 ? PaymentID() : nil)
            try connection.execute("""
                INSERT INTO activities (id, customer_id, category, type, summary, occurred_at, actor, direction, links,
                                        source_publisher, source_event_id)
                VALUES (\(ActivityID()), \(customer), \(index % 2 == 0 ? "email" : "note"), 'email.sent',
                        \("Line \(index): \"quoted\" \\ back\\slash </script> é 😀 \u{1} tab\there"),
                        \(start.addingTimeInterval(Double(index) * 61.000007)), \(actor)::jsonb, \(index % 2 == 0 ? "outbound" : nil),
                        \(index == 3 ? "{}" : String(decoding: try ContractJSON.encode(links), as: UTF8.self))::jsonb, 'test', \(UUID()))
                """)
        }
        try connection.execute("""
            INSERT INTO tasks (id, customer_id, assignee_id, title, due_on) VALUES (\(UUID()), \(customer), \(UUID()), 'Call AP', '2026-12-03')
            """)
        connection.close()
        let written = try await harness.client.query(HistoryMessages.customerSummary, CustomerHistoryRequest(customerId: customer))
        let reader = try harness.connection()  // a connection stays on its thread; this one is used before the next await
        let typed = try ActivityStore(connection: reader).list(ListActivities(customerId: customer, limit: 20))
        let tasks = try TaskStore(connection: reader).open(of: customer)
        reader.close()
        XCTAssertEqual(written, CustomerHistorySection(history: CustomerHistorySummary(
            items: typed.items, nextCursor: typed.nextCursor, openTasks: tasks)))
        XCTAssertEqual(written.history.items.count, 20)
        XCTAssertNotNil(written.history.nextCursor)
        XCTAssertEqual(written.history.items.filter { $0.actor == nil }.count, typed.items.filter { $0.actor == nil }.count)
        // The same JSON as the contract's encoding, member for member (a nil is null, as
        // `Activity` and `ActivityLinks` write it).
        let bytes = try await harness.client.queryJSON(HistoryMessages.customerSummary, CustomerHistoryRequest(customerId: customer))
        let encoded = try ContractJSON.encode(written)
        XCTAssertEqual(try JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary,
                       try JSONSerialization.jsonObject(with: Data(encoded)) as? NSDictionary)
    }

    func testPagingSeesEachActivityOnceWhileNewAndLateOnesArrive() async throws {
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        // 250, some sharing a time (the id breaks the tie).
        let existing = try insertActivities((0..<250).map { start.addingTimeInterval(Double($0 / 2) * 60) })
        var seen: [ActivityID] = []
        var cursor: String?
        var page = 0
        repeat {
            let reply = try await harness.client.query(HistoryMessages.list, ListActivities(customerId: customer, limit: 40, cursor: cursor))
            seen += reply.items.map(\.id)
            cursor = reply.nextCursor
            page += 1
            // Between pages: 5 new ones (now; 30 in all) and, on some, 2 late ones (replayed, older times; 10 in all).
            if page <= 6 { _ = try insertActivities((0..<5).map { _ in Date() }) }
            if page <= 5 { _ = try insertActivities([start.addingTimeInterval(Double(page) * 997), start.addingTimeInterval(-Double(page))]) }
        } while cursor != nil && page < 100
        XCTAssertGreaterThanOrEqual(page, 7, "250 at 40 a page")
        let counts = Dictionary(seen.map { ($0, 1) }, uniquingKeysWith: +)
        XCTAssertEqual(existing.filter { counts[$0] != 1 }, [], "every activity that existed at the start is seen exactly once")
        XCTAssertEqual(counts.values.filter { $0 > 1 }.count, 0, "and nothing twice")
    }

    func testTheFirstPageOfALargeTimelineIsReadFromTheIndex() throws {
        let connection = try harness.connection()
        try connection.execute("""
            INSERT INTO activities (id, customer_id, category, type, summary, occurred_at, source_publisher, source_event_id)
            SELECT gen_random_uuid(), CASE WHEN g % 10 = 0 THEN \(customer) ELSE gen_random_uuid() END,
                   (ARRAY['note','payment','email','invoice'])[1 + g % 4], 't', 's', now() - make_interval(secs => g), 'test', gen_random_uuid()
            FROM generate_series(1, 200000) AS g
            """)
        try connection.execute("ANALYZE activities")
        for (label, categories) in [("all", nil), ("notes", ["note"]), ("payments", HistoryTab.payment.categories)] as [(String, [String]?)] {
            let plan = try connection.query("""
                EXPLAIN SELECT id FROM activities WHERE customer_id = \(customer)
                  AND (\(categories)::text[] IS NULL OR category = ANY(\(categories)::text[]))
                ORDER BY occurred_at DESC, id DESC LIMIT 41
                """).map { try $0.decode(String.self) }.joined(separator: "\n")
            XCTAssertTrue(plan.contains("Index Scan") || plan.contains("Index Only Scan"), "\(label):\n\(plan)")
            XCTAssertFalse(plan.contains("Seq Scan"), "\(label):\n\(plan)")
            XCTAssertFalse(plan.contains("Sort"), "\(label): the index gives the order:\n\(plan)")
        }
    }
}
