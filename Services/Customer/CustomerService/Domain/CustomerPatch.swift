import Contracts

/// A partial update of a customer's fields (`PATCH /customers/{id}`): members by their API
/// names, a member left out stays, `null` clears it. Produces the new fields — checked as
/// a whole by `CustomerValidation` — and what changed, old and new, in API order.
enum CustomerPatch {
    /// `CustomerFields`' members by API name, in the order changes are listed.
    static let members = [
        "display_name", "company", "customer_number", "email", "phone", "mobile", "website", "name_on_checks",
        "billing_address", "shipping_address", "shipping_same_as_billing", "parent_customer_id", "billed_with_parent",
        "currency", "payment_terms_days", "notes",
    ]

    /// Members every customer has: they can be changed, not cleared.
    static let required: Set<String> = ["display_name", "currency", "payment_terms_days"]

    static func apply(_ changes: [String: JSONValue], to current: CustomerFields) throws -> (fields: CustomerFields, changes: [FieldChange]) {
        for name in changes.keys.sorted() where !members.contains(name) {
            throw ErrorBody.invalidArgument("\(name) is not a customer field", field: name)
        }
        for name in changes.keys.sorted() where changes[name] == .null && required.contains(name) {
            throw ErrorBody.invalidArgument("\(name) cannot be cleared", field: name)
        }
        let before = try members(of: current)
        var merged = before
        for (name, value) in changes {
            if value == .null { merged.removeValue(forKey: name) } else { merged[name] = value }
        }
        let decoded: CustomerFields
        do {
            decoded = try ContractJSON.decode(CustomerFields.self, from: ContractJSON.encode(merged))
        } catch {
            // Foundation does not always say which member it could not read (an integer
            // sent as 1.5): then the culprit is the first change that fails on its own.
            if let field = ContractJSON.field(of: error) {
                throw ErrorBody.invalidArgument(ContractJSON.explain(error), field: field)
            }
            let culprit = changes.keys.sorted().first { name in
                var alone = before
                alone[name] = changes[name]
                return (try? ContractJSON.decode(CustomerFields.self, from: ContractJSON.encode(alone))) == nil
            }
            guard let culprit else { throw ErrorBody.invalidArgument(ContractJSON.explain(error)) }
            throw ErrorBody.invalidArgument("\(culprit) has the wrong type or form", field: culprit)
        }
        let fields = try CustomerValidation.normalised(decoded)
        let after = try members(of: fields)
        let changed = members.compactMap { name -> FieldChange? in
            let old = before[name] ?? .null
            let new = after[name] ?? .null
            return old == new ? nil : FieldChange(field: name, old: old, new: new)
        }
        return (fields, changed)
    }

    private static func members(of fields: CustomerFields) throws -> [String: JSONValue] {
        try ContractJSON.decode([String: JSONValue].self, from: ContractJSON.encode(fields))
    }
}
