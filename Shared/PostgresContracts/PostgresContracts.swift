import Contracts
import Foundation
import Postgres

// The bridge between the wire types (`Contracts`) and PostgreSQL (`Postgres`): how ids,
// instants, business dates and JSON documents are stored. `Postgres` itself knows nothing
// of the contracts; a module that stores contract types imports this one.

extension Identifier: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresType { .uuid }
    public var postgresText: String { description }
    public init(postgresText text: String) throws {
        guard let value = Identifier(text) else { throw contractDecodingError(text, as: Identifier.self) }
        self = value
    }
}

/// An instant, stored as `timestamptz` (the session runs in UTC).
extension Date: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresType { .timestamptz }
    public var postgresText: String { RFC3339.string(from: self) }
    public init(postgresText text: String) throws {
        guard let value = RFC3339.date(from: text) else { throw contractDecodingError(text, as: Date.self) }
        self = value
    }
}

/// A business date, stored as `date`.
extension BusinessDate: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresType { .date }
    public var postgresText: String { description }
    public init(postgresText text: String) throws {
        guard let value = BusinessDate(text) else { throw contractDecodingError(text, as: BusinessDate.self) }
        self = value
    }
}

/// A `Codable` value stored as `jsonb`, in the contract JSON dialect.
public struct PostgresJSON<Value: Codable & Sendable>: Sendable, PostgresEncodable, PostgresDecodable {
    public let value: Value
    public let postgresText: String

    /// Encodes `value`; throws if it has no JSON form.
    public init(_ value: Value) throws {
        self.value = value
        self.postgresText = String(decoding: try ContractJSON.encode(value), as: UTF8.self)
    }

    public static var postgresType: PostgresType { .jsonb }

    public init(postgresText text: String) throws {
        do {
            value = try ContractJSON.decode(Value.self, from: Array(text.utf8))
            postgresText = text
        } catch {
            throw PostgresError(kind: .decoding, message: "jsonb did not decode as \(Value.self): \(error)")
        }
    }
}

private func contractDecodingError<T>(_ text: String, as type: T.Type) -> PostgresError {
    PostgresError(kind: .decoding, message: "cannot read \"\(text.prefix(64))\" as \(T.self)")
}
