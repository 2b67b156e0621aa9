import Foundation

/// customer-service's messages about billing contacts (SPEC §2). Every command names the
/// specialist whose customers alone it may touch (`assignedTo`), like the customer commands.
public enum ContactMessages {
    /// Publishes `contact.created`.
    public static let create = Command<CreateContact, ContactRecord>("contact.create")
    /// `not_found` when there is no such contact (merged contacts are gone).
    public static let get = Query<GetContact, ContactRecord>("contact.get")
    /// A customer's contacts, active and deactivated, without merged ones.
    public static let list = Query<ListContacts, ContactList>("contact.list")
    /// A partial update; publishes `contact.updated` when something changed.
    public static let update = Command<UpdateContact, ContactRecord>("contact.update")
    /// Publishes `contact.deactivated` (nothing when it already was).
    public static let deactivate = Command<GetContact, ContactRecord>("contact.deactivate")
    /// Publishes `contact.reactivated` (nothing when it already was active).
    public static let reactivate = Command<GetContact, ContactRecord>("contact.reactivate")
    /// Folds contacts into a master; publishes `contact.merged`.
    public static let merge = Command<MergeContacts, ContactRecord>("contact.merge")
    public static let created = Event<ContactChanged>("contact.created")
    public static let updated = Event<ContactChanged>("contact.updated")
    public static let deactivated = Event<ContactChanged>("contact.deactivated")
    public static let reactivated = Event<ContactChanged>("contact.reactivated")
    /// Other services move their references from `merged_ids` to `master_id`.
    public static let merged = Event<ContactsMerged>("contact.merged")

    public static let all: [any DescribedMessage] = [
        create, get, list, update, deactivate, reactivate, merge, created, updated, deactivated, reactivated, merged,
    ]
}

/// What a contact is for.
public enum ContactRole: String, Codable, Hashable, Sendable, CaseIterable {
    case primary, billing, escalation
}

/// The editable fields of a billing contact. First and last name are separate: templates
/// greet a contact by `{Customer_First_Name}`.
public struct ContactFields: Codable, Hashable, Sendable {
    public var firstName: String
    public var lastName: String?
    public var title: String?
    public var email: String?
    public var phone: String?
    public var mobile: String?
    /// Default `billing`.
    public var role: ContactRole?
    public var emailOptOut: Bool?
    /// Also set by an inbound `STOP`.
    public var smsOptOut: Bool?
    public var callOptOut: Bool?

    public init(firstName: String, lastName: String? = nil, title: String? = nil, email: String? = nil, phone: String? = nil,
                mobile: String? = nil, role: ContactRole? = nil, emailOptOut: Bool? = nil, smsOptOut: Bool? = nil,
                callOptOut: Bool? = nil) {
        self.firstName = firstName
        self.lastName = lastName
        self.title = title
        self.email = email
        self.phone = phone
        self.mobile = mobile
        self.role = role
        self.emailOptOut = emailOptOut
        self.smsOptOut = smsOptOut
        self.callOptOut = callOptOut
    }
}

/// A stored billing contact, in the API's shape.
public struct ContactRecord: Codable, Hashable, Sendable {
    public var id: ContactID
    public var customerId: CustomerID
    public var firstName: String
    public var lastName: String?
    public var title: String?
    public var email: String?
    public var phone: String?
    public var mobile: String?
    public var role: ContactRole
    public var emailOptOut: Bool
    public var smsOptOut: Bool
    public var callOptOut: Bool
    public var isActive: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: ContactID, customerId: CustomerID, fields: ContactFields, isActive: Bool = true,
                createdAt: Date, updatedAt: Date) {
        self.id = id
        self.customerId = customerId
        firstName = fields.firstName
        lastName = fields.lastName
        title = fields.title
        email = fields.email
        phone = fields.phone
        mobile = fields.mobile
        role = fields.role ?? .billing
        emailOptOut = fields.emailOptOut ?? false
        smsOptOut = fields.smsOptOut ?? false
        callOptOut = fields.callOptOut ?? false
        self.isActive = isActive
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The editable fields, every one set.
    public var fields: ContactFields {
        ContactFields(firstName: firstName, lastName: lastName, title: title, email: email, phone: phone, mobile: mobile,
                      role: role, emailOptOut: emailOptOut, smsOptOut: smsOptOut, callOptOut: callOptOut)
    }

    /// "Pat Payer", or just the first name.
    public var fullName: String { [firstName, lastName].compactMap { $0 }.joined(separator: " ") }
}

/// Body of `contact.create`.
public struct CreateContact: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public var contact: ContactFields
    /// Only on a customer assigned to this specialist (others answer `not_found`).
    public var assignedTo: UserID?

    public init(customerId: CustomerID, contact: ContactFields, assignedTo: UserID? = nil) {
        self.customerId = customerId
        self.contact = contact
        self.assignedTo = assignedTo
    }
}

/// Body of `contact.get`, `contact.deactivate` and `contact.reactivate`.
public struct GetContact: Codable, Hashable, Sendable {
    public var id: ContactID
    public var assignedTo: UserID?

    public init(id: ContactID, assignedTo: UserID? = nil) {
        self.id = id
        self.assignedTo = assignedTo
    }
}

/// Body of `contact.list`.
public struct ListContacts: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public var assignedTo: UserID?

    public init(customerId: CustomerID, assignedTo: UserID? = nil) {
        self.customerId = customerId
        self.assignedTo = assignedTo
    }
}

/// Reply to `contact.list`: every contact of the customer (a customer has few), primary first.
public struct ContactList: Codable, Hashable, Sendable {
    public var items: [ContactRecord]
    public init(items: [ContactRecord]) { self.items = items }
}

/// Body of `contact.update` (`PATCH /contacts/{id}`): members of `ContactFields` by API
/// name; left out stays, `null` clears (not `first_name` or `role`), unknown is refused.
public struct UpdateContact: Codable, Hashable, Sendable {
    public var id: ContactID
    public var changes: [String: JSONValue]
    public var assignedTo: UserID?

    public init(id: ContactID, changes: [String: JSONValue], assignedTo: UserID? = nil) {
        self.id = id
        self.changes = changes
        self.assignedTo = assignedTo
    }
}

/// Body of `contact.merge`: `mergeIds` are folded into `masterId` (all of one customer).
/// `fields` names, per field, the contact whose value the master takes; a field not named
/// keeps the master's value — except the opt-outs, which the master keeps if any of the
/// contacts had opted out (consent once withdrawn is not lost by a merge).
public struct MergeContacts: Codable, Hashable, Sendable {
    public var masterId: ContactID
    public var mergeIds: [ContactID]
    public var fields: [String: ContactID]
    public var assignedTo: UserID?

    public init(masterId: ContactID, mergeIds: [ContactID], fields: [String: ContactID] = [:], assignedTo: UserID? = nil) {
        self.masterId = masterId
        self.mergeIds = mergeIds
        self.fields = fields
        self.assignedTo = assignedTo
    }
}

/// Events `contact.created`, `contact.updated` (with `changes`), `contact.deactivated`,
/// `contact.reactivated`: the contact after.
public struct ContactChanged: Codable, Hashable, Sendable {
    public var contact: ContactRecord
    /// What changed, old and new, for `contact.updated`; empty otherwise.
    public var changes: [FieldChange]

    public init(contact: ContactRecord, changes: [FieldChange] = []) {
        self.contact = contact
        self.changes = changes
    }
}

/// Event `contact.merged`: references to any of `mergedIds` now belong to `masterId`.
public struct ContactsMerged: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public var masterId: ContactID
    public var mergedIds: [ContactID]
    /// The master after the merge.
    public var contact: ContactRecord
    /// The names of the contacts folded in, for the timeline.
    public var mergedNames: [String]
    /// The master's fields that changed, old and new.
    public var changes: [FieldChange]

    public init(customerId: CustomerID, masterId: ContactID, mergedIds: [ContactID], contact: ContactRecord,
                mergedNames: [String], changes: [FieldChange]) {
        self.customerId = customerId
        self.masterId = masterId
        self.mergedIds = mergedIds
        self.contact = contact
        self.mergedNames = mergedNames
        self.changes = changes
    }
}
