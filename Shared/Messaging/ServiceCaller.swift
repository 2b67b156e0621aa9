import Contracts

/// What calls a service: sends a message and returns the reply. `CommandClient` is the
/// real one (ZeroMQ, CURVE); a test builds the gateway with a fake that answers in-process.
/// Typed `command` and `query` come with it.
public protocol ServiceCaller: Sendable {
    /// The service's name, for error messages (e.g. `invoice`).
    var service: String { get }
    /// Sends a message (with an attachment frame when given) and returns the reply message
    /// (status ok or error; it may carry an attachment too).
    func send(_ envelope: Envelope, body: [UInt8], attachment: [UInt8]?, timeout: Duration?) async throws -> Message
}

extension ServiceCaller {
    /// Sends a message without an attachment.
    public func send(_ envelope: Envelope, body: [UInt8], timeout: Duration?) async throws -> Message {
        try await send(envelope, body: body, attachment: nil, timeout: timeout)
    }

    /// Sends a command whose request carries `attachment` as its own frame (a file's bytes).
    public func command<Request, Reply>(
        _ command: Command<Request, Reply>, _ request: Request, attachment: [UInt8], actor: Actor? = nil,
        idempotencyKey: String? = nil, timeout: Duration? = nil
    ) async throws -> Reply {
        let envelope = Envelope(kind: .command, type: command.type, actor: actor, idempotencyKey: idempotencyKey)
        return try await decode(try await send(envelope, body: ContractJSON.encode(request), attachment: attachment, timeout: timeout),
                                as: Reply.self)
    }

    /// Sends a query whose reply carries an attachment: the decoded reply and the bytes.
    public func queryWithAttachment<Request, Reply>(
        _ query: Query<Request, Reply>, _ request: Request, actor: Actor? = nil, timeout: Duration? = nil
    ) async throws -> (reply: Reply, attachment: [UInt8]) {
        let envelope = Envelope(kind: .query, type: query.type, actor: actor)
        let message = try await send(envelope, body: ContractJSON.encode(request), attachment: nil, timeout: timeout)
        let reply = try await decode(message, as: Reply.self)
        guard let attachment = message.attachment else {
            throw ErrorBody.internal("\(service) answered \(query.type) without its attachment")
        }
        return (reply, attachment)
    }

    /// Sends a command and decodes its reply; an error reply is thrown as `ErrorBody`.
    public func command<Request, Reply>(
        _ command: Command<Request, Reply>, _ request: Request, actor: Actor? = nil,
        idempotencyKey: String? = nil, timeout: Duration? = nil
    ) async throws -> Reply {
        let envelope = Envelope(kind: .command, type: command.type, actor: actor, idempotencyKey: idempotencyKey)
        return try await decode(try await send(envelope, body: ContractJSON.encode(request), timeout: timeout), as: Reply.self)
    }

    /// Sends a query and decodes its reply; an error reply is thrown as `ErrorBody`.
    public func query<Request, Reply>(
        _ query: Query<Request, Reply>, _ request: Request, actor: Actor? = nil, timeout: Duration? = nil
    ) async throws -> Reply {
        let envelope = Envelope(kind: .query, type: query.type, actor: actor)
        return try await decode(try await send(envelope, body: ContractJSON.encode(request), timeout: timeout), as: Reply.self)
    }

    /// Sends a query and returns its reply as the JSON the service wrote, undecoded — for
    /// passing it on as it is. An error reply is thrown as `ErrorBody`.
    public func queryJSON<Request, Reply>(
        _ query: Query<Request, Reply>, _ request: Request, actor: Actor? = nil, timeout: Duration? = nil
    ) async throws -> [UInt8] {
        let envelope = Envelope(kind: .query, type: query.type, actor: actor)
        return try successBody(try await send(envelope, body: ContractJSON.encode(request), timeout: timeout))
    }

    private func successBody(_ message: Message) throws -> [UInt8] {
        if message.envelope.status == .error {
            throw (try? ContractJSON.decode(ErrorBody.self, from: message.body))
                ?? ErrorBody.internal("\(service) sent an unreadable error reply")
        }
        return message.body
    }

    private func decode<Reply: Decodable>(_ message: Message, as type: Reply.Type) async throws -> Reply {
        let body = try successBody(message)
        do {
            return try ContractJSON.decode(type, from: body)
        } catch {
            throw ErrorBody.internal("\(service) sent a reply that is not a \(Reply.self): \(ContractJSON.explain(error))")
        }
    }
}
