import Contracts
import ZMQ

/// A message on the wire: an envelope frame and a body frame, both JSON.
public struct Message: Sendable {
    public var envelope: Envelope
    public var body: [UInt8]

    public init(envelope: Envelope, body: [UInt8]) {
        self.envelope = envelope
        self.body = body
    }

    /// A message whose body is `value` in the contract JSON dialect.
    public init(envelope: Envelope, encoding value: some Encodable) throws {
        self.init(envelope: envelope, body: try ContractJSON.encode(value))
    }

    /// The two frames: envelope, body.
    public func frames() throws -> [ZMQFrame] {
        [envelope.jsonBytes(), body]
    }

    /// Parses `[envelope, body]`; throws `ErrorBody.invalidArgument` naming what is wrong.
    public init(frames: ArraySlice<ZMQFrame>) throws(ErrorBody) {
        guard frames.count == 2 else {
            throw .invalidArgument("a message has 2 frames (envelope, body), got \(frames.count)")
        }
        do {
            envelope = try Envelope(jsonBytes: frames[frames.startIndex])
        } catch {
            throw .invalidArgument("the envelope frame is not a valid envelope: \(error)")
        }
        guard envelope.v == Envelope.currentVersion else {
            throw .invalidArgument("envelope version \(envelope.v) is not supported (expected \(Envelope.currentVersion))")
        }
        body = frames[frames.startIndex + 1]
    }

    /// Decodes the body as `T`; a malformed body is `invalid_argument` naming the field.
    public func decodeBody<T: Decodable>(_ type: T.Type) throws(ErrorBody) -> T {
        do {
            return try ContractJSON.decode(type, from: body)
        } catch {
            throw .invalidArgument("the \(envelope.type) body is invalid: \(describe(error))")
        }
    }
}

/// A readable account of a JSON decoding error: which field, and what was wrong with it.
func describe(_ error: any Error) -> String {
    guard let error = error as? DecodingError else { return "\(error)" }
    func path(_ context: DecodingError.Context) -> String {
        let keys = context.codingPath.map { key in key.intValue.map { "[\($0)]" } ?? key.stringValue }
        return keys.isEmpty ? "the body" : keys.joined(separator: ".")
    }
    switch error {
    case .keyNotFound(let key, let context):
        let parent = context.codingPath.isEmpty ? "" : path(context) + "."
        return "\(parent)\(snakeCase(key.stringValue)) is required"
    case .typeMismatch(let type, let context):
        return "\(path(context)) must be \(type)"
    case .valueNotFound(let type, let context):
        return "\(path(context)) must be a \(type), not null"
    case .dataCorrupted(let context):
        return context.codingPath.isEmpty ? "not valid JSON" : "\(path(context)): \(context.debugDescription)"
    @unknown default:
        return "\(error)"
    }
}

/// `fromSeq` → `from_seq`, for error messages that name fields as the wire does.
private func snakeCase(_ name: String) -> String {
    var result = ""
    for character in name {
        if character.isUppercase {
            result += "_" + character.lowercased()
        } else {
            result.append(character)
        }
    }
    return result
}
