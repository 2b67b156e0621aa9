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
        guard let parsed = EnvelopeJSONReader.parse(jsonBytes) else { throw EnvelopeError("not valid JSON") }
        guard case .object(let object) = parsed else { throw EnvelopeError("the envelope must be a JSON object") }
        let fields = FieldReader(object: object)
        guard let version = Int(exactly: try fields.requiredInteger("v")) else { throw EnvelopeError("v must be an integer") }
        v = version
        guard let kind = MessageKind(rawValue: try fields.requiredString("kind")) else {
            throw EnvelopeError("kind must be one of command, query, reply, event")
        }
        self.kind = kind
        type = try fields.requiredString("type")
        id = try fields.requiredID("id")
        correlationId = try fields.optionalID("correlation_id")
        causationId = try fields.optionalID("causation_id")
        guard let sentAt = RFC3339.date(from: try fields.requiredString("sent_at")) else {
            throw EnvelopeError("sent_at must be an RFC 3339 instant")
        }
        self.sentAt = sentAt
        traceparent = try fields.optionalString("traceparent")
        idempotencyKey = try fields.optionalString("idempotency_key")
        if let text = try fields.optionalString("deadline") {
            guard let deadline = RFC3339.date(from: text) else { throw EnvelopeError("deadline must be an RFC 3339 instant") }
            self.deadline = deadline
        } else {
            deadline = nil
        }
        if let status = try fields.optionalString("status") {
            guard let value = ReplyStatus(rawValue: status) else { throw EnvelopeError("status must be ok or error") }
            self.status = value
        } else {
            status = nil
        }
        publisher = try fields.optionalString("publisher")
        seq = try fields.optionalInteger("seq")
        switch object["actor"] {
        case nil, .null?:
            actor = nil
        case .object(let actorFields)?:
            let reader = FieldReader(object: actorFields, prefix: "actor.")
            actor = Actor(userId: try reader.optionalID("user_id").map { UserID($0.uuid) },
                          role: try reader.requiredString("role"),
                          name: try reader.optionalString("name"),
                          apiTokenId: try reader.optionalString("api_token_id"))
        case _?:
            throw EnvelopeError("actor must be an object")
        }
    }
}

/// Why an envelope could not be read.
public struct EnvelopeError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// The envelope's members, typed as the envelope reads them.
private struct FieldReader {
    let object: [String: EnvelopeJSONReader.Value]
    var prefix = ""

    func optionalString(_ key: String) throws(EnvelopeError) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case _?: throw EnvelopeError("\(prefix)\(key) must be a String")
        }
    }

    func requiredString(_ key: String) throws(EnvelopeError) -> String {
        guard let text = try optionalString(key) else { throw EnvelopeError("\(prefix)\(key) is required") }
        return text
    }

    /// Integers only: booleans and numbers with a fraction or exponent are refused.
    func optionalInteger(_ key: String) throws(EnvelopeError) -> Int64? {
        switch object[key] {
        case nil, .null?: return nil
        case .integer(let number)?: return number
        case _?: throw EnvelopeError("\(prefix)\(key) must be an integer")
        }
    }

    func requiredInteger(_ key: String) throws(EnvelopeError) -> Int64 {
        guard let number = try optionalInteger(key) else { throw EnvelopeError("\(prefix)\(key) is required") }
        return number
    }

    func optionalID(_ key: String) throws(EnvelopeError) -> MessageID? {
        guard let text = try optionalString(key) else { return nil }
        guard let id = MessageID(text) else { throw EnvelopeError("\(prefix)\(key) must be a UUID") }
        return id
    }

    func requiredID(_ key: String) throws(EnvelopeError) -> MessageID {
        guard let id = try optionalID(key) else { throw EnvelopeError("\(prefix)\(key) is required") }
        return id
    }
}

/// Reads one JSON text (RFC 8259, strictly) into what the envelope needs: strings,
/// integers, null and objects; any other valid value (true, false, a fraction, an array)
/// is kept only as `other`, so that a member of the wrong type is named, and members the
/// envelope does not know are skipped whatever they hold; an object with a member name
/// twice is refused. It replaces JSONSerialization,
/// which built a tree of Foundation objects for every message.
struct EnvelopeJSONReader {
    indirect enum Value: Equatable {
        case string(String)
        case integer(Int64)
        case null
        case object([String: Value])
        case other
    }

    /// The value of the whole text; nil when it is not valid JSON.
    static func parse(_ bytes: [UInt8]) -> Value? {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = EnvelopeJSONReader(bytes: buffer)
            guard let value = reader.value(depth: 0) else { return nil }
            reader.skipWhitespace()
            return reader.index == buffer.count ? value : nil
        }
    }

    /// Nesting deeper than this is refused (no envelope nests more than twice).
    private static let maximumDepth = 32
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private mutating func value(depth: Int) -> Value? {
        guard depth < Self.maximumDepth else { return nil }
        skipWhitespace()
        switch current {
        case UInt8(ascii: "{")?: return object(depth: depth)
        case UInt8(ascii: "[")?: return array(depth: depth)
        case UInt8(ascii: "\"")?: return string().map(Value.string)
        case UInt8(ascii: "t")?: return literal("true") ? .other : nil
        case UInt8(ascii: "f")?: return literal("false") ? .other : nil
        case UInt8(ascii: "n")?: return literal("null") ? .null : nil
        case let byte? where byte == UInt8(ascii: "-") || (0x30...0x39).contains(byte): return number()
        default: return nil
        }
    }

    private mutating func object(depth: Int) -> Value? {
        index += 1  // {
        var members: [String: Value] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\""), let key = string() else { return nil }
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { return nil }
            index += 1
            // A name twice: which one counts is undefined (RFC 8259 §4), so neither does.
            guard let member = value(depth: depth + 1), members.updateValue(member, forKey: key) == nil else { return nil }
            skipWhitespace()
            switch current {
            case UInt8(ascii: ",")?: index += 1
            case UInt8(ascii: "}")?:
                index += 1
                return .object(members)
            default: return nil
            }
        }
    }

    private mutating func array(depth: Int) -> Value? {
        index += 1  // [
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            index += 1
            return .other
        }
        while true {
            guard value(depth: depth + 1) != nil else { return nil }
            skipWhitespace()
            switch current {
            case UInt8(ascii: ",")?: index += 1
            case UInt8(ascii: "]")?:
                index += 1
                return .other
            default: return nil
            }
        }
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
        index += count
        return true
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`: an integer when it has
    /// neither fraction nor exponent and fits 64 bits, otherwise `other`.
    private mutating func number() -> Value? {
        let start = index
        if current == UInt8(ascii: "-") { index += 1 }
        guard let first = current, (0x30...0x39).contains(first) else { return nil }
        index += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        var integral = true
        if current == UInt8(ascii: ".") {
            index += 1
            guard skipDigits() > 0 else { return nil }
            integral = false
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard skipDigits() > 0 else { return nil }
            integral = false
        }
        guard integral, let value = Int64(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)) else {
            return .other
        }
        return .integer(value)
    }

    @discardableResult
    private mutating func skipDigits() -> Int {
        let start = index
        while let byte = current, (0x30...0x39).contains(byte) { index += 1 }
        return index - start
    }

    /// A string starting at its opening quote; nil for a control character, a bad escape,
    /// a lone surrogate or bytes that are not UTF-8.
    private mutating func string() -> String? {
        index += 1  // "
        let start = index
        while let byte = current, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else { return nil }
            index += 1
        }
        guard let stop = current else { return nil }
        if stop == UInt8(ascii: "\"") {
            let text = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            index += 1
            return text
        }
        var unescaped = Array(bytes[start..<index])
        while let byte = current {
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(validating: unescaped, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escaped = current else { return nil }
                index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): unescaped.append(escaped)
                case UInt8(ascii: "b"): unescaped.append(0x08)
                case UInt8(ascii: "f"): unescaped.append(0x0C)
                case UInt8(ascii: "n"): unescaped.append(0x0A)
                case UInt8(ascii: "r"): unescaped.append(0x0D)
                case UInt8(ascii: "t"): unescaped.append(0x09)
                case UInt8(ascii: "u"):
                    guard let scalar = unicodeEscape() else { return nil }
                    unescaped.append(contentsOf: String(Character(scalar)).utf8)
                default: return nil
                }
            case 0..<0x20:
                return nil
            default:
                unescaped.append(byte)
            }
        }
        return nil
    }

    /// After a backslash and `u`: four hex digits, and for a high surrogate the low one that follows.
    private mutating func unicodeEscape() -> Unicode.Scalar? {
        guard let high = hex4() else { return nil }
        if (0xD800...0xDBFF).contains(high) {
            guard current == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else { return nil }
            index += 2
            guard let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
        }
        return Unicode.Scalar(high)  // nil for a lone low surrogate
    }

    private mutating func hex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
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
        bytes.append(UInt8(ascii: "\""))
        // Ids, types, instants: nearly every string needs no escape and is copied whole.
        guard value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            bytes.append(contentsOf: value.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        let hex: StaticString = "0123456789abcdef"
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
                bytes.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex.utf8Start[Int(byte >> 4)], hex.utf8Start[Int(byte & 0xf)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
