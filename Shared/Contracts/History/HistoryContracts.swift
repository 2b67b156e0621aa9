import Foundation

/// The messages of history-service.
public enum HistoryMessages {
    public static let list = Query<ListActivities, ActivityPage>("history.list")
    /// What history-service owns of the Customer Details screen.
    public static let customerSummary = Query<CustomerHistoryRequest, CustomerHistorySection>("history.customer_summary")

    public static let catalogue = MessageCatalogue(.history, [list, customerSummary] + noteTaskMessages)
}

/// What an activity points at, for the page to link (each nil when it does not apply).
public struct ActivityLinks: Codable, Hashable, Sendable {
    public var invoiceId: InvoiceID?
    public var contactId: ContactID?
    public var paymentId: PaymentID?
    public var promiseId: PromiseID?
    public var taskId: TaskID?
    public var noteId: NoteID?

    public init(invoiceId: InvoiceID? = nil, contactId: ContactID? = nil, paymentId: PaymentID? = nil, promiseId: PromiseID? = nil,
                taskId: TaskID? = nil, noteId: NoteID? = nil) {
        self.invoiceId = invoiceId
        self.contactId = contactId
        self.paymentId = paymentId
        self.promiseId = promiseId
        self.taskId = taskId
        self.noteId = noteId
    }

    public static let none = ActivityLinks()

    private enum CodingKeys: String, CodingKey { case invoiceId, contactId, paymentId, promiseId, taskId, noteId }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(invoiceId, forKey: .invoiceId)
        try container.encode(contactId, forKey: .contactId)
        try container.encode(paymentId, forKey: .paymentId)
        try container.encode(promiseId, forKey: .promiseId)
        try container.encode(taskId, forKey: .taskId)
        try container.encode(noteId, forKey: .noteId)
    }
}

/// Which way a communication went.
public enum ActivityDirection: String, Codable, Hashable, Sendable {
    case inbound, outbound
}

/// One entry of a customer's timeline.
public struct Activity: Codable, Hashable, Sendable {
    public var id: ActivityID
    public var customerId: CustomerID
    /// `customer`, `contact`, `document`, `invoice`, `status`, `payment`, `promise`, `note`,
    /// `task`, `call`, `email`, `sms`, `workflow`, `event` (an event stored as it came).
    public var category: String
    /// The event or action, e.g. `customer.created`.
    public var type: String
    public var summary: String
    public var occurredAt: Date
    public var actor: Actor?
    /// For calls, emails and SMS.
    public var direction: ActivityDirection?
    public var links: ActivityLinks
    /// What it was made from (an event's id, a note's, a task command's): one activity per source.
    public var sourceId: UUID?

    public init(id: ActivityID, customerId: CustomerID, category: String, type: String, summary: String, occurredAt: Date,
                actor: Actor?, direction: ActivityDirection? = nil, links: ActivityLinks = .none, sourceId: UUID? = nil) {
        self.id = id
        self.customerId = customerId
        self.category = category
        self.type = type
        self.summary = summary
        self.occurredAt = occurredAt
        self.actor = actor
        self.direction = direction
        self.links = links
        self.sourceId = sourceId
    }

    private enum CodingKeys: String, CodingKey {
        case id, customerId, category, type, summary, occurredAt, actor, direction, links, sourceId
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(customerId, forKey: .customerId)
        try container.encode(category, forKey: .category)
        try container.encode(type, forKey: .type)
        try container.encode(summary, forKey: .summary)
        try container.encode(occurredAt, forKey: .occurredAt)
        try container.encode(actor, forKey: .actor)
        try container.encode(direction, forKey: .direction)
        try container.encode(links, forKey: .links)
        try container.encode(sourceId.map { $0.uuidString.lowercased() }, forKey: .sourceId)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(ActivityID.self, forKey: .id)
        customerId = try container.decode(CustomerID.self, forKey: .customerId)
        category = try container.decode(String.self, forKey: .category)
        type = try container.decode(String.self, forKey: .type)
        summary = try container.decode(String.self, forKey: .summary)
        occurredAt = try container.decode(Date.self, forKey: .occurredAt)
        actor = try container.decodeIfPresent(Actor.self, forKey: .actor)
        direction = try container.decodeIfPresent(ActivityDirection.self, forKey: .direction)
        links = try container.decodeIfPresent(ActivityLinks.self, forKey: .links) ?? .none
        sourceId = try container.decodeIfPresent(String.self, forKey: .sourceId).flatMap(UUID.init(uuidString:))
    }
}

/// The timeline's tabs (`?type=` of `GET /customers/{id}/history`), each the categories it shows.
public enum HistoryTab: String, Codable, Hashable, Sendable, CaseIterable {
    case all, call, email, sms, note, task, payment

    /// Nil: every category.
    public var categories: [String]? {
        switch self {
        case .all: return nil
        case .payment: return ["payment", "promise"]
        default: return [rawValue]
        }
    }
}

/// Body of `history.list`: a customer's timeline, newest first, one tab of it.
public struct ListActivities: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public var tab: HistoryTab
    public var limit: Int
    public var cursor: String?

    public init(customerId: CustomerID, tab: HistoryTab = .all, limit: Int = 50, cursor: String? = nil) {
        self.customerId = customerId
        self.tab = tab
        self.limit = limit
        self.cursor = cursor
    }
}

/// Reply to `history.list`.
public struct ActivityPage: Codable, Hashable, Sendable {
    public var items: [Activity]
    public var nextCursor: String?

    public init(items: [Activity], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// An open task on a customer.
public struct TaskSummary: Codable, Hashable, Sendable {
    public var id: TaskID
    /// Nil: nobody to give it to yet (a customer without an AR specialist).
    public var assigneeId: UserID?
    public var title: String
    public var dueOn: BusinessDate
    public var contactId: ContactID?
    public var invoiceId: InvoiceID?

    public init(id: TaskID, assigneeId: UserID?, title: String, dueOn: BusinessDate, contactId: ContactID?, invoiceId: InvoiceID?) {
        self.id = id
        self.assigneeId = assigneeId
        self.title = title
        self.dueOn = dueOn
        self.contactId = contactId
        self.invoiceId = invoiceId
    }

    private enum CodingKeys: String, CodingKey { case id, assigneeId, title, dueOn, contactId, invoiceId }

    /// Optional members are written as `null`, never left out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(assigneeId, forKey: .assigneeId)
        try container.encode(title, forKey: .title)
        try container.encode(dueOn, forKey: .dueOn)
        try container.encode(contactId, forKey: .contactId)
        try container.encode(invoiceId, forKey: .invoiceId)
    }
}

/// Body of `history.customer_summary`: the most recent activities and the open tasks.
public struct CustomerHistoryRequest: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public var recent: Int
    public init(customerId: CustomerID, recent: Int = 20) {
        self.customerId = customerId
        self.recent = recent
    }
}

/// Reply to `history.customer_summary`: history-service's section of the Customer Details
/// view, `history`, in the API's shape (the gateway passes the bytes through).
public struct CustomerHistorySection: Codable, Hashable, Sendable {
    public var history: CustomerHistorySummary
    public init(history: CustomerHistorySummary) { self.history = history }
}

/// The Customer Details view's `history`: the latest activities and the open tasks.
public struct CustomerHistorySummary: Codable, Hashable, Sendable {
    public var items: [Activity]
    /// The timeline's next page after `items` ("Load more"), nil when they are all.
    public var nextCursor: String?
    public var openTasks: [TaskSummary]
    public init(items: [Activity], nextCursor: String? = nil, openTasks: [TaskSummary]) {
        self.items = items
        self.nextCursor = nextCursor
        self.openTasks = openTasks
    }
}
