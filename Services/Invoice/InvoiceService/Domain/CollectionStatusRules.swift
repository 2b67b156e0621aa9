import Contracts

/// The rules a collection status obeys; every refusal names its field.
enum CollectionStatusRules {
    static let members: Set<String> = ["name", "position", "manager_id", "is_default", "disputed"]
    /// The largest position a request may name (the API document's maximum); beyond the end is last.
    static let maximumPosition = 1_000_000

    /// The name trimmed; blank or over the limit is refused.
    static func name(_ text: String) throws(ErrorBody) -> String {
        try TextLimit.check(text, TextLimit.name, field: "name")
        guard let name = text.trimmedOrNil else { throw .invalidArgument("name is required", field: "name") }
        return name
    }

    static func position(_ value: Int?) throws(ErrorBody) -> Int? {
        guard let value else { return nil }
        guard (0...maximumPosition).contains(value) else {
            throw .invalidArgument("position is from 0 to \(maximumPosition)", field: "position")
        }
        return value
    }

    /// A status with `changes` (members by API name) applied.
    static func apply(_ changes: [String: JSONValue], to current: CollectionStatus) throws(ErrorBody) -> (CollectionStatus, moveTo: Int?) {
        for name in changes.keys.sorted() where !members.contains(name) {
            throw .invalidArgument("\(name) is not a collection status field", field: name)
        }
        var status = current
        var moveTo: Int?
        for (member, value) in changes.sorted(by: { $0.key < $1.key }) {
            switch (member, value) {
            case ("name", .string(let text)): status.name = try name(text)
            case ("position", .number(let number)) where number == number.rounded() && abs(number) < 1e9:
                moveTo = try position(Int(number))
            case ("manager_id", .null): status.managerId = nil
            case ("manager_id", .string(let text)):
                guard let id = UserID(text) else { throw .invalidArgument("manager_id is not a user id", field: "manager_id") }
                status.managerId = id
            case ("is_default", .bool(let flag)): status.isDefault = flag
            case ("disputed", .bool(let flag)): status.disputed = flag
            case (_, .null): throw .invalidArgument("\(member) cannot be cleared", field: member)
            default: throw .invalidArgument("\(member) has the wrong type or form", field: member)
            }
        }
        return (status, moveTo)
    }

    /// `ids` in their new order with `id` moved to `index` (clamped to the end).
    static func moving(_ id: CollectionStatusID, to index: Int, in ids: [CollectionStatusID]) -> [CollectionStatusID] {
        var order = ids.filter { $0 != id }
        order.insert(id, at: min(max(index, 0), order.count))
        return order
    }
}
