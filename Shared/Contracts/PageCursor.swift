import Foundation

/// The position after the last item of a page in a newest-first list ordered by
/// `(created_at, id)`. Opaque to API clients: base64url of `<instant>|<uuid>`.
public struct PageCursor: Hashable, Sendable {
    public var createdAt: Date
    public var id: UUID

    public init(createdAt: Date, id: UUID) {
        self.createdAt = createdAt
        self.id = id
    }

    public var encoded: String {
        Data("\(RFC3339.string(from: createdAt))|\(id.uuidString.lowercased())".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Nil when `text` is not a cursor this system made.
    public static func decode(_ text: String) -> PageCursor? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let plain = String(data: data, encoding: .utf8) else { return nil }
        let parts = plain.split(separator: "|")
        guard parts.count == 2, let date = RFC3339.date(from: String(parts[0])), let id = UUID(uuidString: String(parts[1])) else {
            return nil
        }
        return PageCursor(createdAt: date, id: id)
    }
}
