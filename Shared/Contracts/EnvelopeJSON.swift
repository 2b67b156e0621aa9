import Foundation

/// The envelope's JSON, written and read by hand: it frames every message, so it is the
/// hottest JSON in the system. The output is exactly what `ContractJSON` produces for an
/// `Envelope` (sorted keys, absent optionals omitted); the golden tests pin both.
extension Envelope {
    /// The envelope as compact JSON bytes.
    public func jsonBytes() -> [UInt8] {
        var out = JSONWriter()
        out.beginObject()
        if let actor {
            out.key("actor")
            out.beginObject()
            if let apiTokenId = actor.apiTokenId { out.field("api_token_id", apiTokenId) }
            if let name = actor.name { out.field("name", name) }
            out.field("role", actor.role)
            if let userId = actor.userId { out.field("user_id", userId.description) }
            out.endObject()
        }
        if let causationId { out.field("causation_id", causationId.description) }
        if let correlationId { out.field("correlation_id", correlationId.description) }
        if let deadline { out.field("deadline", RFC3339.string(from: deadline)) }
        out.field("id", id.description)
        if let idempotencyKey { out.field("idempotency_key", idempotencyKey) }
        out.field("kind", kind.rawValue)
        if let publisher { out.field("publisher", publisher) }
        out.field("sent_at", RFC3339.string(from: sentAt))
        if let seq { out.field("seq", seq) }
        if let status { out.field("status", status.rawValue) }
        if let traceparent { out.field("traceparent", traceparent) }
        out.field("type", type)
        out.field("v", Int64(v))
        out.endObject()
        return out.bytes
    }

    /// Reads an envelope; the error names the field that is missing or wrong.
    public init(jsonBytes: [UInt8]) throws(EnvelopeError) {
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(jsonBytes)) as? [String: Any] else {
                throw EnvelopeError("the envelope must be a JSON object")
            }
            object = parsed
        } catch let error as EnvelopeError {
            throw error
        } catch {
            throw EnvelopeError("not valid JSON")
        }
        var fields = FieldReader(object: object)
        v = try fields.required("v", Int.self)
        guard let kind = MessageKind(rawValue: try fields.required("kind", String.self)) else {
            throw EnvelopeError("kind must be one of command, query, reply, event")
        }
        self.kind = kind
        type = try fields.required("type", String.self)
        id = try fields.requiredID("id")
        correlationId = try fields.optionalID("correlation_id")
        causationId = try fields.optionalID("causation_id")
        guard let sentAt = RFC3339.date(from: try fields.required("sent_at", String.self)) else {
            throw EnvelopeError("sent_at must be an RFC 3339 instant")
        }
        self.sentAt = sentAt
        traceparent = try fields.optional("traceparent", String.self)
        idempotencyKey = try fields.optional("idempotency_key", String.self)
        if let text = try fields.optional("deadline", String.self) {
            guard let deadline = RFC3339.date(from: text) else { throw EnvelopeError("deadline must be an RFC 3339 instant") }
            self.deadline = deadline
        } else {
            deadline = nil
        }
        if let status = try fields.optional("status", String.self) {
            guard let value = ReplyStatus(rawValue: status) else { throw EnvelopeError("status must be ok or error") }
            self.status = value
        } else {
            status = nil
        }
        publisher = try fields.optional("publisher", String.self)
        seq = try fields.optional("seq", Int64.self)
        if let actorObject = object["actor"], !(actorObject is NSNull) {
            guard let actorFields = actorObject as? [String: Any] else { throw EnvelopeError("actor must be an object") }
            var reader = FieldReader(object: actorFields, prefix: "actor.")
            actor = Actor(userId: try reader.optionalID("user_id").map { UserID($0.uuid) },
                          role: try reader.required("role", String.self),
                          name: try reader.optional("name", String.self),
                          apiTokenId: try reader.optional("api_token_id", String.self))
        } else {
            actor = nil
        }
    }
}

/// Why an envelope could not be read.
public struct EnvelopeError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

private struct FieldReader {
    let object: [String: Any]
    var prefix = ""

    func optional<T>(_ key: String, _ type: T.Type) throws(EnvelopeError) -> T? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        if T.self == Int.self || T.self == Int64.self {
            // JSONSerialization gives NSNumber for booleans and fractions too: accept integers only.
            guard let number = value as? NSNumber, !["c", "d", "f"].contains(String(cString: number.objCType)) else {
                throw EnvelopeError("\(prefix)\(key) must be an integer")
            }
            return (T.self == Int.self ? number.intValue as Any : number.int64Value as Any) as? T
        }
        guard let typed = value as? T else { throw EnvelopeError("\(prefix)\(key) must be a \(T.self)") }
        return typed
    }

    func required<T>(_ key: String, _ type: T.Type) throws(EnvelopeError) -> T {
        guard let value = try optional(key, type) else { throw EnvelopeError("\(prefix)\(key) is required") }
        return value
    }

    func optionalID(_ key: String) throws(EnvelopeError) -> MessageID? {
        guard let text = try optional(key, String.self) else { return nil }
        guard let id = MessageID(text) else { throw EnvelopeError("\(prefix)\(key) must be a UUID") }
        return id
    }

    func requiredID(_ key: String) throws(EnvelopeError) -> MessageID {
        guard let id = try optionalID(key) else { throw EnvelopeError("\(prefix)\(key) is required") }
        return id
    }
}

/// Appends compact JSON to a byte buffer.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    private var needsComma = false

    init() { bytes.reserveCapacity(256) }

    mutating func beginObject() {
        comma()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    mutating func key(_ key: String) {
        comma()
        string(key)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func field(_ name: String, _ value: String) {
        key(name)
        string(value)
        needsComma = true
    }

    mutating func field(_ name: String, _ value: Int64) {
        key(name)
        bytes.append(contentsOf: String(value).utf8)
        needsComma = true
    }

    private mutating func comma() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func string(_ value: String) {
        let hex = Array("0123456789abcdef".utf8)
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
            case 0x0A: bytes.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0x08: bytes.append(contentsOf: [92, UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [92, UInt8(ascii: "f")])
            case 0..<0x20:
                bytes.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 0xf)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
