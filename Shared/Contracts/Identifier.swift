import Foundation

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

    public var description: String { uuid.uuidString.lowercased() }

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
    /// opens, reads and closes `/dev/urandom` for every id on Linux; this is one
    /// `getrandom` call, and every message and record id is made here.
    public static func random() -> UUID {
        var generator = SystemRandomNumberGenerator()
        var bytes = (generator.next() as UInt64, generator.next() as UInt64)
        return withUnsafeMutableBytes(of: &bytes) { raw in
            raw[6] = (raw[6] & 0x0F) | 0x40  // version 4
            raw[8] = (raw[8] & 0x3F) | 0x80  // RFC 4122 variant
            return UUID(uuid: (raw[0], raw[1], raw[2], raw[3], raw[4], raw[5], raw[6], raw[7],
                               raw[8], raw[9], raw[10], raw[11], raw[12], raw[13], raw[14], raw[15]))
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
