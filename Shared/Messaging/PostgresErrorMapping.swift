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

/// FNV-1a 64 of the bytes, as hex: a cheap fingerprint (not a security hash).
func fingerprint(_ parts: [UInt8]...) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for part in parts {
        for byte in part {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        hash ^= 0xff
        hash = hash &* 0x0000_0100_0000_01b3
    }
    return String(hash, radix: 16)
}
