import Contracts
import Foundation
import Logging
import Metrics
import Postgres
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
    private let databaseURL: String
    private let logger: Logger
    private var connection: PostgresConnection?
    private var nextConnectAttempt = Date.distantPast

    init(registry: HandlerRegistry, outbox: Outbox?, databaseURL: String, logger: Logger) {
        self.registry = registry
        self.outbox = outbox
        self.databaseURL = databaseURL
        self.logger = logger
        _ = try? database()
    }

    /// The reply frames for `frames` = `[routing id, envelope, body]`; nil when there is no
    /// one to answer (no routing id).
    func reply(to frames: [ZMQFrame]) -> [ZMQFrame]? {
        guard let routingID = frames.first, frames.count >= 1 else { return nil }
        let message: Message
        do {
            message = try Message(frames: frames[1...])
        } catch {
            logger.warning("malformed request", metadata: ["error": "\(error.message)"])
            let envelope = Envelope(kind: .reply, type: "error", status: .error)
            return [routingID] + ((try? Message(envelope: envelope, encoding: error).frames()) ?? [])
        }
        let started = DispatchTime.now().uptimeNanoseconds
        let (status, body) = dispatch(message)
        Timer(label: "ar_command_handling_seconds",
              dimensions: [("type", message.envelope.type), ("status", status.rawValue)], preferredDisplayUnit: .seconds)
            .recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - started))
        let reply = Message(envelope: message.envelope.reply(status: status), body: body)
        guard let replyFrames = try? reply.frames() else { return nil }
        return [routingID] + replyFrames
    }

    private func dispatch(_ message: Message) -> (ReplyStatus, [UInt8]) {
        do {
            if message.envelope.type == MessagingType.eventsReplay, let outbox {
                let request = try message.decodeBody(EventsReplayRequest.self)
                return (.ok, try ContractJSON.encode(try outbox.replay(request, on: try database())))
            }
            guard let entry = registry[message.envelope.type] else {
                throw ErrorBody.invalidArgument("unknown message type \(message.envelope.type)")
            }
            let connection = try database()
            let context = HandlerContext(connection: connection, envelope: message.envelope, logger: logger, outbox: outbox)
            switch entry.kind {
            case .command where entry.recordsReply:
                return try retryingTransientFailures { try runCommand(message, entry, context) }
            case .command:
                return try retryingTransientFailures { (.ok, try connection.withTransaction { try entry.handler(message, context) }) }
            default:
                return (.ok, try entry.handler(message, context))
            }
        } catch {
            return (.error, encodeError(error, type: message.envelope.type))
        }
    }

    private func runCommand(_ message: Message, _ entry: HandlerRegistry.Entry, _ context: HandlerContext) throws -> (ReplyStatus, [UInt8]) {
        let connection = context.connection
        let key = message.envelope.effectiveIdempotencyKey
        let requestHash = fingerprint(Array(message.envelope.type.utf8), message.body)
        do {
            return try connection.withTransaction {
                if let stored = try storedReply(key: key, requestHash: requestHash, on: connection) { return stored }
                let body = try entry.handler(message, context)
                try connection.execute("""
                    INSERT INTO idempotency (key, type, request_hash, reply_status, reply_body)
                    VALUES (\(key), \(message.envelope.type), \(requestHash), \(ReplyStatus.ok.rawValue), \(PostgresBytes(body)))
                    """)
                return (.ok, body)
            }
        } catch let error as PostgresError where error.kind == .uniqueViolation && error.constraint == "idempotency_pkey" {
            // The same command ran concurrently and committed first: answer with its reply.
            if let stored = try storedReply(key: key, requestHash: requestHash, on: connection) { return stored }
            throw error
        }
    }

    private func storedReply(key: String, requestHash: String, on connection: PostgresConnection) throws -> (ReplyStatus, [UInt8])? {
        let rows = try connection.query("SELECT request_hash, reply_status, reply_body FROM idempotency WHERE key = \(key)")
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
        case let error as PostgresError:
            body = ErrorBody(error)
            if body.code == .internal || body.code == .unavailable {
                logger.error("database error", metadata: ["type": "\(type)", "error": "\(error)"])
            }
        default:
            logger.error("handler failed", metadata: ["type": "\(type)", "error": "\(error)"])
            body = .internal("internal error while handling \(type)")
        }
        return (try? ContractJSON.encode(body)) ?? Array(#"{"code":"internal","message":"internal error","details":{}}"#.utf8)
    }

    /// The worker's connection, (re)connecting at most once a second while the database is down.
    private func database() throws -> PostgresConnection {
        if let connection { return connection }
        guard Date() >= nextConnectAttempt else { throw ErrorBody.unavailable("the database is unavailable") }
        do {
            let connection = try PostgresConnection(url: databaseURL, logger: logger)
            self.connection = connection
            return connection
        } catch {
            nextConnectAttempt = Date().addingTimeInterval(1)
            logger.error("cannot connect to PostgreSQL", metadata: ["error": "\(error)"])
            throw ErrorBody.unavailable("the database is unavailable")
        }
    }
}
