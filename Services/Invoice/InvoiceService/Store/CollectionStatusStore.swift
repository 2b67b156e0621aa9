import Contracts
import Foundation
import Postgres
import PostgresContracts

/// Collection statuses in the `invoice` schema, on the caller's connection. Every change
/// first takes the table's lock (`lockForChange`), so orders and the one default never race.
struct CollectionStatusStore {
    let connection: PostgresConnection

    private static let columns: StaticString = "id, name, position, manager_id, is_default, disputed, created_at"

    /// Serialises changes to the statuses (their order and default span rows).
    func lockForChange() throws {
        try connection.execute("LOCK TABLE collection_statuses IN SHARE ROW EXCLUSIVE MODE")
    }

    func all() throws -> [CollectionStatus] {
        try connection.query("SELECT \(sql: Self.columns) FROM collection_statuses ORDER BY position, created_at, id")
            .map(Self.status)
    }

    func find(_ id: CollectionStatusID) throws -> CollectionStatus? {
        try connection.query("SELECT \(sql: Self.columns) FROM collection_statuses WHERE id = \(id)").first.map(Self.status)
    }

    /// The status new invoices get, if one is marked.
    func defaultStatus() throws -> CollectionStatus? {
        try connection.query("SELECT \(sql: Self.columns) FROM collection_statuses WHERE is_default").first.map(Self.status)
    }

    /// Whether another status has this name in any case.
    func nameTaken(_ name: String, except id: CollectionStatusID?) throws -> Bool {
        try connection.query("""
            SELECT count(*) FROM collection_statuses WHERE lower(name) = lower(\(name)) AND (\(id)::uuid IS NULL OR id <> \(id))
            """).single(Int.self) > 0
    }

    func insert(_ status: CollectionStatus) throws {
        try connection.execute("""
            INSERT INTO collection_statuses (id, name, position, manager_id, is_default, disputed)
            VALUES (\(status.id), \(status.name), \(status.position), \(status.managerId), \(status.isDefault), \(status.disputed))
            """)
    }

    func update(_ status: CollectionStatus) throws {
        try connection.execute("""
            UPDATE collection_statuses SET name = \(status.name), manager_id = \(status.managerId), is_default = \(status.isDefault),
                disputed = \(status.disputed), updated_at = now()
            WHERE id = \(status.id)
            """)
    }

    /// Unmarks every default but `id`.
    func clearDefault(except id: CollectionStatusID) throws {
        try connection.execute("UPDATE collection_statuses SET is_default = false WHERE is_default AND id <> \(id)")
    }

    /// Writes positions 0, 1, 2… in `order`.
    func renumber(_ order: [CollectionStatusID]) throws {
        for (position, id) in order.enumerated() {
            try connection.execute("UPDATE collection_statuses SET position = \(position) WHERE id = \(id) AND position <> \(position)")
        }
    }

    /// How many invoices that are not void are in the status.
    func invoicesIn(_ id: CollectionStatusID) throws -> Int {
        try connection.query("SELECT count(*) FROM invoices WHERE collection_status_id = \(id) AND state <> 'void'").single(Int.self)
    }

    /// Deletes the status; voided invoices that were left in it keep none.
    func delete(_ id: CollectionStatusID) throws {
        try connection.execute("UPDATE invoices SET collection_status_id = NULL WHERE collection_status_id = \(id) AND state = 'void'")
        try connection.execute("DELETE FROM collection_statuses WHERE id = \(id)")
    }

    private static func status(_ row: PostgresRow) throws -> CollectionStatus {
        let (id, name, position, manager, isDefault, disputed, createdAt) =
            try row.decode((CollectionStatusID, String, Int, UserID?, Bool, Bool, Date).self)
        return CollectionStatus(id: id, name: name, position: position, managerId: manager, isDefault: isDefault,
                                disputed: disputed, createdAt: createdAt)
    }
}
