import Contracts
import Crypto
import Foundation
import Logging
import Metrics
import Postgres
import PostgresContracts
import ZMQ

/// Turns one request (frames from the ROUTER) into its reply, on one worker thread with
/// that worker's own database connection.
///
/// Commands run in a transaction together with their idempotency record: the first
/// execution stores its reply; a repeat with the same key returns that reply unchanged
/// and changes nothing. A key reused for a different request is a `conflict`.
final class RequestDispatcher {
    private let registry: HandlerRegistry
    private let outbox: Outbox?
    /// Whether connections are authenticated: every request must then carry its caller.
    private let authenticated: Bool
    private let logger: Logger
    private let link: DatabaseLink

    init(registry: HandlerRegistry, outbox: Outbox?, databaseURL: String, authenticated: Bool, logger: Logger) {
        self.registry = registry
        self.outbox = outbox
        self.authenticated = authenticated
        self.logger = logger
        link = DatabaseLink(url: databaseURL, logger: logger)
        _ = try? link.connection()
    }

    /// The reply frames for `frames` = `[routing id, caller, envelope, body]` (the caller
    /// is the identity the connection was admitted with, empty without authentication);
    /// nil when nobody would read a reply (the caller's deadline has passed).
    func reply(to frames: [ZMQFrame]) -> [ZMQFrame]? {
        guard frames.count >= 2 else {
            logger.warning("dropped a request that cannot be answered", metadata: ["frames": "\(frames.count)"])
            return nil
        }
        let routingID = frames[0]
        let callerName = String(decoding: frames[1], as: UTF8.self)
        let message: Message
        do {
            message = try Message(frames: frames[2...])
        } catch {
            logger.warning("malformed request", metadata: ["caller": "\(callerName)", "error": "\(error.message)"])
            let envelope = Envelope(kind: .reply, type: "error", status: .error)
            return [routingID] + ((try? Message(envelope: envelope, encoding: error).frames()) ?? [])
        }
        if let deadline = message.envelope.deadline, deadline < Date() {
            Counter(label: "ar_command_requests_dropped_total", dimensions: [("reason", "deadline_passed")]).increment()
            logger.debug("dropped a request whose caller gave up", metadata: ["type": "\(message.envelope.type)"])
            return nil
        }
        let started = DispatchTime.now().uptimeNanoseconds
        let (status, body) = dispatch(message, callerName: callerName)
        Timer(label: "ar_command_handling_seconds",
              dimensions: [("type", message.envelope.type), ("status", status.rawValue)], preferredDisplayUnit: .seconds)
            .recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - started))
        let reply = Message(envelope: message.envelope.reply(status: status), body: body)
        guard let replyFrames = try? reply.frames() else { return nil }
        return [routingID] + replyFrames
    }

    private func dispatch(_ message: Message, callerName: String) -> (ReplyStatus, [UInt8]) {
        var message = message
        do {
            guard let entry = registry[message.envelope.type] else {
                throw ErrorBody.invalidArgument("unknown message type \(message.envelope.type)")
            }
            let caller = try authorize(&message.envelope, callerName: callerName, callers: entry.callers)
            let connection = try link.connection()
            let context = HandlerContext(connection: connection, envelope: message.envelope, caller: caller,
                                         logger: logger, outbox: outbox)
            switch entry.kind {
            case .command where entry.recordsReply:
                return try retryingTransientFailures { try runCommand(message, entry, context) }
            case .command:
                return try retryingTransientFailures { (.ok, try connection.withTransaction { try entry.handler(message, context) }) }
            default:
                return (.ok, try entry.handler(message, context))
            }
        } catch {
            link.failed(error)
            return (.error, encodeError(error, type: message.envelope.type))
        }
    }

    /// Authority comes from the connection: the caller is who its key says, it must be one
    /// this message accepts, a person acts only through the gateway, and any other service
    /// acts as itself whatever its envelope claims. Refusals are logged.
    private func authorize(_ envelope: inout Envelope, callerName: String, callers: Callers) throws -> ServiceName? {
        guard authenticated else { return nil }
        guard let caller = ServiceName(rawValue: callerName) else {
            logger.warning("refused a request without an authenticated caller", metadata: ["type": "\(envelope.type)"])
            throw ErrorBody(.permissionDenied, "the caller is not authenticated")
        }
        guard callers.admits(caller) else {
            logger.warning("refused a message its caller may not send", metadata: [
                "type": "\(envelope.type)", "caller": "\(caller.rawValue)"])
            throw ErrorBody(.permissionDenied, "\(envelope.type) is not accepted from \(caller.rawValue)")
        }
        if caller != .gateway {
            if let actor = envelope.actor, actor.isPerson {
                logger.warning("refused a user actor from a service other than the gateway", metadata: [
                    "type": "\(envelope.type)", "caller": "\(caller.rawValue)", "claimed_role": "\(actor.role)"])
                throw ErrorBody(.permissionDenied, "only the gateway acts for users; \(caller.rawValue) acts as itself")
            }
            envelope.actor = .service(caller)
        }
        return caller
    }

    private func runCommand(_ message: Message, _ entry: HandlerRegistry.Entry, _ context: HandlerContext) throws -> (ReplyStatus, [UInt8]) {
        let connection = context.connection
        let record = try IdempotencyRecordKey(message.envelope)
        let requestHash = IdempotencyRecordKey.requestHash(type: message.envelope.type, body: message.body)
        do {
            return try connection.withTransaction {
                if let stored = try storedReply(record, requestHash: requestHash, on: connection) { return stored }
                let body = try entry.handler(message, context)
                try connection.execute("""
                    INSERT INTO idempotency (scope, key, type, request_hash, reply_status, reply_body)
                    VALUES (\(record.scope), \(record.key), \(record.type), \(requestHash), \(ReplyStatus.ok.rawValue),
                            \(PostgresBytes(body)))
                    """)
                return (.ok, body)
            }
        } catch let error as PostgresError where error.kind == .uniqueViolation && error.constraint == "idempotency_pkey" {
            // The same command ran concurrently and committed first: answer with its reply.
            if let stored = try storedReply(record, requestHash: requestHash, on: connection) { return stored }
            throw error
        }
    }

    private func storedReply(_ record: IdempotencyRecordKey, requestHash: String,
                             on connection: PostgresConnection) throws -> (ReplyStatus, [UInt8])? {
        let key = record.key
        let rows = try connection.query("""
            SELECT request_hash, reply_status, reply_body FROM idempotency
            WHERE scope = \(record.scope) AND type = \(record.type) AND key = \(key)
            """)
        guard let row = rows.first else { return nil }
        let (storedHash, status, body) = try row.decode((String, String, PostgresBytes).self)
        guard storedHash == requestHash else {
            throw ErrorBody.conflict("idempotency key \(key) was already used for a different request")
        }
        return (ReplyStatus(rawValue: status) ?? .ok, body.bytes)
    }

    /// Serialization failures and deadlocks roll back completely; running again is safe.
    private func retryingTransientFailures<T>(_ body: () throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                return try body()
            } catch let error as PostgresError
                        where (error.kind == .serializationFailure || error.kind == .deadlockDetected) && attempt < 3 {
                attempt += 1
            }
        }
    }

    private func encodeError(_ error: any Error, type: String) -> [UInt8] {
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

/// Where a command's idempotency record is kept: its key, scoped to the actor that sent it
/// and to the command type, so one caller can neither read nor burn another's keys.
/// The request is recognised by its SHA-256 fingerprint (type and body).
struct IdempotencyRecordKey {
    /// `sha256:` and the hex digest of the type, a NUL, and the body.
    static func requestHash(type: String, body: [UInt8]) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(type.utf8) + [0])
        hasher.update(data: body)
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
