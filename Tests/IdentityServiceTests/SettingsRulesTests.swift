import Contracts
import HummingbirdBcrypt
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

    /// 12 to 1,024 code points, as the API document's minLength/maxLength count them.
    func testPasswordsAreCountedInCodePoints() {
        XCTAssertThrowsError(try PasswordPolicy.check("short-pass1"))
        XCTAssertNoThrow(try PasswordPolicy.check("twelve chars"))
        XCTAssertNoThrow(try PasswordPolicy.check(String(repeating: "é", count: 40)), "80 bytes: bcrypt hashes the SHA-256")
        XCTAssertNoThrow(try PasswordPolicy.check(String(repeating: "e\u{301}", count: 6)), "6 characters, 12 code points")
        XCTAssertNoThrow(try PasswordPolicy.check(String(repeating: "x", count: TextLimit.password)))
        XCTAssertThrowsError(try PasswordPolicy.check(String(repeating: "x", count: TextLimit.password + 1)))
    }

    /// A long passphrase is hashed whole: two that differ only after byte 72 differ.
    func testEveryCharacterOfALongPassphraseCounts() {
        let base = String(repeating: "correct horse battery staple ", count: 4)
        let hash = Secrets.hashPassword(base + "one")
        XCTAssertTrue(Secrets.verify(base + "one", against: hash))
        XCTAssertFalse(Secrets.verify(base + "two", against: hash))
    }

    /// Hashes stored before prehashing (bcrypt of the password itself) still sign in.
    func testAPasswordHashedBeforePrehashingStillVerifies() {
        let legacy = Bcrypt.hash("an older password", cost: 4)
        XCTAssertTrue(Secrets.verify("an older password", against: legacy))
        XCTAssertFalse(Secrets.verify("another password", against: legacy))
    }
}
