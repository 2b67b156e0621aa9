import Foundation

/// A PostgreSQL type OID, as sent with a parameter. `unknown` (0) lets the server infer it.
public struct PostgresType: RawRepresentable, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let unknown = PostgresType(rawValue: 0)
    public static let bool = PostgresType(rawValue: 16)
    public static let bytea = PostgresType(rawValue: 17)
    public static let int8 = PostgresType(rawValue: 20)
    public static let int4 = PostgresType(rawValue: 23)
    public static let float8 = PostgresType(rawValue: 701)
    public static let date = PostgresType(rawValue: 1082)
    public static let timestamptz = PostgresType(rawValue: 1184)
    public static let uuid = PostgresType(rawValue: 2950)
    public static let jsonb = PostgresType(rawValue: 3802)
}

/// One bound parameter: its type and its text form (`nil` is SQL NULL).
public struct PostgresBinding: Sendable {
    public let type: PostgresType
    public let text: String?
    public init(type: PostgresType, text: String?) {
        self.type = type
        self.text = text
    }
}

/// A Swift value that can be bound as a query parameter.
public protocol PostgresEncodable: Sendable {
    static var postgresType: PostgresType { get }
    /// The value in PostgreSQL's text input format.
    var postgresText: String { get }
}

extension PostgresEncodable {
    var postgresBinding: PostgresBinding { PostgresBinding(type: Self.postgresType, text: postgresText) }
}

/// A Swift value that can be read from a result column (text format).
public protocol PostgresDecodable {
    /// Decodes the column's text form.
    init(postgresText text: String) throws
    /// The value for SQL NULL; throws unless the type is optional.
    static func postgresNull() throws -> Self
}

extension PostgresDecodable {
    public static func postgresNull() throws -> Self {
        throw PostgresError(kind: .decoding, message: "unexpected NULL for a non-optional \(Self.self)")
    }
}

func decodingError<T>(_ text: String, as type: T.Type) -> PostgresError {
    PostgresError(kind: .decoding, message: "cannot read \"\(text.prefix(64))\" as \(T.self)")
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public init(postgresText text: String) throws { self = .some(try Wrapped(postgresText: text)) }
    public static func postgresNull() throws -> Self { nil }
}

extension String: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresType { .unknown }
    public var postgresText: String { self }
    public init(postgresText text: String) { self = text }
}

extension Int64: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresType { .int8 }
    public var postgresText: String { String(self) }
    public init(postgresText text: String) throws {
        guard let value = Int64(text) else { throw decodingError(text, as: Int64.self) }
        self = value
    }
}

extension Int: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresType { .int8 }
    public var postgresText: String { String(self) }
    public init(postgresText text: String) throws {
        guard let value = Int(text) else { throw decodingError(text, as: Int.self) }
        self = value
    }
}

extension Int32: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresType { .int4 }
    public var postgresText: String { String(self) }
    public init(postgresText text: String) throws {
        guard let value = Int32(text) else { throw decodingError(text, as: Int32.self) }
        self = value
    }
}

extension Bool: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresType { .bool }
    public var postgresText: String { self ? "t" : "f" }
    public init(postgresText text: String) throws {
        switch text {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw decodingError(text, as: Bool.self)
        }
    }
}

/// Floating point is for measurements, never money (money is Int64 minor units).
extension Double: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresType { .float8 }
    public var postgresText: String { "\(self)" }
    public init(postgresText text: String) throws {
        guard let value = Double(text) else { throw decodingError(text, as: Double.self) }
        self = value
    }
}

extension UUID: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresType { .uuid }
    public var postgresText: String { uuidString.lowercased() }
    public init(postgresText text: String) throws {
        guard let value = UUID(uuidString: text) else { throw decodingError(text, as: UUID.self) }
        self = value
    }
}

/// Raw bytes, stored as `bytea`.
public struct PostgresBytes: Hashable, Sendable, PostgresEncodable, PostgresDecodable {
    public var bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public static var postgresType: PostgresType { .bytea }
    public var postgresText: String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8](repeating: 0, count: 2 + bytes.count * 2)
        text[0] = UInt8(ascii: "\\")
        text[1] = UInt8(ascii: "x")
        for (index, byte) in bytes.enumerated() {
            text[2 + index * 2] = digits[Int(byte >> 4)]
            text[3 + index * 2] = digits[Int(byte & 0x0f)]
        }
        return String(decoding: text, as: UTF8.self)
    }
    public init(postgresText text: String) throws {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x"), utf8.count % 2 == 0 else {
            throw decodingError(text, as: PostgresBytes.self)
        }
        func nibble(_ c: UInt8) throws -> UInt8 {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: throw decodingError(text, as: PostgresBytes.self)
            }
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity((utf8.count - 2) / 2)
        var index = 2
        while index < utf8.count {
            bytes.append(try nibble(utf8[index]) << 4 | nibble(utf8[index + 1]))
            index += 2
        }
        self.bytes = bytes
    }
}


/// A value that can be bound inside an array parameter (`= ANY($1)`).
public protocol PostgresArrayElement: PostgresEncodable {
    /// The OID of the array type (`uuid[]`, `text[]`).
    static var postgresArrayType: PostgresType { get }
}

extension UUID: PostgresArrayElement {
    public static var postgresArrayType: PostgresType { PostgresType(rawValue: 2951) }
}

extension String: PostgresArrayElement {
    public static var postgresArrayType: PostgresType { PostgresType(rawValue: 1009) }
}

/// An array parameter, in PostgreSQL's array input format: every element double-quoted,
/// `"` and `\` escaped, so no element is read as NULL or splits in two.
extension Array: PostgresEncodable where Element: PostgresArrayElement {
    public static var postgresType: PostgresType { Element.postgresArrayType }
    public var postgresText: String {
        "{" + map { element in
            var quoted = "\""
            for character in element.postgresText.unicodeScalars {
                if character == "\"" || character == "\\" { quoted.unicodeScalars.append("\\") }
                quoted.unicodeScalars.append(character)
            }
            return quoted + "\""
        }.joined(separator: ",") + "}"
    }
}
