import Crypto
import Foundation
import HummingbirdBcrypt

/// Passwords and tokens: what is stored is never what was typed or handed out.
enum Secrets {
    /// bcrypt cost; 12 is the floor (about a quarter of a second here).
    static let bcryptCost: UInt8 = 12

    static func hashPassword(_ password: String) -> String { Bcrypt.hash(password, cost: bcryptCost) }

    static func verify(_ password: String, against hash: String) -> Bool { Bcrypt.verify(password, hash: hash) }

    /// A hash to verify against when the email is unknown, so both paths cost the same.
    static let decoyHash = Bcrypt.hash("decoy password that matches nothing", cost: bcryptCost)

    /// A new opaque token: 256 random bits, base64url.
    static func newToken(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let text = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return prefix + text
    }

    /// How a token is stored: SHA-256, hex. (Tokens are random; no salt or stretching needed.)
    static func tokenHash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The key failures are counted under: the email, trimmed and lower-cased.
    static func emailKey(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}
