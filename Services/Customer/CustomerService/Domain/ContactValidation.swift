import Contracts

/// The rules a billing contact's fields obey; every violation names its field.
enum ContactValidation {
    /// `ContactFields`' members by API name, in the order changes are listed.
    static let members = [
        "first_name", "last_name", "title", "email", "phone", "mobile", "role", "email_opt_out", "sms_opt_out", "call_opt_out",
    ]

    /// `PATCH /contacts/{id}`.
    static let patch = FieldPatch<ContactFields>(
        noun: "contact", members: members, required: ["first_name", "role"], normalise: { try normalised($0) })

    /// Trims text fields, drops empty ones, and checks the rest; every flag is set.
    static func normalised(_ fields: ContactFields) throws(ErrorBody) -> ContactFields {
        try TextLimit.check(fields.firstName, TextLimit.name, field: "first_name")
        try TextLimit.check(fields.lastName, TextLimit.name, field: "last_name")
        try TextLimit.check(fields.title, TextLimit.name, field: "title")
        try TextLimit.check(fields.email, TextLimit.email, field: "email")
        try TextLimit.check(fields.phone, TextLimit.phone, field: "phone")
        try TextLimit.check(fields.mobile, TextLimit.phone, field: "mobile")
        var fields = fields
        fields.firstName = fields.firstName.trimmed
        guard !fields.firstName.isEmpty else { throw .invalidArgument("first_name is required", field: "first_name") }
        fields.lastName = fields.lastName?.trimmedOrNil
        fields.title = fields.title?.trimmedOrNil
        fields.email = fields.email?.trimmedOrNil
        fields.phone = fields.phone?.trimmedOrNil
        fields.mobile = fields.mobile?.trimmedOrNil
        if let email = fields.email, !EmailAddress.isPlausible(email) {
            throw .invalidArgument("email is not a valid email address", field: "email")
        }
        try ContactPoint.checkPhone(fields.phone, field: "phone")
        try ContactPoint.checkPhone(fields.mobile, field: "mobile")
        fields.role = fields.role ?? .billing
        fields.emailOptOut = fields.emailOptOut ?? false
        fields.smsOptOut = fields.smsOptOut ?? false
        fields.callOptOut = fields.callOptOut ?? false
        return fields
    }
}
