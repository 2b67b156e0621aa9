import Contracts

/// `PATCH /customers/{id}`: the customer's fields as a `FieldPatch`.
enum CustomerPatch {
    /// `CustomerFields`' members by API name, in the order changes are listed.
    static let members = [
        "display_name", "company", "customer_number", "email", "phone", "mobile", "website", "name_on_checks",
        "billing_address", "shipping_address", "shipping_same_as_billing", "parent_customer_id", "billed_with_parent",
        "currency", "payment_terms_days", "notes",
    ]

    static let patch = FieldPatch<CustomerFields>(
        noun: "customer", members: members, required: ["display_name", "currency", "payment_terms_days"],
        normalise: { try CustomerValidation.normalised($0) })

    static func apply(_ changes: [String: JSONValue], to current: CustomerFields) throws -> (fields: CustomerFields, changes: [FieldChange]) {
        try patch.apply(changes, to: current)
    }
}
