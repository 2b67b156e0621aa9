/// An error from PostgreSQL or the connection to it, classified by SQLSTATE so callers can
/// map it to a domain error (a unique violation is a conflict, not an internal failure).
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case uniqueViolation        // 23505
        case foreignKeyViolation    // 23503
        case notNullViolation       // 23502
        case checkViolation         // 23514
        case exclusionViolation     // 23P01
        case invalidInput           // class 22: bad text for a type, out of range, ...
        case serializationFailure   // 40001
        case deadlockDetected       // 40P01
        case lockNotAvailable       // 55P03
        case queryCanceled          // 57014 (statement_timeout, cancel)
        /// The connection broke before or during the statement; nothing is known to have happened.
        case connectionLost
        /// The connection broke during COMMIT: the transaction may or may not have committed.
        case commitOutcomeUnknown
        case connectionFailed
        case undefinedObject        // 42P01 table, 42703 column, 42883 function, 3F000 schema
        case syntaxError            // 42601
        /// A result could not be decoded into the Swift type asked for.
        case decoding
        case other
    }

    public let kind: Kind
    public let sqlState: String?
    public let message: String
    public let detail: String?
    public let constraint: String?
    /// The table and column the error is about, when PostgreSQL names them.
    public let table: String?
    public let column: String?

    public init(kind: Kind, sqlState: String? = nil, message: String, detail: String? = nil, constraint: String? = nil,
                table: String? = nil, column: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.constraint = constraint
        self.table = table
        self.column = column
    }

    /// Whether the connection itself is in doubt (it must be re-established).
    public var isConnectionProblem: Bool {
        [.connectionLost, .connectionFailed, .commitOutcomeUnknown].contains(kind)
    }

    /// Whether the failure says nothing about the statement itself: running it again later
    /// may well succeed (a lost connection, a serialization failure, a deadlock).
    public var isTransient: Bool {
        isConnectionProblem || [.serializationFailure, .deadlockDetected, .lockNotAvailable].contains(kind)
    }

    /// The column a constraint violation is about: PostgreSQL's own column field, else the
    /// column in a default constraint name (`customers_customer_number_key` → `customer_number`).
    public var field: String? {
        if let column { return column }
        guard var name = constraint else { return nil }
        if let table, name.hasPrefix(table + "_") { name.removeFirst(table.count + 1) }
        for suffix in ["_key", "_check", "_fkey", "_excl", "_not_null"] where name.hasSuffix(suffix) {
            name.removeLast(suffix.count)
            return name
        }
        return name
    }

    /// Classifies a SQLSTATE.
    static func kind(for sqlState: String?) -> Kind {
        guard let state = sqlState else { return .other }
        switch state {
        case "23505": return .uniqueViolation
        case "23503": return .foreignKeyViolation
        case "23502": return .notNullViolation
        case "23514": return .checkViolation
        case "23P01": return .exclusionViolation
        case "40001": return .serializationFailure
        case "40P01": return .deadlockDetected
        case "55P03": return .lockNotAvailable
        case "57014": return .queryCanceled
        case "57P01", "57P02", "57P03": return .connectionLost
        case "42P01", "42703", "42883", "3F000", "42704": return .undefinedObject
        case "42601": return .syntaxError
        default:
            if state.hasPrefix("08") { return .connectionLost }
            if state.hasPrefix("22") { return .invalidInput }
            return .other
        }
    }

    public var description: String {
        var text = "PostgreSQL \(kind)"
        if let sqlState { text += " [\(sqlState)]" }
        text += ": \(message)"
        if let detail { text += " (\(detail))" }
        return text
    }
}
