import Contracts
import Foundation
import Logging
import Metrics
import ZMQ

/// Turns one request (frames from the ROUTER) into its reply, on one worker thread with
/// that worker's own database connection: it reads the frames, drops what nobody waits
/// for any more, and runs the message's handler through the pipeline —
///
///     Timing → ErrorReplies → Authorization → DatabaseSession
///       → TransientRetry → Transaction → Idempotency → handler
///
/// (`RequestPipeline.swift`; the last three act on commands only).
final class RequestDispatcher {
    private let registry: HandlerRegistry
    private let logger: Logger
    private let errors: ErrorReplies
    private let pipeline: PipelineNext

    init(registry: HandlerRegistry, outbox: Outbox?, databaseURL: String, authenticated: Bool, logger: Logger) {
        self.registry = registry
        self.logger = logger
        let link = DatabaseLink(url: databaseURL, logger: logger)
        _ = try? link.connection()
        errors = ErrorReplies(logger: logger)
        pipeline = RequestPipeline.compose([
            Timing(), errors, Authorization(authenticated: authenticated, logger: logger), DatabaseSession(link: link),
            TransientRetry(), Transaction(), Idempotency(),
        ]) { request in
            guard let connection = request.connection else { throw ErrorBody.internal("no database session") }
            let context = HandlerContext(connection: connection, envelope: request.envelope, caller: request.caller,
                                         logger: logger, outbox: outbox, attachment: request.attachment)
            let body = try request.entry.handler(request.envelope, request.body, context)
            guard context.replyAttachment == nil || request.entry.kind == .query else {
                throw ErrorBody.internal("\(request.envelope.type) is a command; only queries reply with an attachment")
            }
            return PipelineReply(status: .ok, body: body, attachment: context.replyAttachment)
        }
    }

    /// The reply frames for `request` (frames `[routing id, envelope, body, attachment?]`
    /// and the identity its connection was admitted with, empty without authentication);
    /// nil when nobody would read a reply (the caller's deadline has passed).
    func reply(to request: TakenRequest) -> [ZMQFrame]? {
        let frames = request.frames
        guard frames.count >= 2 else {
            logger.warning("dropped a request that cannot be answered", metadata: ["frames": "\(frames.count)"])
            return nil
        }
        let routingID = frames[0]
        let callerName = request.caller
        let message: Message
        do {
            message = try Message(frames: frames[1...])
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
        let reply: PipelineReply
        if let entry = registry[message.envelope.type] {
            var request = PipelineRequest(envelope: message.envelope, body: message.body, attachment: message.attachment,
                                          callerName: callerName, entry: entry)
            reply = (try? pipeline(&request)) ?? PipelineReply(status: .error, body: errors.encode(
                ErrorBody.internal("the pipeline failed"), type: message.envelope.type))
        } else {
            let unknown = ErrorBody.invalidArgument("unknown message type \(message.envelope.type)")
            reply = PipelineReply(status: .error, body: errors.encode(unknown, type: message.envelope.type))
        }
        guard let replyFrames = try? Message(envelope: message.envelope.reply(status: reply.status), body: reply.body,
                                             attachment: reply.attachment).frames() else {
            return nil
        }
        return [routingID] + replyFrames
    }
}
