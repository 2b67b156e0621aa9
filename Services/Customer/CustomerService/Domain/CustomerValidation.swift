import Contracts

/// The rules a customer's fields obey; every violation names its field.
enum CustomerValidation {
    static let defaultCurrency = Currency.usd
    static let defaultPaymentTermsDays = 30

    /// Trims text fields, drops empty ones, and checks the rest.
    static func normalised(_ fields: CustomerFields) throws(ErrorBody) -> CustomerFields {
        // Limits apply to the text as sent (what the API document's maxLength says), then it is trimmed.
        try TextLimit.check(fields.displayName, TextLimit.name, field: "display_name")
        try TextLimit.check(fields.company, TextLimit.name, field: "company")
        try TextLimit.check(fields.customerNumber, TextLimit.customerNumber, field: "customer_number")
        try TextLimit.check(fields.email, TextLimit.email, field: "email")
        try TextLimit.check(fields.phone, TextLimit.phone, field: "phone")
        try TextLimit.check(fields.mobile, TextLimit.phone, field: "mobile")
        try TextLimit.check(fields.website, TextLimit.url, field: "website")
        try TextLimit.check(fields.nameOnChecks, TextLimit.name, field: "name_on_checks")
        try TextLimit.check(fields.notes, TextLimit.notes, field: "notes")
        try TextLimit.check(fields.billingAddress, field: "billing_address")
        try TextLimit.check(fields.shippingAddress, field: "shipping_address")
        var fields = fields
        fields.displayName = fields.displayName.trimmed
        guard !fields.displayName.isEmpty else {
            throw .invalidArgument("display_name is required", field: "display_name")
        }
        fields.company = fields.company?.trimmedOrNil
        fields.customerNumber = fields.customerNumber?.trimmedOrNil
        fields.email = fields.email?.trimmedOrNil
        fields.phone = fields.phone?.trimmedOrNil
        fields.mobile = fields.mobile?.trimmedOrNil
        fields.website = fields.website?.trimmedOrNil
        fields.nameOnChecks = fields.nameOnChecks?.trimmedOrNil
        fields.notes = fields.notes?.trimmedOrNil
        if let email = fields.email, !EmailAddress.isPlausible(email) {
            throw .invalidArgument("email is not a valid email address", field: "email")
        }
        try ContactPoint.checkPhone(fields.phone, field: "phone")
        try ContactPoint.checkPhone(fields.mobile, field: "mobile")
        if let website = fields.website {
            guard let address = WebAddress.normalised(website) else {
                throw .invalidArgument("website is not a web address (such as https://acme.example)", field: "website")
            }
            fields.website = address
        }
        fields.billingAddress = try normalised(fields.billingAddress, field: "billing_address")
        fields.shippingAddress = try normalised(fields.shippingAddress, field: "shipping_address")
        if let currency = fields.currency, !currency.isAssigned {
            throw .unprocessable("currency \(currency.code) is not an ISO 4217 currency", field: "currency")
        }
        if let days = fields.paymentTermsDays, !(0...365).contains(days) {
            throw .invalidArgument("payment_terms_days must be between 0 and 365", field: "payment_terms_days")
        }
        if fields.billedWithParent == true && fields.parentCustomerId == nil {
            throw .unprocessable("billed_with_parent needs a parent_customer_id", field: "billed_with_parent")
        }
        return fields
    }

    /// Lines trimmed (blank ones dropped; an address with no line left is none), the
    /// country an ISO 3166 code in upper case.
    static func normalised(_ address: Address?, field: String) throws(ErrorBody) -> Address? {
        guard var address else { return nil }
        address.line1 = address.line1?.trimmedOrNil
        address.line2 = address.line2?.trimmedOrNil
        address.city = address.city?.trimmedOrNil
        address.region = address.region?.trimmedOrNil
        address.postalCode = address.postalCode?.trimmedOrNil
        address.country = address.country?.trimmedOrNil
        if let country = address.country {
            guard CountryCode.isWellFormed(country) else {
                throw .invalidArgument("\(field).country is a two-letter ISO 3166 code, such as US", field: "\(field).country")
            }
            guard let code = CountryCode.assigned(country) else {
                throw .unprocessable("\(field).country \(country) is not an ISO 3166 country code", field: "\(field).country")
            }
            address.country = code
        }
        return address == Address() ? nil : address
    }
}

/// Checks shared by customers and their contacts.
enum ContactPoint {
    static func checkPhone(_ phone: String?, field: String) throws(ErrorBody) {
        guard let phone, !PhoneNumber.isPlausible(phone) else { return }
        throw .invalidArgument("\(field) is not a phone number (digits, spaces, + ( ) - ., optionally an extension such as x12)",
                               field: field)
    }
}
