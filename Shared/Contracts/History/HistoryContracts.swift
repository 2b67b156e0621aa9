import Foundation

/// The messages of history-service.
public enum HistoryMessages {
    public static let list = Query<ListActivities, ActivityPage>("history.list")
    /// What history-service owns of the Customer Details screen.
    public static let customerSummary = Query<CustomerHistoryRequest, CustomerHistorySection>("history.customer_summary")

    public static let catalogue = MessageCatalogue(.history, [list, customerSummary])
}

/// One entry of a customer's timeline.
public struct Activity: Codable, Hashable, Sendable {
    public var id: ActivityID
    public var customerId: CustomerID
    /// `customer`, `call`, `email`, `sms`, `note`, `task`, `payment`, `promise`, `status`, `workflow`.
    public var category: String
    /// The event or action, e.g. `customer.created`.
    public var type: String
    public var summary: String
    public var occurredAt: Date
    public var actor: Actor?

    public init(id: ActivityID, customerId: CustomerID, category: String, type: String, summary: String, occurredAt: Date,
                actor: Actor?) {
        self.id = id
        self.customerId = customerId
        self.category = category
        self.type = type
        self.summary = summary
        self.occurredAt = occurredAt
        self.actor = actor
    }
}

/// Body of `history.list`: a customer's timeline, newest first.
public struct ListActivities: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public var category: String?
    public var limit: Int
    public var cursor: String?

    public init(customerId: CustomerID, category: String? = nil, limit: Int = 50, cursor: String? = nil) {
        self.customerId = customerId
        self.category = category
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
    public var openTasks: [TaskSummary]
    public init(items: [Activity], openTasks: [TaskSummary]) {
        self.items = items
        self.openTasks = openTasks
    }
}
