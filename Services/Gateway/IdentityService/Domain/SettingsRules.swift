import Contracts
import Foundation

/// Applies changes to the business settings, refusing what is not valid (by field).
enum SettingsRules {
    static func apply(_ changes: BusinessSettingsChanges, to current: BusinessSettings) throws(ErrorBody) -> BusinessSettings {
        var settings = current
        if let name = changes.name {
            try TextLimit.check(name, TextLimit.name, field: "name")  // as sent, before trimming
            let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { throw .invalidArgument("name is required", field: "name") }
            settings.name = trimmed
        }
        if let email = changes.email {
            try TextLimit.check(email, TextLimit.email, field: "email")
            guard EmailAddress.isPlausible(email) else { throw .invalidArgument("email is not valid", field: "email") }
            settings.email = email
        }
        if let timeZone = changes.timeZone {
            guard TimeZone(identifier: timeZone) != nil else {
                throw .unprocessable("time_zone must be an IANA time zone such as America/New_York", field: "time_zone")
            }
            settings.timeZone = timeZone
        }
        if let window = changes.sendWindow {
            guard let start = minutes(window.start), let end = minutes(window.end), start < end else {
                throw .unprocessable("send_window needs start before end, as HH:MM", field: "send_window")
            }
            guard !window.weekdays.isEmpty, window.weekdays.allSatisfy({ (1...7).contains($0) }) else {
                throw .invalidArgument("send_window.weekdays are 1 (Monday) to 7 (Sunday)", field: "send_window.weekdays")
            }
            settings.sendWindow = SendWindow(start: window.start, end: window.end, weekdays: Array(Set(window.weekdays)).sorted())
        }
        if let address = changes.address {
            try TextLimit.check(address, field: "address")
            settings.address = address
        }
        if let phone = changes.phone {
            try TextLimit.check(phone, TextLimit.phone, field: "phone")
            settings.phone = phone
        }
        if let currency = changes.currency { settings.currency = currency }
        if let workflow = changes.defaultWorkflowId { settings.defaultWorkflowId = workflow }
        return settings
    }

    /// `HH:MM` → minutes after midnight.
    private static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]),
              (0...23).contains(hours), (0...59).contains(minutes) else { return nil }
        return hours * 60 + minutes
    }
}
