/// The stable error codes of every reply; the gateway maps each to one HTTP status.
public enum ErrorCode: String, Codable, Sendable, CaseIterable {
    case invalidArgument = "invalid_argument"
    /// No valid credentials (HTTP 401).
    case unauthenticated
    case notFound = "not_found"
    case conflict
    case failedPrecondition = "failed_precondition"
    case permissionDenied = "permission_denied"
    case unavailable
    /// The request body is larger than the API accepts (HTTP 413).
    case payloadTooLarge = "payload_too_large"
    /// A file of a type the service does not keep.
    case unsupportedMediaType = "unsupported_media_type"
    /// Too many requests of this kind right now; try again shortly (HTTP 429).
    case tooManyRequests = "too_many_requests"
    /// The path exists but not with this method; `Allow` lists the ones it has (HTTP 405).
    case methodNotAllowed = "method_not_allowed"
    /// The payment processor declined the charge; the message is its reason (HTTP 402).
    case paymentDeclined = "payment_declined"
    case `internal`

    /// The HTTP status the gateway answers with.
    public var httpStatus: Int {
        switch self {
        case .invalidArgument: return 400
        case .unauthenticated: return 401
        case .notFound: return 404
        case .conflict: return 409
        case .failedPrecondition: return 422
        case .permissionDenied: return 403
        case .unavailable: return 503
        case .payloadTooLarge: return 413
        case .unsupportedMediaType: return 415
        case .tooManyRequests: return 429
        case .methodNotAllowed: return 405
        case .paymentDeclined: return 402
        case .internal: return 500
        }
    }
}

/// The body of an error reply: a stable code, a message a person can act on, and
/// per-field details (field name → what is wrong with it).
public struct ErrorBody: Error, Codable, Hashable, Sendable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String
    public var details: [String: String]

    public init(_ code: ErrorCode, _ message: String, details: [String: String] = [:]) {
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String { "\(code.rawValue): \(message)" }

    public static func invalidArgument(_ message: String, field: String? = nil) -> ErrorBody {
        ErrorBody(.invalidArgument, message, details: field.map { [$0: message] } ?? [:])
    }
    /// A request the API document allows whose fields, together, break a rule (`start`
    /// after `end`), or that names something unknown to this server (a time zone): 422,
    /// naming the field. (400 is for what the document itself rules out.)
    public static func unprocessable(_ message: String, field: String) -> ErrorBody {
        ErrorBody(.failedPrecondition, message, details: [field: message])
    }
    public static func notFound(_ message: String) -> ErrorBody { ErrorBody(.notFound, message) }
    public static func conflict(_ message: String) -> ErrorBody { ErrorBody(.conflict, message) }
    public static func failedPrecondition(_ message: String) -> ErrorBody { ErrorBody(.failedPrecondition, message) }
    public static func unavailable(_ message: String) -> ErrorBody { ErrorBody(.unavailable, message) }
    public static func `internal`(_ message: String) -> ErrorBody { ErrorBody(.internal, message) }
}
