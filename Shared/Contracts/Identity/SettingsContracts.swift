import Foundation

/// When automated messages may go out, in the business time zone.
public struct SendWindow: Codable, Hashable, Sendable {
    /// `HH:MM`, 24-hour.
    public var start: String
    public var end: String
    /// ISO weekdays, 1 = Monday … 7 = Sunday.
    public var weekdays: [Int]

    public init(start: String, end: String, weekdays: [Int]) {
        self.start = start
        self.end = end
        self.weekdays = weekdays
    }

    public static let businessHours = SendWindow(start: "08:00", end: "18:00", weekdays: [1, 2, 3, 4, 5])
}

/// The business's settings (SPEC §11, API.md "Identity and settings"). The default AR
/// specialist is not one of them (it is the user marked `is_default_specialist`), nor the
/// default collection status (the status marked `is_default`, invoice-service's).
public struct BusinessSettings: Codable, Hashable, Sendable {
    public var name: String
    public var address: Address?
    public var email: String?
    public var phone: String?
    /// IANA time zone, e.g. `America/New_York`.
    public var timeZone: String
    public var currency: Currency
    public var sendWindow: SendWindow
    public var defaultWorkflowId: WorkflowID?

    public init(name: String, address: Address? = nil, email: String? = nil, phone: String? = nil, timeZone: String,
                currency: Currency, sendWindow: SendWindow,
                defaultWorkflowId: WorkflowID? = nil) {
        self.name = name
        self.address = address
        self.email = email
        self.phone = phone
        self.timeZone = timeZone
        self.currency = currency
        self.sendWindow = sendWindow
        self.defaultWorkflowId = defaultWorkflowId
    }

    public static let initial = BusinessSettings(name: "My business", timeZone: "UTC", currency: .usd, sendWindow: .businessHours)
}

/// Body of `settings.update` (and `PATCH /settings`): the fields to change.
public struct BusinessSettingsChanges: Codable, Hashable, Sendable {
    public var name: String?
    public var address: Address?
    public var email: String?
    public var phone: String?
    public var timeZone: String?
    public var currency: Currency?
    public var sendWindow: SendWindow?
    public var defaultWorkflowId: WorkflowID?

    public init(name: String? = nil, address: Address? = nil, email: String? = nil, phone: String? = nil,
                timeZone: String? = nil, currency: Currency? = nil, sendWindow: SendWindow? = nil,
                defaultWorkflowId: WorkflowID? = nil) {
        self.name = name
        self.address = address
        self.email = email
        self.phone = phone
        self.timeZone = timeZone
        self.currency = currency
        self.sendWindow = sendWindow
        self.defaultWorkflowId = defaultWorkflowId
    }
}
