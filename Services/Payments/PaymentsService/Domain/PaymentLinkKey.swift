import Crypto
import Foundation

/// How a payment link's token is made and checked. A token is 16 random bytes (the link's
/// id) and the first 16 bytes of their HMAC-SHA256 under the link key, base64url (43
/// characters). payments-service stores the id and the token's SHA-256, never the token:
/// the URL can be shown again (derived from the id with the key), a database alone can
/// neither make nor read a working link, and a forged token is refused before any lookup.
public struct PaymentLinkKey: Sendable {
    private let bytes: [UInt8]

    /// `bytes`: 32 bytes (`SecretKeyFile.paymentLinks`).
    public init(bytes: [UInt8]) throws {
        guard bytes.count == 32 else { throw PaymentLinkKeyError() }
        self.bytes = bytes
    }

    struct PaymentLinkKeyError: Error, CustomStringConvertible {
        var description: String { "a payment link key is 32 bytes" }
    }

    /// A new link id: 128 random bits, hex.
    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return hex((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// The token of link id `id` (hex, 32 digits).
    func token(for id: String) -> String {
        let idBytes = Self.bytes(hex: id)
        return Self.base64URL(idBytes + Array(mac(idBytes).prefix(16)))
    }

    /// The link id a token carries, when its MAC is right; nil for anything else.
    func id(of token: String) -> String? {
        guard token.utf8.count == 43, let raw = Self.bytes(base64URL: token), raw.count == 32 else { return nil }
        let id = Array(raw.prefix(16))
        let expected = Array(mac(id).prefix(16))
        // Constant time: every byte compared, whatever the first difference.
        let difference = zip(expected, raw.suffix(16)).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) }
        return difference == 0 ? Self.hex(id) : nil
    }

    /// What is stored to find a link by its token: SHA-256, hex.
    static func hash(_ token: String) -> String {
        hex(Array(SHA256.hash(data: Data(token.utf8))))
    }

    private func mac(_ id: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array("payment-link:v1:".utf8) + id, using: SymmetricKey(data: bytes)))
    }

    private static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    private static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var iterator = hex.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            guard let h = nibble(high), let l = nibble(low) else { return [] }
            out.append(h << 4 | l)
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        default: return nil
        }
    }

    private static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func bytes(base64URL text: String) -> [UInt8]? {
        guard text.utf8.allSatisfy({ $0 < 128 && (isalnum(Int32($0)) != 0 || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")) })
        else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.utf8.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard).map(Array.init)
    }
}
