import Contracts
import Crypto
import Foundation
import Logging
import Metrics
import Postgres
import PostgresContracts

/// One request on its way through a worker's pipeline (on that worker's thread).
struct PipelineRequest {
    var envelope: Envelope
    let body: [UInt8]
    /// The request's attachment frame (a file's bytes), if it has one.
    var attachment: [UInt8]? = nil
    /// The identity the caller's connection was admitted with (empty without authentication).
    let callerName: String
    let entry: HandlerRegistry.Entry
    /// Set by `Authorization`: the service the caller is (nil without authentication).
    var caller: ServiceName?
    /// Set by `DatabaseSession`: the worker's connection.
    var connection: PostgresConnection?
}

/// What the pipeline answers: a status and the reply body.
struct PipelineReply {
    var status: ReplyStatus
    var body: [UInt8]
    /// Bytes sent as the reply's own frame (a query's file); commands never have one.
    var attachment: [UInt8]? = nil
}

/// The rest of the pipeline, from one middleware's point of view.
typealias PipelineNext = (inout PipelineRequest) throws -> PipelineReply

/// One concern of handling a request, wrapped around the rest (the way watermill's
/// `HandlerMiddleware` wraps a handler): it may look at or change the request, decide not
/// to go on, or change what comes back.
protocol RequestMiddleware {
    func handle(_ request: inout PipelineRequest, next: PipelineNext) throws -> PipelineReply
}

enum RequestPipeline {
    /// `middleware` around `handler`, the first outermost.
    static func compose(_ middleware: [any RequestMiddleware], around handler: @escaping PipelineNext) -> PipelineNext {
        middleware.reversed().reduce(handler) { next, layer in
            { request in try layer.handle(&request, next: next) }
        }
    }
}

/// Records how long each message type takes, by outcome (`ar_command_handling_seconds`).
struct Timing: RequestMiddleware {
    func handle(_ request: inout PipelineRequest, next: PipelineNext) throws -> PipelineReply {
        let started = DispatchTime.now().uptimeNanoseconds
        let type = request.envelope.type
        var status = ReplyStatus.error
        defer {
            Timer(label: "ar_command_handling_seconds", dimensions: [("type", type), ("status", status.rawValue)],
                  preferredDisplayUnit: .seconds)
                .recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - started))
        }
        let reply = try next(&request)
        status = reply.status
        return reply
    }
}

/// Turns every failure into an error reply: `ErrorBody` as it is, database errors by
/// their kind, anything else `internal` (logged, never shown).
struct ErrorReplies: RequestMiddleware {
    let logger: Logger

    func handle(_ request: inout PipelineRequest, next: PipelineNext) throws -> PipelineReply {
        do {
            return try next(&request)
        } catch {
            return PipelineReply(status: .error, body: encode(error, type: request.envelope.type))
        }
    }

    func encode(_ error: any Error, type: String) -> [UInt8] {
        let body: ErrorBody
        switch error {
        case let error as ErrorBody:
            body = error
        case let error as MoneyError:
            logger.warning("money arithmetic refused", metadata: ["type": "\(type)", "error": "\(error)"])
            body = .failedPrecondition(error.description)
        case let error as PostgresError:
            body = ErrorBody(error)
            if body.code == .internal || body.code == .unavailable {
                logger.error("database error", metadata: ["type": "\(type)", "error": "\(error)"])
            } else {
                logger.info("refused by a database constraint", metadata: ["type": "\(type)", "error": "\(error)"])
            }
        default:
            logger.error("handler failed", metadata: ["type": "\(type)", "error": "\(error)"])
            body = .internal("internal error while handling \(type)")
        }
        return (try? ContractJSON.encode(body)) ?? Array(#"{"code":"internal","message":"internal error","details":{}}"#.utf8)
    }
}

/// Authority comes from the connection: the caller is who its key says, it must be one
/// the message accepts, a person acts only through the gateway, and any other service
/// acts as itself whatever its envelope claims. Refusals are logged.
struct Authorization: RequestMiddleware {
    /// Whether connections are authenticated: every request must then carry its caller.
    let authenticated: Bool
    let logger: Logger

    func handle(_ request: inout PipelineRequest, next: PipelineNext) throws -> PipelineReply {
        guard authenticated else { return try next(&request) }
        let type = request.envelope.type
        guard let caller = ServiceName(rawValue: request.callerName) else {
            logger.warning("refused a request without an authenticated caller", metadata: ["type": "\(type)"])
            throw ErrorBody(.permissionDenied, "the caller is not authenticated")
        }
        guard request.entry.callers.admits(caller) else {
            logger.warning("refused a message its caller may not send", metadata: ["type": "\(type)", "caller": "\(caller.rawValue)"])
            throw ErrorBody(.permissionDenied, "\(type) is not accepted from \(caller.rawValue)")
        }
        if caller != .gateway {
            if let actor = request.envelope.actor, actor.isPerson {
                logger.warning("refused a user actor from a service other than the gateway", metadata: [
                    "type": "\(type)", "caller": "\(caller.rawValue)", "claimed_role": "\(actor.role)"])
                throw ErrorBody(.permissionDenied, "only the gateway acts for users; \(caller.rawValue) acts as itself")
            }
            request.envelope.actor = .service(caller)
        }
        request.caller = caller
        return try next(&request)
    }
}

/// Gives the request the worker's connection through its `DatabaseLink`, and drops a
/// connection a failure left in doubt, so the next request reconnects.
struct DatabaseSession: RequestMiddleware {
    let link: DatabaseLink

    func handle(_ request: inout PipelineRequest, next: PipelineNext) throws -> PipelineReply {
        request.connection = try link.connection()
        do {
            return try next(&request)
        } catch {
            link.failed(error)
            throw error
        }
    }
}

/// Runs a command again after a failure that rolled it back completely and that running
/// again resolves: a serialization failure, a deadlock, or losing the race to record the
/// same idempotency key (the next run finds the winner's reply).
struct TransientRetry: RequestMiddleware {
    var attempts = 4

    func handle(_ request: inout PipelineRequest, next: PipelineNext) throws -> PipelineReply {
        guard request.entry.kind == .command else { return try next(&request) }
        var attempt = 1
        while true {
            do {
                return try next(&request)
            } catch let error as PostgresError where Self.isTransient(error) && attempt < attempts {
                attempt += 1
            }
        }
    }

    static func isTransient(_ error: PostgresError) -> Bool {
        switch error.kind {
        case .serializationFailure, .deadlockDetected: return true
        case .uniqueViolation: return error.constraint == "idempotency_pkey"
        default: return false
        }
    }
}

/// A command runs in one transaction: its changes, its idempotency record and the events
/// it publishes commit together or not at all.
struct Transaction: RequestMiddleware {
    func handle(_ request: inout PipelineRequest, next: PipelineNext) throws -> PipelineReply {
        guard request.entry.kind == .command, let connection = request.connection else { return try next(&request) }
        return try connection.withTransaction { try next(&request) }
    }
}

/// Inside a command's transaction: a repeat of a command with the same key returns the
/// first execution's reply unchanged and changes nothing; a key reused for a different
/// request is a `conflict`. Commands whose replies carry secrets keep no record.
struct Idempotency: RequestMiddleware {
    func handle(_ request: inout PipelineRequest, next: PipelineNext) throws -> PipelineReply {
        guard request.entry.kind == .command, request.entry.recordsReply, let connection = request.connection else {
            return try next(&request)
        }
        let record = try IdempotencyRecordKey(request.envelope)
        let requestHash = IdempotencyRecordKey.requestHash(type: request.envelope.type, body: request.body,
                                                            attachment: request.attachment)
        // Two requests with one key at once: the second waits here for the first to commit and
        // then finds its reply — never runs its own checks against the first's effects (which
        // would answer, say, "already paid" instead of the payment).
        try connection.execute("""
            SELECT pg_advisory_xact_lock(hashtextextended(\(record.scope + "\u{1F}" + record.type + "\u{1F}" + record.key), 7))
            """)
        let rows = try connection.query("""
            SELECT request_hash, reply_status, reply_body FROM idempotency
            WHERE scope = \(record.scope) AND type = \(record.type) AND key = \(record.key)
            """)
        if let row = rows.first {
            let (storedHash, status, body) = try row.decode((String, String, PostgresBytes).self)
            guard storedHash == requestHash else {
                throw ErrorBody.conflict("idempotency key \(record.key) was already used for a different request")
            }
            return PipelineReply(status: ReplyStatus(rawValue: status) ?? .ok, body: body.bytes)
        }
        let reply = try next(&request)
        try connection.execute("""
            INSERT INTO idempotency (scope, key, type, request_hash, reply_status, reply_body)
            VALUES (\(record.scope), \(record.key), \(record.type), \(requestHash), \(reply.status.rawValue),
                    \(PostgresBytes(reply.body)))
            """)
        return reply
    }
}

/// Where a command's idempotency record is kept: its key, scoped to the actor that sent it
/// and to the command type, so one caller can neither read nor burn another's keys.
/// The request is recognised by its SHA-256 fingerprint (type and body).
struct IdempotencyRecordKey {
    /// `sha256:` and the hex digest of the type, a NUL, and the body — and, for a request
    /// with an attachment, a NUL, its length and its bytes (the same key with another file
    /// is another request).
    static func requestHash(type: String, body: [UInt8], attachment: [UInt8]? = nil) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(type.utf8) + [0])
        hasher.update(data: body)
        if let attachment {
            hasher.update(data: [0] + Array(String(attachment.count).utf8) + [0])
            hasher.update(data: attachment)
        }
        return "sha256:" + hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Keys are at most this long (an HTTP `Idempotency-Key` is echoed into it).
    static let maximumKeyLength = 255

    let scope: String
    let type: String
    let key: String

    init(_ envelope: Envelope) throws(ErrorBody) {
        key = envelope.effectiveIdempotencyKey
        guard !key.isEmpty, key.count <= Self.maximumKeyLength,
              !key.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalidArgument("the idempotency key must be 1 to \(Self.maximumKeyLength) characters without control characters",
                                   field: "Idempotency-Key")
        }
        type = envelope.type
        scope = switch envelope.actor {
        case let actor? where actor.apiTokenId != nil: "token:\(actor.apiTokenId ?? "")"
        case let actor? where actor.userId != nil: "user:\(actor.userId.map { "\($0)" } ?? "")"
        case let actor?: "\(actor.role):\(actor.name ?? "")"
        case nil: "anonymous"
        }
    }
}
