import Foundation

// MARK: - Notes and tasks (SPEC §10, API.md "History and tasks")

extension HistoryMessages {
    /// A note on the customer's timeline, by the actor.
    public static let addNote = Command<AddNote, NoteRecord>("note.add")
    /// Its author changes its text, within `NoteRecord.editWindowSeconds` of writing it.
    public static let editNote = Command<EditNote, NoteRecord>("note.edit")
    public static let getNote = Query<GetNote, NoteRecord>("note.get")
    /// A task for a user about a customer; any service may ask for one (a broken promise
    /// does, through its event). Publishes `task.assigned`.
    public static let createTask = Command<CreateTask, TaskRecord>("task.create", callers: .anyService)
    /// Publishes `task.completed`.
    public static let completeTask = Command<TaskAction, TaskRecord>("task.complete")
    /// Publishes `task.assigned` again (open once more).
    public static let reopenTask = Command<TaskAction, TaskRecord>("task.reopen")
    public static let getTask = Query<TaskAction, TaskRecord>("task.get")
    /// Tasks by assignee, customer and state, the most overdue first.
    public static let listTasks = Query<ListTasks, TaskPage>("task.list")
    public static let taskAssigned = Event<TaskRecord>("task.assigned")
    public static let taskCompleted = Event<TaskRecord>("task.completed")

    static let noteTaskMessages: [any DescribedMessage] = [
        addNote, editNote, getNote, createTask, completeTask, reopenTask, getTask, listTasks, taskAssigned, taskCompleted,
    ]
}

/// Body of `note.add` (`POST /customers/{id}/notes`).
public struct AddNote: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public var body: String
    public var contactId: ContactID?
    public var invoiceId: InvoiceID?

    public init(customerId: CustomerID, body: String, contactId: ContactID? = nil, invoiceId: InvoiceID? = nil) {
        self.customerId = customerId
        self.body = body
        self.contactId = contactId
        self.invoiceId = invoiceId
    }
}

/// Body of `note.get` (`GET /notes/{id}`).
public struct GetNote: Codable, Hashable, Sendable {
    public var id: NoteID
    public init(id: NoteID) { self.id = id }
}

/// Body of `note.edit` (`PATCH /notes/{id}`).
public struct EditNote: Codable, Hashable, Sendable {
    public var id: NoteID
    public var body: String

    public init(id: NoteID, body: String) {
        self.id = id
        self.body = body
    }
}

/// A note: text only (never HTML), by its author; editable for a short while, then fixed
/// (a correction is a new note).
public struct NoteRecord: Codable, Hashable, Sendable {
    /// How long its author may change a note.
    public static let editWindowSeconds: TimeInterval = 15 * 60

    public var id: NoteID
    public var customerId: CustomerID
    public var body: String
    public var contactId: ContactID?
    public var invoiceId: InvoiceID?
    public var author: Actor?
    public var createdAt: Date
    public var updatedAt: Date
    public var editableUntil: Date

    public init(id: NoteID, customerId: CustomerID, body: String, contactId: ContactID?, invoiceId: InvoiceID?, author: Actor?,
                createdAt: Date, updatedAt: Date) {
        self.id = id
        self.customerId = customerId
        self.body = body
        self.contactId = contactId
        self.invoiceId = invoiceId
        self.author = author
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.editableUntil = createdAt.addingTimeInterval(Self.editWindowSeconds)
    }

    private enum CodingKeys: String, CodingKey { case id, customerId, body, contactId, invoiceId, author, createdAt, updatedAt, editableUntil }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(customerId, forKey: .customerId)
        try container.encode(body, forKey: .body)
        try container.encode(contactId, forKey: .contactId)
        try container.encode(invoiceId, forKey: .invoiceId)
        try container.encode(author, forKey: .author)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(editableUntil, forKey: .editableUntil)
    }
}

/// Body of `task.create` (`POST /customers/{id}/tasks`).
public struct CreateTask: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public var assigneeId: UserID?
    public var title: String
    public var dueOn: BusinessDate
    public var contactId: ContactID?
    public var invoiceId: InvoiceID?

    public init(customerId: CustomerID, assigneeId: UserID?, title: String, dueOn: BusinessDate, contactId: ContactID? = nil,
                invoiceId: InvoiceID? = nil) {
        self.customerId = customerId
        self.assigneeId = assigneeId
        self.title = title
        self.dueOn = dueOn
        self.contactId = contactId
        self.invoiceId = invoiceId
    }
}

public enum TaskState: String, Codable, Hashable, Sendable, CaseIterable {
    case open, completed
}

/// A task and where it stands.
public struct TaskRecord: Codable, Hashable, Sendable {
    public var id: TaskID
    public var customerId: CustomerID
    public var assigneeId: UserID?
    public var title: String
    public var dueOn: BusinessDate
    public var contactId: ContactID?
    public var invoiceId: InvoiceID?
    public var promiseId: PromiseID?
    public var state: TaskState
    public var createdBy: Actor?
    public var createdAt: Date
    public var completedAt: Date?
    public var completedBy: Actor?

    public init(id: TaskID, customerId: CustomerID, assigneeId: UserID?, title: String, dueOn: BusinessDate, contactId: ContactID?,
                invoiceId: InvoiceID?, promiseId: PromiseID?, state: TaskState, createdBy: Actor?, createdAt: Date, completedAt: Date?,
                completedBy: Actor?) {
        self.id = id
        self.customerId = customerId
        self.assigneeId = assigneeId
        self.title = title
        self.dueOn = dueOn
        self.contactId = contactId
        self.invoiceId = invoiceId
        self.promiseId = promiseId
        self.state = state
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.completedAt = completedAt
        self.completedBy = completedBy
    }

    private enum CodingKeys: String, CodingKey {
        case id, customerId, assigneeId, title, dueOn, contactId, invoiceId, promiseId, state, createdBy, createdAt, completedAt, completedBy
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(customerId, forKey: .customerId)
        try container.encode(assigneeId, forKey: .assigneeId)
        try container.encode(title, forKey: .title)
        try container.encode(dueOn, forKey: .dueOn)
        try container.encode(contactId, forKey: .contactId)
        try container.encode(invoiceId, forKey: .invoiceId)
        try container.encode(promiseId, forKey: .promiseId)
        try container.encode(state, forKey: .state)
        try container.encode(createdBy, forKey: .createdBy)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(completedAt, forKey: .completedAt)
        try container.encode(completedBy, forKey: .completedBy)
    }
}

/// Body of `task.complete`, `task.reopen`, `task.get`.
public struct TaskAction: Codable, Hashable, Sendable {
    public var id: TaskID
    public init(id: TaskID) { self.id = id }
}

/// Body of `task.list` (`GET /tasks?assignee_id=&state=`).
public struct ListTasks: Codable, Hashable, Sendable {
    public var assigneeId: UserID?
    public var customerId: CustomerID?
    public var state: TaskState?
    /// Only tasks on customers whose AR specialist this is (a specialist who may not see all).
    public var visibleTo: UserID?
    public var limit: Int
    public var cursor: String?

    public init(assigneeId: UserID? = nil, customerId: CustomerID? = nil, state: TaskState? = nil, visibleTo: UserID? = nil,
                limit: Int = 50, cursor: String? = nil) {
        self.assigneeId = assigneeId
        self.customerId = customerId
        self.state = state
        self.visibleTo = visibleTo
        self.limit = limit
        self.cursor = cursor
    }
}

public typealias TaskPage = ItemPage<TaskRecord>
