import Contracts
import Postgres

extension ErrorBody {
    /// The reply a database error becomes. Constraint violations are the caller's to fix;
    /// a lost connection is `unavailable` (retry with the same idempotency key); anything
    /// else is `internal` and is logged by the caller.
    public init(_ error: PostgresError) {
        switch error.kind {
        case .uniqueViolation:
            self = .conflict("already exists" + (error.constraint.map { " (\($0))" } ?? ""))
        case .foreignKeyViolation:
            self = .failedPrecondition("refers to something that does not exist or is still referenced"
                + (error.constraint.map { " (\($0))" } ?? ""))
        case .notNullViolation, .checkViolation, .invalidInput, .exclusionViolation:
            self = .invalidArgument(error.message)
        case .connectionLost, .connectionFailed, .serializationFailure, .deadlockDetected, .lockNotAvailable, .queryCanceled:
            self = .unavailable("the database is unavailable; retry with the same idempotency key")
        case .commitOutcomeUnknown:
            self = .unavailable("the outcome is unknown; retry with the same idempotency key")
        case .undefinedObject, .syntaxError, .decoding, .other:
            self = .internal("internal database error")
        }
    }
}
