import Foundation

/// invoice-service's messages about collection statuses (SPEC §3): the business's own
/// stages of collecting an invoice ("Reminder sent", "Disputed", "With agency"), in order.
/// The default for new invoices is the status marked `is_default` — the one source of that
/// default (business settings carry none).
public enum CollectionStatusMessages {
    /// Publishes `collection_status.created`.
    public static let create = Command<CreateCollectionStatus, CollectionStatus>("collection_status.create")
    /// Every status, in order.
    public static let list = Query<Empty, CollectionStatusList>("collection_status.list")
    /// A partial update (rename, move, manager, default, disputed); publishes `collection_status.updated`.
    public static let update = Command<UpdateCollectionStatus, CollectionStatus>("collection_status.update")
    /// `conflict` while any invoice is in it; publishes `collection_status.deleted`.
    public static let delete = Command<DeleteCollectionStatus, CollectionStatus>("collection_status.delete")
    public static let created = Event<CollectionStatusChanged>("collection_status.created")
    public static let updated = Event<CollectionStatusChanged>("collection_status.updated")
    public static let deleted = Event<CollectionStatusChanged>("collection_status.deleted")

    public static let all: [any DescribedMessage] = [create, list, update, delete, created, updated, deleted]
}

/// A collection status as the API shows it.
public struct CollectionStatus: Codable, Hashable, Sendable {
    public var id: CollectionStatusID
    public var name: String
    /// 0-based, contiguous: the order statuses are listed and chosen in.
    public var position: Int
    /// Alerted when an invoice enters the status.
    public var managerId: UserID?
    public var isDefault: Bool
    /// Workflows stop on an invoice in a disputed status.
    public var disputed: Bool
    public var createdAt: Date

    public init(id: CollectionStatusID, name: String, position: Int, managerId: UserID?, isDefault: Bool, disputed: Bool,
                createdAt: Date) {
        self.id = id
        self.name = name
        self.position = position
        self.managerId = managerId
        self.isDefault = isDefault
        self.disputed = disputed
        self.createdAt = createdAt
    }
}

/// Body of `collection_status.create` (`POST /collection-statuses`).
public struct CreateCollectionStatus: Codable, Hashable, Sendable {
    public var name: String
    /// Where it goes (0 = first); nil or beyond the end: last.
    public var position: Int?
    public var managerId: UserID?
    public var isDefault: Bool?
    public var disputed: Bool?

    public init(name: String, position: Int? = nil, managerId: UserID? = nil, isDefault: Bool? = nil, disputed: Bool? = nil) {
        self.name = name
        self.position = position
        self.managerId = managerId
        self.isDefault = isDefault
        self.disputed = disputed
    }
}

/// Body of `collection_status.update` (`PATCH /collection-statuses/{id}`): the members to
/// change by API name; `manager_id: null` clears the manager.
public struct UpdateCollectionStatus: Codable, Hashable, Sendable {
    public var id: CollectionStatusID
    public var changes: [String: JSONValue]

    public init(id: CollectionStatusID, changes: [String: JSONValue]) {
        self.id = id
        self.changes = changes
    }
}

/// Body of `collection_status.delete`.
public struct DeleteCollectionStatus: Codable, Hashable, Sendable {
    public var id: CollectionStatusID
    public init(id: CollectionStatusID) { self.id = id }
}

/// Reply to `collection_status.list`.
public struct CollectionStatusList: Codable, Hashable, Sendable {
    public var items: [CollectionStatus]
    public init(items: [CollectionStatus]) { self.items = items }
}

/// Events `collection_status.created`, `.updated`, `.deleted`: the status (as it was, for a deletion).
public struct CollectionStatusChanged: Codable, Hashable, Sendable {
    public var status: CollectionStatus
    public init(status: CollectionStatus) { self.status = status }
}
