import Messaging

/// How large a customer document may be — `AR_DOCUMENT_MAX_BYTES`, default 10 MiB — read
/// by customer-service (which refuses larger files) and the gateway (which stops reading a
/// larger upload at once); and the message size the sockets that carry documents allow.
public enum DocumentLimits {
    public static let defaultMaximumBytes = 10 * 1024 * 1024

    /// `AR_DOCUMENT_MAX_BYTES`, at least 1.
    public static func maximumBytes(_ environment: Environment) throws -> Int {
        let bytes = try environment.int("AR_DOCUMENT_MAX_BYTES", default: defaultMaximumBytes)
        guard bytes >= 1 else { throw ConfigurationError("AR_DOCUMENT_MAX_BYTES must be at least 1") }
        return bytes
    }

    /// The largest message a socket carrying documents of at most `documentBytes` takes:
    /// the document frame plus room for the envelope and body.
    public static func messageBytes(forDocuments documentBytes: Int) -> Int64 {
        max(MessagingLimits.maximumMessageBytes, Int64(documentBytes) + 1024 * 1024)
    }
}
