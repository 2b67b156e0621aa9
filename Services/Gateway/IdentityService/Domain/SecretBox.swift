import Crypto
import Foundation

/// Seals small secrets the identity service must read back (TOTP secrets) with AES-GCM
/// under the gateway's data key, so the database alone never reveals them. Sealed text is
/// `v1:` + base64(nonce ‖ ciphertext ‖ tag); text without the prefix was stored before
/// sealing existed and is read as it is (it is sealed at its next change).
struct SecretBox: Sendable {
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    init(key: [UInt8]) { keyBytes = key }

    func seal(_ plaintext: String) throws -> String {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: key)
        guard let combined = box.combined else { throw SecretBoxError.sealFailed }
        return "v1:" + combined.base64EncodedString()
    }

    func open(_ stored: String) throws -> String {
        guard stored.hasPrefix("v1:") else { return stored }
        guard let data = Data(base64Encoded: String(stored.dropFirst(3))) else { throw SecretBoxError.malformed }
        let plaintext = try AES.GCM.open(try AES.GCM.SealedBox(combined: data), using: key)
        return String(decoding: plaintext, as: UTF8.self)
    }

    enum SecretBoxError: Error { case sealFailed, malformed }
}
