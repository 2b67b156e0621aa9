import Contracts
import Messaging

/// history-service's queries and the events it applies.
enum HistoryHandlers {
    static func register(in registry: inout HandlerRegistry) {
        registry.query(HistoryMessages.list) { request, context in
            try ActivityStore(connection: context.connection).list(request)
        }
        registry.query(HistoryMessages.customerSummary) { request, context in
            let store = ActivityStore(connection: context.connection)
            let recent = try store.list(ListActivities(customerId: request.customerId, limit: request.recent))
            return CustomerHistorySection(history: CustomerHistorySummary(
                items: recent.items, openTasks: try store.openTasks(of: request.customerId)))
        }
    }

    /// The timeline tolerates a missing entry better than a stalled one: an event that
    /// fails five times becomes a dead letter (listed and retryable) and the rest go on.
    static func customerEvents() -> EventHandlerRegistry {
        var events = EventHandlerRegistry(poisonPolicy: .deadLetter(afterAttempts: 5))
        events.on(CustomerMessages.updated) { event, context in
            try ActivityStore(connection: context.connection)
                .record(ActivityFactory.customerUpdated(event, envelope: context.envelope), from: context.envelope)
        }
        for stateChange in [CustomerMessages.deactivated, CustomerMessages.reactivated] {
            events.on(stateChange) { event, context in
                try ActivityStore(connection: context.connection)
                    .record(ActivityFactory.customerStateChanged(event, envelope: context.envelope), from: context.envelope)
            }
        }
        for contactChange in [ContactMessages.created, ContactMessages.updated, ContactMessages.deactivated,
                              ContactMessages.reactivated] {
            events.on(contactChange) { event, context in
                try ActivityStore(connection: context.connection)
                    .record(ActivityFactory.contactChanged(event, envelope: context.envelope), from: context.envelope)
            }
        }
        for documentChange in [DocumentMessages.uploaded, DocumentMessages.deleted] {
            events.on(documentChange) { event, context in
                try ActivityStore(connection: context.connection)
                    .record(ActivityFactory.documentChanged(event, envelope: context.envelope), from: context.envelope)
            }
        }
        events.on(SpecialistMessages.assigned) { event, context in
            try ActivityStore(connection: context.connection)
                .record(ActivityFactory.specialistAssigned(event, envelope: context.envelope), from: context.envelope)
        }
        events.on(ContactMessages.merged) { event, context in
            try ActivityStore(connection: context.connection)
                .record(ActivityFactory.contactsMerged(event, envelope: context.envelope), from: context.envelope)
        }
        events.on(CustomerMessages.created) { event, context in
            try ActivityStore(connection: context.connection)
                .record(ActivityFactory.customerCreated(event, envelope: context.envelope), from: context.envelope)
        }
        return events
    }

    /// Payments recorded, applied, taken back and refunded, on the customer's timeline.
    static func paymentEvents() -> EventHandlerRegistry {
        var events = EventHandlerRegistry(poisonPolicy: .deadLetter(afterAttempts: 5))
        events.on(PaymentsMessages.recorded) { event, context in
            try ActivityStore(connection: context.connection)
                .record(ActivityFactory.paymentRecorded(event, envelope: context.envelope), from: context.envelope)
        }
        events.on(PaymentsMessages.applied) { event, context in
            try ActivityStore(connection: context.connection)
                .record(ActivityFactory.paymentApplied(event, envelope: context.envelope), from: context.envelope)
        }
        events.on(PaymentsMessages.unapplied) { event, context in
            try ActivityStore(connection: context.connection)
                .record(ActivityFactory.paymentUnapplied(event, envelope: context.envelope), from: context.envelope)
        }
        events.on(PaymentsMessages.refunded) { event, context in
            try ActivityStore(connection: context.connection)
                .record(ActivityFactory.paymentRefunded(event, envelope: context.envelope), from: context.envelope)
        }
        events.on(PaymentsMessages.linkChanged) { event, context in
            try ActivityStore(connection: context.connection)
                .record(ActivityFactory.paymentLinkChanged(event, envelope: context.envelope), from: context.envelope)
        }
        for change in [PaymentsMessages.promiseRecorded, PaymentsMessages.promiseKept, PaymentsMessages.promiseCancelled] {
            events.on(change) { event, context in
                try ActivityStore(connection: context.connection)
                    .record(ActivityFactory.promiseChanged(event, envelope: context.envelope), from: context.envelope)
            }
        }
        // A broken promise is on the timeline and gives the specialist a follow-up task —
        // one per event, however often it arrives.
        events.on(PaymentsMessages.promiseBroken) { event, context in
            let store = ActivityStore(connection: context.connection)
            try store.record(ActivityFactory.promiseChanged(event, envelope: context.envelope), from: context.envelope)
            try store.createTask(ActivityFactory.brokenPromiseTask(event), customer: event.promise.customerId,
                                 promise: event.promise.id, from: context.envelope)
        }
        return events
    }
}
