import Contracts

/// A partial update of a record's editable fields (`PATCH`): members by their API names,
/// a member left out stays, `null` clears it. Produces the new fields — checked as a
/// whole by the record's own validation — and what changed, old and new, in API order.
/// One mechanism for customers and contacts.
struct FieldPatch<Fields: Codable & Sendable>: Sendable {
    /// What the record is called in messages ("customer").
    let noun: String
    /// The members by API name, in the order changes are listed.
    let members: [String]
    /// Members every record has: they can be changed, not cleared.
    let required: Set<String>
    /// Trims and checks the merged fields (the record's validation).
    let normalise: @Sendable (Fields) throws -> Fields

    func apply(_ changes: [String: JSONValue], to current: Fields) throws -> (fields: Fields, changes: [FieldChange]) {
        for name in changes.keys.sorted() where !members.contains(name) {
            throw ErrorBody.invalidArgument("\(name) is not a \(noun) field", field: name)
        }
        for name in changes.keys.sorted() where changes[name] == .null && required.contains(name) {
            throw ErrorBody.invalidArgument("\(name) cannot be cleared", field: name)
        }
        let before = try values(of: current)
        var merged = before
        for (name, value) in changes {
            if value == .null { merged.removeValue(forKey: name) } else { merged[name] = value }
        }
        let fields = try normalise(try decode(merged, changes: changes, before: before))
        return (fields, self.changes(from: before, to: try values(of: fields)))
    }

    /// The members that differ between two versions, old and new, in API order.
    func changes(from before: Fields, to after: Fields) throws -> [FieldChange] {
        changes(from: try values(of: before), to: try values(of: after))
    }

    /// The fields as members by API name (absent = none).
    func values(of fields: Fields) throws -> [String: JSONValue] {
        try ContractJSON.decode([String: JSONValue].self, from: ContractJSON.encode(fields))
    }

    /// Fields from members by API name (the inverse of `values(of:)`).
    func fields(from values: [String: JSONValue]) throws -> Fields {
        try decode(values, changes: [:], before: [:])
    }

    private func changes(from before: [String: JSONValue], to after: [String: JSONValue]) -> [FieldChange] {
        members.compactMap { name -> FieldChange? in
            let old = before[name] ?? .null
            let new = after[name] ?? .null
            return old == new ? nil : FieldChange(field: name, old: old, new: new)
        }
    }

    private func decode(_ merged: [String: JSONValue], changes: [String: JSONValue], before: [String: JSONValue]) throws -> Fields {
        do {
            return try ContractJSON.decode(Fields.self, from: ContractJSON.encode(merged))
        } catch {
            // Foundation does not always say which member it could not read (an integer
            // sent as 1.5): then the culprit is the first change that fails on its own.
            if let field = ContractJSON.field(of: error) {
                throw ErrorBody.invalidArgument(ContractJSON.explain(error), field: field)
            }
            let culprit = changes.keys.sorted().first { name in
                var alone = before
                alone[name] = changes[name]
                return (try? ContractJSON.decode(Fields.self, from: ContractJSON.encode(alone))) == nil
            }
            guard let culprit else { throw ErrorBody.invalidArgument(ContractJSON.explain(error)) }
            throw ErrorBody.invalidArgument("\(culprit) has the wrong type or form", field: culprit)
        }
    }
}
