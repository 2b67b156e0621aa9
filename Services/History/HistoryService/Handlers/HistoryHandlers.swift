import Contracts
import Foundation
import Messaging
import Postgres

/// history-service's queries, its notes and tasks, and the events it applies: every
/// publisher's, each made into a line of its customer's timeline (or listed in
/// `notOnTheTimeline` with the reason), and any type nothing maps kept as it came.
enum HistoryHandlers {
    static func register(in registry: inout HandlerRegistry) {
        registry.query(HistoryMessages.list) { request, context in
            try ActivityStore(connection: context.connection).list(request)
        }
        // The Customer Details view's section, its timeline written by PostgreSQL.
        registry.query(HistoryMessages.customerSummary, writing: { request, context in
            let recent = try ActivityStore(connection: context.connection).recentJSON(of: request.customerId, limit: request.recent)
            return try ContractJSON.encode(WrittenHistorySection(history: .init(
                items: recent.items, nextCursor: recent.nextCursor,
                openTasks: try TaskStore(connection: context.connection).open(of: request.customerId))))
        })
        NoteTaskHandlers.register(in: &registry)
    }

    /// `CustomerHistorySection` with its items already JSON (the same keys).
    struct WrittenHistorySection: Encodable {
        struct Summary: Encodable {
            let items: RawJSON
            let nextCursor: String?
            let openTasks: [TaskSummary]
        }
        let history: Summary
    }

    /// Records `activity` for the event being applied, once per event.
    private static func record(_ activity: Activity, _ context: EventContext) throws {
        try ActivityStore(connection: context.connection).record(activity, from: context.envelope)
    }

    /// The timeline tolerates a missing entry better than a stalled one: an event that
    /// fails five times becomes a dead letter (listed and retryable) and the rest go on.
    private static func timeline() -> EventHandlerRegistry {
        var events = EventHandlerRegistry(poisonPolicy: .deadLetter(afterAttempts: 5))
        events.otherwise = { stored, context in try keepAsItCame(stored, context) }
        return events
    }

    static func customerEvents() -> EventHandlerRegistry {
        var events = timeline()
        events.on(CustomerMessages.created) { event, context in
            try record(ActivityFactory.customerCreated(event, envelope: context.envelope), context)
            try TaskStore(connection: context.connection).keepSpecialist(of: event.customer.id, event.customer.specialistId)
        }
        events.on(CustomerMessages.updated) { event, context in
            try record(ActivityFactory.customerUpdated(event, envelope: context.envelope), context)
        }
        for stateChange in [CustomerMessages.deactivated, CustomerMessages.reactivated] {
            events.on(stateChange) { event, context in
                try record(ActivityFactory.customerStateChanged(event, envelope: context.envelope), context)
            }
        }
        for contactChange in [ContactMessages.created, ContactMessages.updated, ContactMessages.deactivated,
                              ContactMessages.reactivated] {
            events.on(contactChange) { event, context in
                try record(ActivityFactory.contactChanged(event, envelope: context.envelope), context)
            }
        }
        for documentChange in [DocumentMessages.uploaded, DocumentMessages.deleted] {
            events.on(documentChange) { event, context in
                try record(ActivityFactory.documentChanged(event, envelope: context.envelope), context)
            }
        }
        events.on(SpecialistMessages.assigned) { event, context in
            try record(ActivityFactory.specialistAssigned(event, envelope: context.envelope), context)
            try TaskStore(connection: context.connection).keepSpecialist(of: event.customerId, event.to.id)
        }
        events.on(ContactMessages.merged) { event, context in
            try record(ActivityFactory.contactsMerged(event, envelope: context.envelope), context)
        }
        return events
    }

    static func invoiceEvents() -> EventHandlerRegistry {
        var events = timeline()
        events.on(InvoiceMessages.created) { event, context in
            try record(ActivityFactory.invoiceCreated(event, envelope: context.envelope), context)
        }
        events.on(InvoiceMessages.updated) { event, context in
            try record(ActivityFactory.invoiceUpdated(event, envelope: context.envelope), context)
        }
        events.on(InvoiceMessages.voided) { event, context in
            try record(ActivityFactory.invoiceVoided(event, envelope: context.envelope), context)
        }
        events.on(InvoiceMessages.paid) { event, context in
            try record(ActivityFactory.invoicePaid(event, envelope: context.envelope), context)
        }
        events.on(InvoiceMessages.collectionStatusChanged) { event, context in
            try record(ActivityFactory.collectionStatusChanged(event, envelope: context.envelope), context)
        }
        ignore(notOnTheTimeline, in: &events)
        return events
    }

    /// Payments recorded, applied, taken back and refunded; settings, links, promises.
    static func paymentEvents() -> EventHandlerRegistry {
        var events = timeline()
        events.on(PaymentsMessages.recorded) { event, context in
            try record(ActivityFactory.paymentRecorded(event, envelope: context.envelope), context)
        }
        events.on(PaymentsMessages.applied) { event, context in
            try record(ActivityFactory.paymentApplied(event, envelope: context.envelope), context)
        }
        events.on(PaymentsMessages.unapplied) { event, context in
            try record(ActivityFactory.paymentUnapplied(event, envelope: context.envelope), context)
        }
        events.on(PaymentsMessages.refunded) { event, context in
            try record(ActivityFactory.paymentRefunded(event, envelope: context.envelope), context)
        }
        events.on(PaymentsMessages.settingsChanged) { event, context in
            // The business defaults are nobody's timeline (listed in notOnTheTimeline's spirit: kept whole).
            guard let customer = event.customerId else {
                return try ActivityStore(connection: context.connection).keepUnmapped(
                    context.envelope, body: String(decoding: try ContractJSON.encode(event), as: UTF8.self))
            }
            try record(ActivityFactory.paymentSettingsChanged(event, customer: customer, envelope: context.envelope), context)
        }
        events.on(PaymentsMessages.linkChanged) { event, context in
            try record(ActivityFactory.paymentLinkChanged(event, envelope: context.envelope), context)
        }
        for change in [PaymentsMessages.promiseRecorded, PaymentsMessages.promiseKept, PaymentsMessages.promiseCancelled] {
            events.on(change) { event, context in
                try record(ActivityFactory.promiseChanged(event, envelope: context.envelope), context)
            }
        }
        // A broken promise is on the timeline and gives the specialist a follow-up task —
        // one per event, however often it arrives.
        events.on(PaymentsMessages.promiseBroken) { event, context in
            try record(ActivityFactory.promiseChanged(event, envelope: context.envelope), context)
            try NoteTaskHandlers.followUp(event.promise, context: context)
        }
        ignore(notOnTheTimeline, in: &events)
        return events
    }

    /// The users' names, for sentences about tasks.
    static func identityEvents() -> EventHandlerRegistry {
        var events = timeline()
        events.on(IdentityMessages.userUpserted) { user, context in
            try ActivityStore(connection: context.connection).keepUser(user.id, name: user.name)
        }
        ignore(notOnTheTimeline, in: &events)
        return events
    }

    /// communications-service declares no events yet: whatever it publishes is kept as it came
    /// until its mapping lands with it.
    static func communicationsEvents() -> EventHandlerRegistry { timeline() }

    /// Event types that are about no customer's history, with why (a test walks every
    /// catalogue: each event type is mapped here or in a handler).
    static let notOnTheTimeline: [String: String] = [
        InvoiceMessages.balanceChanged.type: "a balance as it now stands, not something that happened (the invoice events are)",
        CollectionStatusMessages.created.type: "the business's list of collection statuses, no customer's",
        CollectionStatusMessages.updated.type: "the business's list of collection statuses, no customer's",
        CollectionStatusMessages.deleted.type: "the business's list of collection statuses, no customer's",
        PaymentsMessages.methodChanged.type: "the business's payment methods, no customer's",
        IdentityMessages.settingsChanged.type: "the business's settings, no customer's",
        // history-service's own: recorded on the timeline when the task changes, not from the event.
        HistoryMessages.taskAssigned.type: "history-service's own: the timeline line is written with the task",
        HistoryMessages.taskCompleted.type: "history-service's own: the timeline line is written with the task",
    ]

    /// Types of this publisher that are about no customer: applied as nothing (on purpose,
    /// not by falling through to `keepAsItCame`).
    private static func ignore(_ types: [String: String], in events: inout EventHandlerRegistry) {
        for type in types.keys { events.ignore(type) }
    }

    /// An event of a type nothing maps: on its customer's timeline as it came (its body
    /// kept whole), or, about no customer, in `unmapped_events` — never dropped.
    static func keepAsItCame(_ stored: StoredEvent, _ context: EventContext) throws {
        let store = ActivityStore(connection: context.connection)
        guard let customer = customerID(in: stored.body) else { return try store.keepUnmapped(stored.envelope, body: stored.body) }
        try store.record(ActivityFactory.generic(stored.envelope.type, customer: customer, envelope: stored.envelope),
                         source: stored.envelope.id, publisher: stored.envelope.publisher ?? "unknown", body: stored.body)
    }

    /// `customer_id` at the top of an event body, or one level down (`{"invoice": {"customer_id": …}}`).
    static func customerID(in body: String) -> CustomerID? {
        guard let members = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] else { return nil }
        if let text = members["customer_id"] as? String, let id = CustomerID(text) { return id }
        for key in members.keys.sorted() {  // one answer for one body, whatever the dictionary's order
            if let inner = members[key] as? [String: Any], let text = inner["customer_id"] as? String, let id = CustomerID(text) { return id }
        }
        return nil
    }
}
