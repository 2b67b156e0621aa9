import Foundation

/// The position after the last item of a page of a keyset list: in a newest-first list
/// ordered by `(created_at, id)`, or — with `order` and `key` — in one ordered by another
/// key (`key`'s text form) then id. Opaque to API clients: base64url of
/// `<instant>|<uuid>[|<order>|<base64url key>]`.
public struct PageCursor: Hashable, Sendable {
    public var createdAt: Date
    public var id: UUID
    /// The ordering the cursor belongs to (e.g. `-overdue_balance`); nil: newest first.
    public var order: String?
    /// The last item's sort key, as text.
    public var key: String?

    public init(createdAt: Date, id: UUID, order: String? = nil, key: String? = nil) {
        self.createdAt = createdAt
        self.id = id
        self.order = order
        self.key = key
    }

    public var encoded: String {
        var plain = "\(RFC3339.string(from: createdAt))|\(id.uuidString.lowercased())"
        if let order { plain += "|\(order)|\(Self.base64URL(Data((key ?? "").utf8)))" }
        return Self.base64URL(Data(plain.utf8))
    }

    /// Nil when `text` is not a cursor this system made.
    public static func decode(_ text: String) -> PageCursor? {
        guard let data = data(base64URL: text), let plain = String(data: data, encoding: .utf8) else { return nil }
        let parts = plain.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 4, let date = RFC3339.date(from: String(parts[0])),
              let id = UUID.parse(String(parts[1])) else {
            return nil
        }
        guard parts.count == 4 else { return PageCursor(createdAt: date, id: id) }
        guard let keyData = Self.data(base64URL: String(parts[3])), let key = String(data: keyData, encoding: .utf8) else { return nil }
        return PageCursor(createdAt: date, id: id, order: String(parts[2]), key: key)
    }

    private static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func data(base64URL text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
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

    /// `order`: the ordering of the list (nil: newest first). A cursor this API did not
    /// make is 400; one it made for another ordering is 422 (well formed, but not for this
    /// request).
    public init(limit: Int, cursor: String?, order: String? = nil) throws(ErrorBody) {
        self.limit = min(max(limit, 1), Self.maximumLimit)
        guard let cursor, !cursor.isEmpty else {  // `?cursor=` is the first page
            after = nil
            return
        }
        guard let decoded = PageCursor.decode(cursor) else {
            throw .invalidArgument("cursor is not one this API returned", field: "cursor")
        }
        guard decoded.order == order else {
            throw .unprocessable("cursor belongs to another sort order; start again without it", field: "cursor")
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

/// One page of a keyset list as a reply carries it: the items, the next page's cursor (nil
/// on the last) and how many match in all — the one page shape of every list.
public struct ItemPage<Item: Codable & Hashable & Sendable>: Codable, Hashable, Sendable {
    public var items: [Item]
    public var nextCursor: String?
    /// How many match the filters (within the scope), on every page.
    public var total: Int

    public init(items: [Item], nextCursor: String?, total: Int) {
        self.items = items
        self.nextCursor = nextCursor
        self.total = total
    }
}
