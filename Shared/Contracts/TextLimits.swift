/// The longest text each kind of field accepts, in Unicode code points (what JSON Schema's
/// `maxLength` counts; a character built of many combining marks counts each): the one
/// table the services check and `docs/openapi.json` documents (a test compares them).
public enum TextLimit {
    public static let name = 200
    public static let email = 254
    public static let phone = 40
    public static let url = 2_048
    public static let addressLine = 200
    public static let city = 100
    public static let region = 100
    public static let postalCode = 20
    public static let country = 56
    public static let customerNumber = 64
    public static let notes = 10_000
    /// An invoice number or a purchase-order number.
    public static let invoiceNumber = 64
    /// A payment's reference (a check number, a transfer's id).
    public static let paymentReference = 100
    /// One invoice line's description; a void or refund reason.
    public static let lineDescription = 1_000
    /// A passphrase may be long; what bcrypt hashes is its SHA-256.
    public static let password = 1_024
    /// A one-time code: six digits.
    public static let oneTimeCode = 6
    /// A promise to pay's note.
    public static let promiseNote = 2_000
    /// A card number as typed (up to 19 digits, with spaces or dashes between groups).
    public static let cardNumber = 23
    /// A routing number as typed (9 digits, perhaps with separators) and an account number (up to 17 digits).
    public static let routingNumber = 11
    public static let accountNumber = 20

    /// Refuses `value` when longer than `limit` characters, naming the field.
    public static func check(_ value: String?, _ limit: Int, field: String) throws(ErrorBody) {
        guard let value, value.unicodeScalars.count > limit else { return }
        throw .invalidArgument("\(field) is at most \(limit) characters", field: field)
    }

    /// Optional text as a request gives it: longer than `limit` (as given) is refused, naming
    /// the field; otherwise trimmed, and nil when nothing is left.
    public static func trimmed(_ value: String?, _ limit: Int, field: String) throws(ErrorBody) -> String? {
        try check(value, limit, field: field)
        return value?.trimmedOrNil
    }

    /// Checks every line of an address, naming the field as `<field>.city`.
    public static func check(_ address: Address?, field: String) throws(ErrorBody) {
        guard let address else { return }
        try check(address.line1, addressLine, field: "\(field).line1")
        try check(address.line2, addressLine, field: "\(field).line2")
        try check(address.city, city, field: "\(field).city")
        try check(address.region, region, field: "\(field).region")
        try check(address.postalCode, postalCode, field: "\(field).postal_code")
        try check(address.country, country, field: "\(field).country")
    }
}

extension String {
    /// Without leading and trailing white space (code points with the Unicode White_Space
    /// property: the class the API document's patterns name).
    public var trimmed: String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    /// `trimmed`, or nil when nothing is left.
    public var trimmedOrNil: String? {
        let text = trimmed
        return text.isEmpty ? nil : text
    }
}
