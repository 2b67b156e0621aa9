import Contracts
import XCTest
@testable import IdentityService

final class SettingsRulesTests: XCTestCase {
    private func refusal(_ changes: BusinessSettingsChanges) -> String? {
        do {
            _ = try SettingsRules.apply(changes, to: .initial)
            return nil
        } catch {
            return error.details.keys.first
        }
    }

    func testAppliesOnlyWhatChanges() throws {
        var changes = BusinessSettingsChanges()
        changes.name = "  Acme AR  "
        changes.timeZone = "America/New_York"
        let settings = try SettingsRules.apply(changes, to: .initial)
        XCTAssertEqual(settings.name, "Acme AR")
        XCTAssertEqual(settings.timeZone, "America/New_York")
        XCTAssertEqual(settings.currency, BusinessSettings.initial.currency)
        XCTAssertEqual(settings.sendWindow, BusinessSettings.initial.sendWindow)
    }

    func testRefusalsNameTheirField() {
        var changes = BusinessSettingsChanges()
        changes.name = "   "
        XCTAssertEqual(refusal(changes), "name")
        changes = BusinessSettingsChanges()
        changes.timeZone = "Mars/Olympus"
        XCTAssertEqual(refusal(changes), "time_zone")
        changes = BusinessSettingsChanges()
        changes.email = "nope"
        XCTAssertEqual(refusal(changes), "email")
        changes = BusinessSettingsChanges()
        changes.sendWindow = SendWindow(start: "18:00", end: "08:00", weekdays: [1])
        XCTAssertEqual(refusal(changes), "send_window")
        changes.sendWindow = SendWindow(start: "08:00", end: "18:00", weekdays: [0, 8])
        XCTAssertEqual(refusal(changes), "send_window.weekdays")
    }

    func testWeekdaysAreSortedAndUnique() throws {
        var changes = BusinessSettingsChanges()
        changes.sendWindow = SendWindow(start: "07:30", end: "19:00", weekdays: [5, 1, 5, 3])
        XCTAssertEqual(try SettingsRules.apply(changes, to: .initial).sendWindow.weekdays, [1, 3, 5])
    }

    func testPasswordsNeedTwelveCharactersAndFitBcrypt() {
        XCTAssertThrowsError(try PasswordPolicy.check("short-pass1"))
        XCTAssertNoThrow(try PasswordPolicy.check("twelve chars"))
        XCTAssertThrowsError(try PasswordPolicy.check(String(repeating: "é", count: 40)))  // 80 bytes
    }
}
