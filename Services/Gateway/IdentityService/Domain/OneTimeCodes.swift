import Contracts
import Foundation
import HummingbirdOTP

/// Time-based one-time codes (RFC 6238: 6 digits, 30 s, SHA-1 — what authenticator apps use).
enum OneTimeCodes {
    static let issuer = "Ledgerline AR"

    /// A new secret: 20 random characters from an unambiguous alphabet.
    /// A code as a person types it: six digits; anything else is `invalid_argument`.
    static func wellFormed(_ code: String?) throws(ErrorBody) -> String {
        guard let code, code.utf8.count == 6, code.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw .invalidArgument("code must be the six digits the authenticator app shows", field: "code")
        }
        return code
    }

    /// A well-formed code that is not the current one: the request was fine, the state
    /// of the authenticator (or its clock) is not (`failed_precondition`, 422).
    static func mismatch(_ message: String) -> ErrorBody {
        ErrorBody(.failedPrecondition, message, details: ["code": message])
    }

    static func newSecret() -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    static func enrollmentURL(secret: String, email: String) -> String {
        TOTP(secret: secret).createAuthenticatorURL(label: "\(issuer):\(email)", issuer: issuer)
    }

    /// The time step `code` is valid for (now, or one step either side for clock drift),
    /// if any and if it is later than `lastUsedStep` (a code works once).
    static func acceptedStep(_ code: String, secret: String, lastUsedStep: Int64?, now: Date = Date()) -> Int64? {
        let digits = code.filter(\.isNumber)
        guard digits.count == 6, let value = Int(digits) else { return nil }
        let totp = TOTP(secret: secret)
        let current = Int64(now.timeIntervalSince1970) / 30
        for step in [current - 1, current, current + 1] where step > (lastUsedStep ?? .min) {
            if totp.compute(date: Date(timeIntervalSince1970: Double(step * 30))) == value { return step }
        }
        return nil
    }
}
