import Contracts
import Foundation
import Messaging
import Postgres

/// Notes and tasks: each change in one transaction with its line on the timeline (and, for
/// tasks, its event). A note is its author's to change for `NoteRecord.editWindowSeconds`,
/// then fixed; a correction is a new note.
enum NoteTaskHandlers {
    /// The longest task title.
    static let titleLength = TextLimit.name

    static func register(in registry: inout HandlerRegistry) {
        registry.command(HistoryMessages.addNote) { request, context in
            let body = try noteBody(request.body)
            let store = TaskStore(connection: context.connection)
            let now = try store.now()
            let note = NoteRecord(id: NoteID(), customerId: request.customerId, body: body, contactId: request.contactId,
                                  invoiceId: request.invoiceId, author: context.envelope.actor, createdAt: now, updatedAt: now)
            try store.insert(note)
            try ActivityStore(connection: context.connection)
                .record(ActivityFactory.note(note), source: MessageID(note.id.uuid), publisher: ServiceName.history.rawValue)
            return note
        }
        registry.command(HistoryMessages.editNote) { request, context in
            let body = try noteBody(request.body)
            let store = TaskStore(connection: context.connection)
            guard let note = try store.note(request.id, lock: true) else { throw ErrorBody.notFound("note \(request.id) does not exist") }
            guard let author = note.author, isSame(author, context.envelope.actor) else {
                throw ErrorBody(.permissionDenied, "only the note's author may change it")
            }
            guard try store.now() <= note.editableUntil else {
                throw ErrorBody.failedPrecondition("a note is fixed 15 minutes after it is written; add a new note to correct it")
            }
            try store.setBody(note.id, body)
            try ActivityStore(connection: context.connection).resummarize(source: note.id.uuid, to: ActivityFactory.noteSummary(body))
            guard let changed = try store.note(note.id) else { throw ErrorBody.notFound("note \(request.id) does not exist") }
            return changed
        }
        registry.query(HistoryMessages.getNote) { request, context in
            guard let note = try TaskStore(connection: context.connection).note(request.id) else {
                throw ErrorBody.notFound("note \(request.id) does not exist")
            }
            return note
        }
        registry.command(HistoryMessages.createTask) { request, context in
            guard let title = try TextLimit.trimmed(request.title, titleLength, field: "title") else {
                throw ErrorBody.invalidArgument("title is required", field: "title")
            }
            let store = TaskStore(connection: context.connection)
            var task = TaskRecord(id: TaskID(), customerId: request.customerId, assigneeId: request.assigneeId, title: title,
                                  dueOn: request.dueOn, contactId: request.contactId, invoiceId: request.invoiceId, promiseId: nil,
                                  state: .open, createdBy: context.envelope.actor, createdAt: try store.now(), completedAt: nil,
                                  completedBy: nil)
            try store.insert(task)
            task = try store.task(task.id) ?? task
            try assigned(task, source: context.envelope.id, actor: context.envelope.actor, connection: context.connection)
            try context.publish(HistoryMessages.taskAssigned, task)
            return task
        }
        registry.command(HistoryMessages.completeTask) { request, context in try move(request.id, completing: true, context) }
        registry.command(HistoryMessages.reopenTask) { request, context in try move(request.id, completing: false, context) }
        registry.query(HistoryMessages.getTask) { request, context in
            guard let task = try TaskStore(connection: context.connection).task(request.id) else { throw notFound(request.id) }
            return task
        }
        registry.query(HistoryMessages.listTasks) { request, context in
            try TaskStore(connection: context.connection).page(request)
        }
    }

    private static func notFound(_ id: TaskID) -> ErrorBody { .notFound("task \(id) does not exist") }

    /// Completes an open task (`task.completed`) or reopens a completed one (`task.assigned`
    /// again), with its line on the timeline; the other way round is 422.
    private static func move(_ id: TaskID, completing: Bool, _ context: HandlerContext) throws -> TaskRecord {
        let store = TaskStore(connection: context.connection)
        guard let task = try store.task(id, lock: true) else { throw notFound(id) }
        guard task.state == (completing ? .open : .completed) else {
            throw ErrorBody.failedPrecondition(completing ? "this task is completed already" : "this task is open already")
        }
        let actor = context.envelope.actor
        try store.setCompleted(task.id, by: completing ? actor ?? .system : nil)
        guard let moved = try store.task(task.id) else { throw notFound(id) }
        try ActivityStore(connection: context.connection).record(
            ActivityFactory.task(moved, completing ? "completed" : "reopened", assignee: nil, actor: actor, at: try store.now()),
            source: context.envelope.id, publisher: ServiceName.history.rawValue)
        try context.publish(completing ? HistoryMessages.taskCompleted : HistoryMessages.taskAssigned, moved)
        return moved
    }

    /// A note's text: trimmed, 1 to `TextLimit.notes` characters.
    static func noteBody(_ typed: String) throws(ErrorBody) -> String {
        guard let body = try TextLimit.trimmed(typed, TextLimit.notes, field: "body") else {
            throw .invalidArgument("body is required", field: "body")
        }
        return body
    }

    /// The same person or API token.
    private static func isSame(_ author: Actor, _ actor: Actor?) -> Bool {
        guard let actor else { return false }
        if let token = author.apiTokenId { return actor.apiTokenId == token }
        return author.userId != nil && author.userId == actor.userId
    }

    /// The timeline's line for a task just given to someone.
    private static func assigned(_ task: TaskRecord, source: MessageID, actor: Actor?, connection: PostgresConnection) throws {
        let activities = ActivityStore(connection: connection)
        try activities.record(ActivityFactory.task(task, "assigned", assignee: try activities.userName(task.assigneeId), actor: actor,
                                                   at: task.createdAt),
                              source: source, publisher: ServiceName.history.rawValue)
    }

    /// The follow-up a broken promise asks for (its event is the request): the specialist's,
    /// or, without one, whoever recorded it — once per event.
    static func followUp(_ promise: PromiseToPay, context: EventContext) throws {
        let store = TaskStore(connection: context.connection)
        let task = ActivityFactory.brokenPromiseTask(promise, createdBy: context.envelope.actor, at: try store.now())
        guard try store.insert(task, source: context.envelope.id) else { return }
        // The line for the task (its source: the task itself, so the broken promise keeps its own).
        try assigned(task, source: MessageID(task.id.uuid), actor: context.envelope.actor, connection: context.connection)
        try context.publish(HistoryMessages.taskAssigned, task)
    }
}
