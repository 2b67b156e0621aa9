import Contracts
import Postgres
import PostgresContracts

extension ErrorBody {
    /// The reply a database error becomes. Constraint violations are the caller's to fix
    /// and name the field; a lost connection is `unavailable` (retry with the same
    /// idempotency key); anything else is `internal` and is logged by the caller.
    /// PostgreSQL's own message text never leaves the service (it is logged instead).
    public init(_ error: PostgresError) {
        let field = error.field
        switch error.kind {
        case .uniqueViolation:
            self = ErrorBody(.conflict, field.map { "a record with this \($0) already exists" } ?? "this record already exists",
                             details: field.map { [$0: "already exists"] } ?? [:])
        case .foreignKeyViolation:
            self = ErrorBody(.failedPrecondition,
                             (field.map { "\($0) " } ?? "") + "refers to something that does not exist or is still referenced",
                             details: field.map { [$0: "refers to something that does not exist"] } ?? [:])
        case .notNullViolation:
            self = .invalidArgument("\(field ?? "a value") is required", field: field)
        case .checkViolation, .exclusionViolation:
            self = .invalidArgument("\(field ?? "a value") is not allowed", field: field)
        case .invalidInput:
            self = .invalidArgument((field.map { "\($0) " } ?? "a value ") + "has the wrong form or is out of range", field: field)
        case .connectionLost, .connectionFailed, .serializationFailure, .deadlockDetected, .lockNotAvailable, .queryCanceled:
            self = .unavailable("the database is unavailable; retry with the same idempotency key")
        case .commitOutcomeUnknown:
            self = .unavailable("the outcome is unknown; retry with the same idempotency key")
        case .undefinedObject, .syntaxError, .decoding, .other:
            self = .internal("internal database error")
        }
    }
}
