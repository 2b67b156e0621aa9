import Foundation

/// The one JSON dialect of every message body and the HTTP API: `snake_case` keys,
/// instants as RFC 3339 UTC with microseconds, keys sorted so equal values encode to
/// equal bytes.
public enum ContractJSON {
    /// A new encoder with the contract's settings (encoders are cheap; not shared across threads).
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.string(from: date))
        }
        return encoder
    }

    /// A new decoder with the contract's settings.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.date(from: text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "expected an RFC 3339 instant, got \"\(text)\"")
            }
            return date
        }
        return decoder
    }

    /// Encodes a value to bytes: what `encoder()` writes, byte for byte (`ContractEncoder`).
    public static func encode(_ value: some Encodable) throws -> [UInt8] {
        try ContractEncoder.encode(value)
    }

    /// Decodes a value from bytes. Text containing the NUL character is refused before
    /// decoding: PostgreSQL, libpq and bcrypt would each cut a string short at it.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        if containsNUL(bytes) { throw NULCharacterError() }
        return try decoder().decode(type, from: Data(bytes))
    }

    /// Text in a body may not contain U+0000.
    public struct NULCharacterError: Error, CustomStringConvertible {
        public var description: String { "text must not contain the NUL character (\\u0000)" }
    }

    /// Whether JSON text holds a NUL character: raw, or escaped as `\u0000` inside a string
    /// (an escaped backslash followed by `u0000` is not one).
    static func containsNUL(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case 0:
                return true
            case UInt8(ascii: "\\"):
                if index + 5 < bytes.count, bytes[index + 1] == UInt8(ascii: "u"),
                   bytes[(index + 2)...(index + 5)].allSatisfy({ $0 == UInt8(ascii: "0") }) {
                    return true
                }
                index += 2  // the escaped character, whatever it is
            default:
                index += 1
            }
        }
        return false
    }

    /// A person-readable account of a decoding error that names the field as the wire
    /// does (`customer.display_name is required`).
    public static func explain(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { key in key.intValue.map { "[\($0)]" } ?? snakeCase(key.stringValue) }
            return keys.isEmpty ? "the body" : keys.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = context.codingPath.isEmpty ? "" : path(context) + "."
            return "\(parent)\(snakeCase(key.stringValue)) is required"
        case .typeMismatch(let type, let context):
            return "\(path(context)) must be \(describe(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context)) must be \(describe(type)), not null"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "the body is not valid JSON" }
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    /// The wire name of the field a decoding error is about (`billing_address.city`), if any.
    public static func field(of error: any Error) -> String? {
        guard let error = error as? DecodingError else { return nil }
        let path: [any CodingKey]
        switch error {
        case .keyNotFound(let key, let context): path = context.codingPath + [key]
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): path = context.codingPath
        @unknown default: return nil
        }
        guard !path.isEmpty else { return nil }
        return path.map { key in key.intValue.map { "[\($0)]" } ?? snakeCase(key.stringValue) }.joined(separator: ".")
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: return "an integer"
        case is Bool.Type: return "true or false"
        case is Double.Type: return "a number"
        default: return type is any Collection.Type ? "a list" : "an object"
        }
    }

    /// `fromSeq` → `from_seq`.
    private static func snakeCase(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }
}
