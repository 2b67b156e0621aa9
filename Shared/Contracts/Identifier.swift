import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A typed UUID identifier: `Identifier<CustomerTag>` cannot be passed where an invoice id
/// is expected. Encoded as a lower-case UUID string, as the API promises.
public struct Identifier<Tag>: Hashable, Sendable, Codable, CustomStringConvertible {
    public let uuid: UUID

    public init(_ uuid: UUID = .random()) { self.uuid = uuid }

    /// Parses a UUID string in any case.
    public init?(_ text: String) {
        guard let uuid = UUID.parse(text) else { return nil }
        self.uuid = uuid
    }

    public var description: String { uuid.lowercasedString }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let uuid = UUID.parse(text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "expected a UUID, got \"\(text)\""))
        }
        self.uuid = uuid
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

public enum MessageTag {}
public enum UserTag {}
public enum CustomerTag {}
public enum ContactTag {}
public enum InvoiceTag {}
public enum PaymentTag {}

public typealias MessageID = Identifier<MessageTag>
public typealias UserID = Identifier<UserTag>
public typealias CustomerID = Identifier<CustomerTag>
public typealias ContactID = Identifier<ContactTag>
public typealias InvoiceID = Identifier<InvoiceTag>
public typealias PaymentID = Identifier<PaymentTag>

public enum ActivityTag {}
public enum TaskTag {}
public enum DocumentTag {}
public enum PromiseTag {}
public enum WorkflowTag {}
public enum WorkflowAssignmentTag {}
public enum CollectionStatusTag {}
public enum APITokenTag {}

public typealias ActivityID = Identifier<ActivityTag>
public typealias TaskID = Identifier<TaskTag>
public typealias DocumentID = Identifier<DocumentTag>
public typealias PromiseID = Identifier<PromiseTag>
public typealias WorkflowID = Identifier<WorkflowTag>
public typealias WorkflowAssignmentID = Identifier<WorkflowAssignmentTag>
public typealias CollectionStatusID = Identifier<CollectionStatusTag>
public typealias APITokenID = Identifier<APITokenTag>

public enum PaymentApplicationTag {}
public enum RefundTag {}

public typealias PaymentApplicationID = Identifier<PaymentApplicationTag>
public typealias RefundID = Identifier<RefundTag>

public enum NoteTag {}
public typealias NoteID = Identifier<NoteTag>

extension UUID {
    /// A version 4 (random) UUID from the system's random source. Foundation's `UUID()`
    /// opens, reads and closes `/dev/urandom` for every id on Linux; this is glibc's
    /// `arc4random_buf` (one `getrandom` call, or none), and every message and record id is made here.
    public static func random() -> UUID {
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { raw in
            if let base = raw.baseAddress { arc4random_buf(base, 16) }
            raw[6] = (raw[6] & 0x0F) | 0x40  // version 4
            raw[8] = (raw[8] & 0x3F) | 0x80  // RFC 4122 variant
        }
        return UUID(uuid: bytes)
    }

    /// The lower-case 36-character form (what `uuidString.lowercased()` gives, without
    /// formatting through `sprintf` and then lower-casing).
    public var lowercasedString: String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            let digits: StaticString = "0123456789abcdef"
            var position = 0
            withUnsafeBytes(of: uuid) { raw in
                for (index, byte) in raw.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        buffer[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    buffer[position] = digits.utf8Start[Int(byte >> 4)]
                    buffer[position + 1] = digits.utf8Start[Int(byte & 0x0F)]
                    position += 2
                }
            }
            return 36
        }
    }

    /// Parses the 36-character form (`8-4-4-4-12` hex digits, any case), as
    /// `UUID(uuidString:)` does, without its `sscanf`; nil for anything else.
    public static func parse(_ text: String) -> UUID? {
        var text = text
        return text.withUTF8(parse(bytes:))
    }

    private static func parse(bytes: UnsafeBufferPointer<UInt8>) -> UUID? {
        guard bytes.count == 36 else { return nil }
        var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let parsed = withUnsafeMutableBytes(of: &value) { out -> Bool in
            var index = 0
            for byte in 0..<16 {
                if index == 8 || index == 13 || index == 18 || index == 23 {
                    guard bytes[index] == UInt8(ascii: "-") else { return false }
                    index += 1
                }
                guard let high = hexValue(bytes[index]), let low = hexValue(bytes[index + 1]) else { return false }
                out[byte] = high << 4 | low
                index += 2
            }
            return true
        }
        return parsed ? UUID(uuid: value) : nil
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
