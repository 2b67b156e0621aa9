import Foundation

/// customer-service's messages about AR specialist assignment (SPEC §1, §11). Who may be
/// assigned comes from customer-service's own copy of the users (`user.upserted`): an
/// active user whose role is not viewer.
public enum SpecialistMessages {
    /// Publishes `customer.specialist_assigned` when the specialist changed.
    public static let assign = Command<AssignSpecialist, CustomerRecord>("customer.assign_specialist")
    /// All or nothing: one customer that does not exist and none changes.
    public static let bulkAssign = Command<BulkAssignSpecialist, BulkAssignment>("customer.bulk_assign_specialist")
    public static let assigned = Event<SpecialistAssigned>("customer.specialist_assigned")
    /// Who may be assigned, by name: for the pages' choosers and filters.
    public static let candidates = Query<Empty, SpecialistList>("customer.specialist_candidates")

    public static let all: [any DescribedMessage] = [assign, bulkAssign, candidates, assigned]
}

/// The AR specialist assigned to a customer, by name (from customer-service's copy of the
/// users; `name` is nil only while it has not heard of the user yet).
public struct SpecialistReference: Codable, Hashable, Sendable {
    public var id: UserID
    public var name: String?
    public var email: String?
    /// False once the user is deactivated: the customer still shows them until reassigned.
    public var isActive: Bool

    public init(id: UserID, name: String? = nil, email: String? = nil, isActive: Bool = true) {
        self.id = id
        self.name = name
        self.email = email
        self.isActive = isActive
    }
}

/// Reply to `customer.specialist_candidates`: active users who are not viewers, by name.
public struct SpecialistList: Codable, Hashable, Sendable {
    public var items: [SpecialistReference]
    public init(items: [SpecialistReference]) { self.items = items }
}

/// Body of `customer.assign_specialist` (`PUT /customers/{id}/specialist`).
public struct AssignSpecialist: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public var userId: UserID

    public init(customerId: CustomerID, userId: UserID) {
        self.customerId = customerId
        self.userId = userId
    }
}

/// Body of `customer.bulk_assign_specialist` (`POST /customers/bulk/specialist`).
public struct BulkAssignSpecialist: Codable, Hashable, Sendable {
    public var customerIds: [CustomerID]
    public var userId: UserID

    public init(customerIds: [CustomerID], userId: UserID) {
        self.customerIds = customerIds
        self.userId = userId
    }
}

/// Reply to `customer.bulk_assign_specialist`.
public struct BulkAssignment: Codable, Hashable, Sendable {
    public var specialist: SpecialistReference
    /// Every customer named, now assigned to the specialist.
    public var customerIds: [CustomerID]
    /// Those whose specialist changed (the others already had this one).
    public var changedIds: [CustomerID]

    public init(specialist: SpecialistReference, customerIds: [CustomerID], changedIds: [CustomerID]) {
        self.specialist = specialist
        self.customerIds = customerIds
        self.changedIds = changedIds
    }
}

/// Event `customer.specialist_assigned`: one customer's specialist, before and after.
public struct SpecialistAssigned: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public var customerName: String
    /// nil: the customer had none.
    public var from: SpecialistReference?
    public var to: SpecialistReference

    public init(customerId: CustomerID, customerName: String, from: SpecialistReference?, to: SpecialistReference) {
        self.customerId = customerId
        self.customerName = customerName
        self.from = from
        self.to = to
    }
}
