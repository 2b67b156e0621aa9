import Crypto
import Foundation
import HummingbirdBcrypt

/// Passwords and tokens: what is stored is never what was typed or handed out.
enum Secrets {
    /// bcrypt cost; 12 is the floor (about a quarter of a second here).
    static let bcryptCost: UInt8 = 12

    /// Marks a hash of the password's SHA-256 (see `hashPassword`).
    private static let prehashedMark = "sha256$"

    /// bcrypt reads at most 72 bytes, so the password is first reduced to its SHA-256
    /// (base64, 44 bytes): every character of a long passphrase counts, and the length
    /// limit is one a client can check (code points, `PasswordPolicy`).
    static func hashPassword(_ password: String) -> String {
        prehashedMark + Bcrypt.hash(prehash(password), cost: bcryptCost)
    }

    /// Checks a password against a stored hash: a prehashed one, or one stored before
    /// prehashing (bcrypt of the password itself, which was at most 72 bytes).
    static func verify(_ password: String, against hash: String) -> Bool {
        if hash.hasPrefix(prehashedMark) {
            return Bcrypt.verify(prehash(password), hash: String(hash.dropFirst(prehashedMark.count)))
        }
        guard password.utf8.count <= 72 else { return false }
        return Bcrypt.verify(password, hash: hash)
    }

    private static func prehash(_ password: String) -> String {
        Data(SHA256.hash(data: Data(password.utf8))).base64EncodedString()
    }

    /// A hash to verify against when the email is unknown, so both paths cost the same.
    static let decoyHash = hashPassword("decoy password that matches nothing")

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
