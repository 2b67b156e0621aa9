import Contracts
import Foundation
import Messaging
import Postgres
import PostgresContracts

/// The dead letters of a service's subscriptions: listed, and applied again on request
/// (after the cause is fixed). A retry runs the event's handler in the command's
/// transaction and removes the letter; if it fails again, the letter stays and the reply
/// says why.
struct DeadLetters: Sendable {
    let subscriptions: [ServiceName: EventHandlerRegistry]

    func register(in handlers: inout HandlerRegistry) {
        handlers.query(MessagingMessages.deadLettersList) { _, context in
            DeadLetterList(items: try context.connection.query("""
                SELECT id, publisher, seq, type, error, attempts, created_at FROM dead_letter ORDER BY id LIMIT 500
                """).map { row in
                let (id, publisher, seq, type, error, attempts, created) = try row.decode(
                    (Int64, String, Int64, String, String, Int, Date).self)
                return DeadLetter(id: id, publisher: publisher, seq: seq, type: type, error: error, attempts: attempts,
                                  createdAt: created)
            })
        }
        let subscriptions = self.subscriptions
        handlers.command(MessagingMessages.deadLettersRetry) { request, context in
            let connection = context.connection
            guard let row = try connection.query("""
                SELECT publisher, envelope, body FROM dead_letter WHERE id = \(request.id) FOR UPDATE
                """).first else {
                throw ErrorBody.notFound("dead letter \(request.id) does not exist")
            }
            let (publisher, envelopeText, body) = try row.decode((String, String, String).self)
            guard let registry = ServiceName(rawValue: publisher).flatMap({ subscriptions[$0] }) else {
                throw ErrorBody.failedPrecondition("this service no longer subscribes to \(publisher)")
            }
            let envelope = try Envelope(jsonBytes: Array(envelopeText.utf8))
            do {
                try connection.withTransaction {  // a savepoint: a failure leaves the letter as it was
                    try registry.apply(StoredEvent(envelope: envelope, body: body), on: connection, logger: context.logger)
                }
            } catch {
                let reason = (error as? ErrorBody)?.message ?? "\(error)"
                throw ErrorBody.failedPrecondition("the event still cannot be applied: \(reason)")
            }
            try connection.execute("DELETE FROM dead_letter WHERE id = \(request.id)")
            return Empty()
        }
    }
}
