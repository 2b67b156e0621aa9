import Foundation

/// `ContractJSON.encode`: the bytes `JSONEncoder` writes with the contract's settings
/// (snake_case keys, sorted keys, unescaped slashes, RFC 3339 instants) — byte for byte,
/// which `ContractEncoderTests` checks against Foundation's — several times faster: each
/// key is converted once per process (by Foundation's own strategy, then remembered),
/// there is no intermediate value tree of existentials, and no dynamic cast per value.
/// Types whose JSON Foundation spells itself (floating point, `Decimal`, `Data`, `URL`)
/// are still written by Foundation.
enum ContractEncoder {
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        try write(value, into: &out, codingPath: [])
        return out
    }

    /// Writes `value`'s JSON at the end of `out`.
    static func write<T: Encodable>(_ value: T, into out: inout [UInt8], codingPath: [any CodingKey]) throws {
        try ValueEncoder.encoded(value, codingPath: codingPath).serialize(into: &out, codingPath: codingPath)
    }

    /// The JSON of the types the contract's `JSONEncoder` treats specially, else nil.
    static func specialJSON<T: Encodable>(_ value: T) throws -> [UInt8]? {
        if T.self == RawJSON.self, let raw = value as? RawJSON { return raw.bytes }
        if T.self == Date.self, let date = value as? Date {
            var out: [UInt8] = []
            appendString(RFC3339.string(from: date), to: &out)
            return out
        }
        if T.self == Double.self || T.self == Float.self || T.self == Decimal.self || T.self == Data.self || T.self == URL.self {
            return Array(try ContractJSON.encoder().encode(value))
        }
        return nil
    }

    // MARK: Keys

    private static let keys = NSLock()
    nonisolated(unsafe) private static var converted: [String: MemberKey] = [:]

    /// A key as the contract writes it, converted by Foundation's `convertToSnakeCase`
    /// the first time it is seen. (Only coding keys come here — a fixed set; a
    /// dictionary's `String` keys are written as they are.)
    static func key(_ name: String) throws -> MemberKey {
        if let known = keys.withLock({ converted[name] }) { return known }
        let json = try JSONEncoder.snakeCaser.encode(OneKey(name: name))
        guard let object = try JSONSerialization.jsonObject(with: json) as? [String: Any], let raw = object.keys.first else {
            throw EncodingError.invalidValue(name, .init(codingPath: [], debugDescription: "the key could not be converted"))
        }
        let key = MemberKey(raw)
        keys.withLock { converted[name] = key }
        return key
    }

    private struct OneKey: Encodable {
        let name: String
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: AnyKey.self)
            try container.encode(0, forKey: AnyKey(stringValue: name))
        }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int?
        init(stringValue: String) { self.stringValue = stringValue }
        init(intValue: Int) { stringValue = "\(intValue)"; self.intValue = intValue }
    }

    // MARK: Strings

    /// A JSON string as Foundation writes one: `"` and `\` escaped, the control
    /// characters as `\b \f \n \r \t` or `\u00xx`, everything else (slashes, non-ASCII) as is.
    static func appendString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var start = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                switch byte {
                case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
                case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
                case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                            hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
                }
                start = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]))
        }
        out.append(UInt8(ascii: "\""))
    }

    static func appendInteger(_ value: some BinaryInteger, to out: inout [UInt8]) {
        out.append(contentsOf: String(value).utf8)
    }
}

extension JSONEncoder {
    /// Only for converting keys (`ContractEncoder.key`, which reads the converted text back).
    fileprivate static let snakeCaser: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }()
}

// MARK: - Storage

/// An object's member name: its text, by which `.sortedKeys` orders and a repeated key
/// is recognised (Foundation compares the text, not the escaped form), and the JSON string
/// written for it.
struct MemberKey: Hashable {
    let raw: [UInt8]
    let quoted: [UInt8]

    init(_ text: String) {
        raw = Array(text.utf8)
        var quoted: [UInt8] = []
        ContractEncoder.appendString(text, to: &quoted)
        self.quoted = quoted
    }
}

/// What one `encode(to:)` call produced: nothing yet, one value, an object or an array.
/// Objects and arrays are reference boxes, so that containers (value types) handed out
/// by `Encoder` all write to the same one.
final class EncodedObject {
    var members: [(key: MemberKey, value: EncodedValue)] = []
}

final class EncodedArray {
    var elements: [EncodedValue] = []
}

enum EncodedValue {
    case json([UInt8])
    case object(EncodedObject)
    case array(EncodedArray)
    /// A value written by a nested `Encoder` (`superEncoder`), read when serialising.
    case encoder(ValueEncoder)

    func serialize(into out: inout [UInt8], codingPath: [any CodingKey]) throws {
        switch self {
        case .json(let bytes):
            out.append(contentsOf: bytes)
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            // Sorted by the key's text (its UTF-8 bytes, before escaping), as `.sortedKeys`
            // does; a key written twice keeps its last value, as JSONEncoder does.
            var seen: [[UInt8]: Int] = [:]
            var members: [(key: MemberKey, value: EncodedValue)] = []
            for member in object.members {
                if let index = seen[member.key.raw] { members[index] = member } else {
                    seen[member.key.raw] = members.count
                    members.append(member)
                }
            }
            members.sort { $0.key.raw.lexicographicallyPrecedes($1.key.raw) }
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: member.key.quoted)
                out.append(UInt8(ascii: ":"))
                try member.value.serialize(into: &out, codingPath: codingPath)
            }
            out.append(UInt8(ascii: "}"))
        case .array(let array):
            out.append(UInt8(ascii: "["))
            for (index, element) in array.elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                try element.serialize(into: &out, codingPath: codingPath)
            }
            out.append(UInt8(ascii: "]"))
        case .encoder(let encoder):
            try encoder.storage.serialize(into: &out, codingPath: codingPath)
        }
    }
}

extension Optional where Wrapped == EncodedValue {
    /// An `encode(to:)` that wrote nothing is an empty object, as with JSONEncoder.
    func serialize(into out: inout [UInt8], codingPath: [any CodingKey]) throws {
        guard let value = self else {
            out.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")])
            return
        }
        try value.serialize(into: &out, codingPath: codingPath)
    }
}

// MARK: - Encoder

final class ValueEncoder: Encoder {
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var storage: EncodedValue?

    init(codingPath: [any CodingKey]) { self.codingPath = codingPath }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let object: EncodedObject
        if case .object(let existing) = storage { object = existing } else {
            object = EncodedObject()
            storage = .object(object)
        }
        return KeyedEncodingContainer(KeyedContainer<Key>(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let array: EncodedArray
        if case .array(let existing) = storage { array = existing } else {
            array = EncodedArray()
            storage = .array(array)
        }
        return UnkeyedContainer(array: array, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleContainer(encoder: self) }

    /// `value`'s JSON, for a container to keep.
    static func encoded<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws -> EncodedValue {
        if let special = try ContractEncoder.specialJSON(value) { return .json(special) }
        if let dictionary = value as? any StringKeyedDictionary { return .object(try dictionary.encodedObject(codingPath: codingPath)) }
        let encoder = ValueEncoder(codingPath: codingPath)
        try value.encode(to: encoder)
        return encoder.storage ?? .json([UInt8(ascii: "{"), UInt8(ascii: "}")])
    }
}

/// A dictionary with `String` keys: JSONEncoder writes its keys as they are, never
/// converted to snake_case (other dictionaries go through their keyed container).
protocol StringKeyedDictionary {
    func encodedObject(codingPath: [any CodingKey]) throws -> EncodedObject
}

extension Dictionary: StringKeyedDictionary where Key == String, Value: Encodable {
    func encodedObject(codingPath: [any CodingKey]) throws -> EncodedObject {
        let object = EncodedObject()
        for (key, value) in self {
            object.members.append((MemberKey(key), try ValueEncoder.encoded(value, codingPath: codingPath + [ContractEncoder.AnyKey(stringValue: key)])))
        }
        return object
    }
}

private func json(_ build: (inout [UInt8]) -> Void) -> EncodedValue {
    var out: [UInt8] = []
    build(&out)
    return .json(out)
}

private let null = Array("null".utf8)
private let trueBytes = Array("true".utf8)
private let falseBytes = Array("false".utf8)

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let object: EncodedObject
    let codingPath: [any CodingKey]

    private func put(_ value: EncodedValue, _ key: Key) throws {
        object.members.append((try ContractEncoder.key(key.stringValue), value))
    }

    mutating func encodeNil(forKey key: Key) throws { try put(.json(null), key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try put(.json(value ? trueBytes : falseBytes), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { try put(json { ContractEncoder.appendString(value, to: &$0) }, key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try put(json { ContractEncoder.appendInteger(value, to: &$0) }, key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try put(json { ContractEncoder.appendInteger(value, to: &$0) }, key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try put(json { ContractEncoder.appendInteger(value, to: &$0) }, key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try put(json { ContractEncoder.appendInteger(value, to: &$0) }, key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try put(json { ContractEncoder.appendInteger(value, to: &$0) }, key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try put(json { ContractEncoder.appendInteger(value, to: &$0) }, key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try put(json { ContractEncoder.appendInteger(value, to: &$0) }, key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try put(json { ContractEncoder.appendInteger(value, to: &$0) }, key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try put(json { ContractEncoder.appendInteger(value, to: &$0) }, key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try put(json { ContractEncoder.appendInteger(value, to: &$0) }, key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try put(.json(try ContractEncoder.specialJSON(value) ?? []), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try put(.json(try ContractEncoder.specialJSON(value) ?? []), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try put(try ValueEncoder.encoded(value, codingPath: codingPath + [key]), key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = EncodedObject()
        object.members.append(((try? ContractEncoder.key(key.stringValue)) ?? MemberKey(key.stringValue), .object(nested)))
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(object: nested, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = EncodedArray()
        object.members.append(((try? ContractEncoder.key(key.stringValue)) ?? MemberKey(key.stringValue), .array(nested)))
        return UnkeyedContainer(array: nested, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        let encoder = ValueEncoder(codingPath: codingPath + [ContractEncoder.AnyKey(stringValue: "super")])
        object.members.append((MemberKey("super"), .encoder(encoder)))
        return encoder
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let encoder = ValueEncoder(codingPath: codingPath + [key])
        object.members.append(((try? ContractEncoder.key(key.stringValue)) ?? MemberKey(key.stringValue), .encoder(encoder)))
        return encoder
    }
}

/// The value-writing half the unkeyed and single-value containers share: each value
/// becomes an `EncodedValue` handed to `put`, a nested one encoded at `valuePath`.
private protocol ValueWriting {
    func put(_ value: EncodedValue)
    var valuePath: [any CodingKey] { get }
}

extension ValueWriting {
    mutating func encodeNil() throws { put(.json(null)) }
    mutating func encode(_ value: Bool) throws { put(.json(value ? trueBytes : falseBytes)) }
    mutating func encode(_ value: String) throws { put(json { ContractEncoder.appendString(value, to: &$0) }) }
    mutating func encode(_ value: Int) throws { put(json { ContractEncoder.appendInteger(value, to: &$0) }) }
    mutating func encode(_ value: Int8) throws { put(json { ContractEncoder.appendInteger(value, to: &$0) }) }
    mutating func encode(_ value: Int16) throws { put(json { ContractEncoder.appendInteger(value, to: &$0) }) }
    mutating func encode(_ value: Int32) throws { put(json { ContractEncoder.appendInteger(value, to: &$0) }) }
    mutating func encode(_ value: Int64) throws { put(json { ContractEncoder.appendInteger(value, to: &$0) }) }
    mutating func encode(_ value: UInt) throws { put(json { ContractEncoder.appendInteger(value, to: &$0) }) }
    mutating func encode(_ value: UInt8) throws { put(json { ContractEncoder.appendInteger(value, to: &$0) }) }
    mutating func encode(_ value: UInt16) throws { put(json { ContractEncoder.appendInteger(value, to: &$0) }) }
    mutating func encode(_ value: UInt32) throws { put(json { ContractEncoder.appendInteger(value, to: &$0) }) }
    mutating func encode(_ value: UInt64) throws { put(json { ContractEncoder.appendInteger(value, to: &$0) }) }
    mutating func encode(_ value: Double) throws { put(.json(try ContractEncoder.specialJSON(value) ?? [])) }
    mutating func encode(_ value: Float) throws { put(.json(try ContractEncoder.specialJSON(value) ?? [])) }
    mutating func encode<T: Encodable>(_ value: T) throws { put(try ValueEncoder.encoded(value, codingPath: valuePath)) }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer, ValueWriting {
    let array: EncodedArray
    let codingPath: [any CodingKey]
    var count: Int { array.elements.count }

    func put(_ value: EncodedValue) { array.elements.append(value) }
    private var indexKey: any CodingKey { ContractEncoder.AnyKey(intValue: count) }
    var valuePath: [any CodingKey] { codingPath + [indexKey] }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = EncodedObject()
        let path = codingPath + [indexKey]
        put(.object(nested))
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(object: nested, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = EncodedArray()
        let path = codingPath + [indexKey]
        put(.array(nested))
        return UnkeyedContainer(array: nested, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let encoder = ValueEncoder(codingPath: codingPath + [indexKey])
        put(.encoder(encoder))
        return encoder
    }
}

private struct SingleContainer: SingleValueEncodingContainer, ValueWriting {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }
    var valuePath: [any CodingKey] { codingPath }

    func put(_ value: EncodedValue) { encoder.storage = value }
}

/// JSON a service already holds in the contract's dialect — built by PostgreSQL, say —
/// that `ContractJSON.encode` splices in as it is, instead of decoding it into values only
/// to encode them again. (Foundation's `JSONEncoder` cannot splice bytes: for it, the
/// JSON is parsed and encoded as `JSONValue`.)
public struct RawJSON: Encodable, Sendable {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// A JSON array of `elements`, each already JSON.
    public init<Element: Sequence<UInt8>>(array elements: [Element]) {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: element)
        }
        bytes.append(UInt8(ascii: "]"))
        self.bytes = bytes
    }

    public func encode(to encoder: any Encoder) throws {
        try JSONDecoder().decode(JSONValue.self, from: Data(bytes)).encode(to: encoder)
    }
}
