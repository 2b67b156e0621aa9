import Contracts
import Foundation
import Postgres
import PostgresContracts

/// The timeline in the `history` schema, on the caller's connection. An activity comes
/// from one source (an event, a note, a task change) and is recorded at most once per
/// source id: a replayed event never makes a second row.
struct ActivityStore {
    let connection: PostgresConnection

    /// Records an activity once per source (`source`: the event's id, or the note's or the
    /// command's); false when that source was recorded before.
    @discardableResult
    /// `body`: an event's JSON kept whole (one nothing maps).
    func record(_ activity: Activity, source: MessageID, publisher: String, body: String? = nil) throws -> Bool {
        try connection.execute("""
            INSERT INTO activities (id, customer_id, category, type, summary, occurred_at, actor, source_publisher, source_event_id,
                                    direction, links, body)
            VALUES (\(activity.id), \(activity.customerId), \(activity.category), \(activity.type), \(activity.summary),
                    \(activity.occurredAt), \(try activity.actor.map(PostgresJSON.init)), \(publisher), \(source),
                    \(activity.direction?.rawValue), \(try PostgresJSON(activity.links)), \(body)::jsonb)
            ON CONFLICT (source_event_id) DO NOTHING
            """) == 1
    }

    /// Records the activity an event makes, once per event.
    func record(_ activity: Activity, from envelope: Envelope) throws {
        try record(activity, source: envelope.id, publisher: envelope.publisher ?? "unknown")
    }

    /// Changes the summary of the activity `source` made (a note edited in its window).
    func resummarize(source: UUID, to summary: String) throws {
        try connection.execute("UPDATE activities SET summary = \(summary) WHERE source_event_id = \(source)")
    }

    /// Keeps an event about no customer that nothing maps, once.
    func keepUnmapped(_ envelope: Envelope, body: String) throws {
        try connection.execute("""
            INSERT INTO unmapped_events (source_event_id, source_publisher, type, body, occurred_at)
            VALUES (\(envelope.id), \(envelope.publisher ?? "unknown"), \(envelope.type), \(body)::jsonb, \(envelope.sentAt))
            ON CONFLICT (source_event_id) DO NOTHING
            """)
    }

    private static let columns: StaticString = "id, customer_id, category, type, summary, occurred_at, actor, direction, links, source_event_id"

    /// One page of a customer's timeline (one tab), newest first. Keyset on (occurred_at,
    /// id): an activity that existed when paging began is on exactly one page, whatever
    /// arrives meanwhile — new ones land before the first page, late ones (replayed with an
    /// older time) among the rest.
    func list(_ request: ListActivities) throws -> ActivityPage {
        let paging = try KeysetPage(limit: request.limit, cursor: request.cursor)
        let after = paging.after
        let categories = request.tab.categories
        let rows = try connection.query("""
            SELECT \(sql: Self.columns) FROM activities
            WHERE customer_id = \(request.customerId)
              AND (\(categories)::text[] IS NULL OR category = ANY(\(categories)::text[]))
              AND (\(after?.createdAt)::timestamptz IS NULL OR (occurred_at, id) < (\(after?.createdAt), \(after?.id)))
            ORDER BY occurred_at DESC, id DESC
            LIMIT \(paging.fetchLimit)
            """)
        let items = try rows.map(Self.activity)
        let page = paging.page(items) { PageCursor(createdAt: $0.occurredAt, id: $0.id.uuid) }
        return ActivityPage(items: page.items, nextCursor: page.nextCursor)
    }

    /// The newest `limit` activities of a customer as a JSON array of `Activity`, written
    /// by PostgreSQL (no row is decoded or encoded here), and the cursor of the page after
    /// them. Its keys are `Activity`'s; `TimelineTests` checks it decodes to exactly what
    /// `list` returns.
    func recentJSON(of customer: CustomerID, limit: Int) throws -> (items: RawJSON, nextCursor: String?) {
        let paging = try KeysetPage(limit: limit, cursor: nil)
        let rows = try connection.query("""
            SELECT json_build_object(
                       'actor', actor, 'category', category, 'customer_id', customer_id, 'direction', direction, 'id', id,
                       -- Every link named, null when absent, as ActivityLinks writes them (older rows hold '{}').
                       'links', '{"contact_id": null, "invoice_id": null, "note_id": null, "payment_id": null,
                                  "promise_id": null, "task_id": null}'::jsonb || links,
                       'occurred_at', to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                       'source_id', source_event_id, 'summary', summary, 'type', type)::text,
                   occurred_at, id
            FROM activities WHERE customer_id = \(customer)
            ORDER BY occurred_at DESC, id DESC
            LIMIT \(paging.fetchLimit)
            """).map { try $0.decode((String, Date, UUID).self) }
        let page = paging.page(rows) { PageCursor(createdAt: $0.1, id: $0.2) }
        return (RawJSON(array: page.items.map(\.0.utf8)), page.nextCursor)
    }

    static func activity(_ row: PostgresRow) throws -> Activity {
        let (id, customer, category, type, summary, occurredAt, actor, direction) =
            try row.decode((ActivityID, CustomerID, String, String, String, Date, PostgresJSON<Actor>?, String?).self)
        let links = try row.decode(PostgresJSON<ActivityLinks>.self, at: 8)
        let source = try row.decode(UUID.self, at: 9)
        return Activity(id: id, customerId: customer, category: category, type: type, summary: summary, occurredAt: occurredAt,
                        actor: actor?.value, direction: direction.flatMap(ActivityDirection.init(rawValue:)), links: links.value,
                        sourceId: source)
    }

    // MARK: Users

    /// Keeps a user's name (the gateway's `user.upserted`).
    func keepUser(_ id: UserID, name: String) throws {
        try connection.execute("""
            INSERT INTO users (id, name) VALUES (\(id), \(name))
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, updated_at = now()
            """)
    }

    /// The user's name, when known.
    func userName(_ id: UserID?) throws -> String? {
        guard let id else { return nil }
        return try connection.query("SELECT name FROM users WHERE id = \(id)").first?.decode(String.self)
    }
}
