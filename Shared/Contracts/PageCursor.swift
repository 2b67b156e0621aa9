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

/// One page of a newest-first keyset list — the one paging mechanism of every store: the
/// clamped limit, the position to continue after (from an opaque cursor, or a 400 naming
/// `cursor`), and, from the rows fetched (`fetchLimit`, one more than the page), the page
/// and the cursor of the next one.
public struct KeysetPage: Sendable {
    public static let maximumLimit = 500

    public let limit: Int
    public let after: PageCursor?

    public init(limit: Int, cursor: String?) throws(ErrorBody) {
        self.limit = min(max(limit, 1), Self.maximumLimit)
        guard let cursor, !cursor.isEmpty else {  // `?cursor=` is the first page
            after = nil
            return
        }
        guard let decoded = PageCursor.decode(cursor) else {
            throw .invalidArgument("cursor is not one this API returned", field: "cursor")
        }
        after = decoded
    }

    /// How many rows to fetch: one more than the page, to know whether another follows.
    public var fetchLimit: Int { limit + 1 }

    /// The page's items and the next page's cursor (nil on the last page).
    public func page<Item>(_ rows: [Item], position: (Item) -> PageCursor) -> (items: [Item], nextCursor: String?) {
        guard rows.count > limit else { return (rows, nil) }
        let items = Array(rows.prefix(limit))
        return (items, items.last.map { position($0).encoded })
    }
}
