import CLibPQ

/// Owns a libpq result; freed when the last row referring to it goes away.
final class PostgresResult {
    let handle: OpaquePointer
    init(_ handle: OpaquePointer) { self.handle = handle }
    deinit { PQclear(handle) }
}

/// The rows a query returned. Lives on the connection's thread.
public struct PostgresRows: RandomAccessCollection {
    let result: PostgresResult
    public let startIndex = 0
    public let endIndex: Int

    init(_ result: PostgresResult) {
        self.result = result
        self.endIndex = Int(PQntuples(result.handle))
    }

    public subscript(position: Int) -> PostgresRow { PostgresRow(result: result, index: Int32(position)) }

    /// The column names, in order.
    public var columns: [String] {
        (0..<PQnfields(result.handle)).map { String(cString: PQfname(result.handle, $0)) }
    }

    /// Decodes the single row's only column; throws if there is not exactly one row.
    public func single<T: PostgresDecodable>(_ type: T.Type) throws -> T {
        guard count == 1 else {
            throw PostgresError(kind: .decoding, message: "expected exactly one row, got \(count)")
        }
        return try self[0].decode(type, at: 0)
    }

    /// Decodes the single row's columns; throws if there is not exactly one row.
    public func single<each T: PostgresDecodable>(_ types: (repeat each T).Type) throws -> (repeat each T) {
        guard count == 1 else {
            throw PostgresError(kind: .decoding, message: "expected exactly one row, got \(count)")
        }
        return try self[0].decode(types)
    }
}

/// One result row; columns decode by position into Swift types.
public struct PostgresRow {
    let result: PostgresResult
    let index: Int32

    /// Decodes column `column` (0-based).
    public func decode<T: PostgresDecodable>(_ type: T.Type, at column: Int) throws -> T {
        let handle = result.handle
        guard column < PQnfields(handle) else {
            throw PostgresError(kind: .decoding, message: "the row has no column \(column)")
        }
        let field = Int32(column)
        if PQgetisnull(handle, index, field) == 1 { return try T.postgresNull() }
        let length = Int(PQgetlength(handle, index, field))
        let text = PQgetvalue(handle, index, field).withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
        do {
            return try T(postgresText: text)
        } catch let error as PostgresError {
            let name = String(cString: PQfname(handle, field))
            throw PostgresError(kind: .decoding, message: "column \(name): \(error.message)")
        }
    }

    /// Decodes the row's leading columns as a tuple: `row.decode((UUID, String, Int64?).self)`.
    public func decode<each T: PostgresDecodable>(_ types: (repeat each T).Type) throws -> (repeat each T) {
        var column = 0
        func next<Value: PostgresDecodable>(_ type: Value.Type) throws -> Value {
            defer { column += 1 }
            return try decode(Value.self, at: column)
        }
        return (repeat try next((each T).self))
    }
}
