import CLibPQ
import Glibc
import Logging

/// A NOTIFY received on a channel this connection listens to.
public struct PostgresNotification: Sendable, Equatable {
    public let channel: String
    public let payload: String
    public let senderPID: Int32
}

/// Transaction isolation levels.
public enum PostgresIsolation: String, Sendable {
    case readCommitted = "READ COMMITTED"
    case repeatableRead = "REPEATABLE READ"
    case serializable = "SERIALIZABLE"
}

/// One PostgreSQL connection (libpq), owned by one thread.
///
/// Never shared between threads: the type is not `Sendable` and checks its owner at run
/// time. Every query binds its values as parameters (`PostgresQuery`). A connection that
/// broke while idle is re-established before the next statement; one that breaks during a
/// statement throws `.connectionLost` (or `.commitOutcomeUnknown` during COMMIT) and is
/// re-established on the next call — it never silently repeats a statement.
public final class PostgresConnection {
    private var handle: OpaquePointer?
    private let owner: pthread_t
    private let logger: Logger
    private var listenedChannels: [String] = []
    private var transactionDepth = 0
    private var afterCommitActions: [(key: String, action: (PostgresConnection) -> Void)] = []

    /// Connecting gives up after this many seconds, unless the URL sets `connect_timeout`.
    public static let defaultConnectTimeoutSeconds = 5
    /// A statement is cancelled after this long (`queryCanceled`), unless the URL's
    /// `options` set `statement_timeout`: nothing waits on the database without a bound.
    public static let defaultStatementTimeoutMilliseconds = 30_000

    private let statementTimeoutFromURL: Bool

    /// Connects with a libpq URL or key/value string, e.g. `postgresql://user@127.0.0.1:5432/db`.
    /// The session runs in UTC with ISO dates, with the default timeouts above.
    public init(url: String, logger: Logger = Logger(label: "postgres")) throws {
        self.owner = pthread_self()
        self.logger = logger
        statementTimeoutFromURL = url.contains("statement_timeout")
        var bounded = url
        if !url.contains("connect_timeout") {
            let setting = "connect_timeout=\(Self.defaultConnectTimeoutSeconds)"
            if url.hasPrefix("postgresql://") || url.hasPrefix("postgres://") {
                bounded += (url.contains("?") ? "&" : "?") + setting
            } else {
                bounded += " " + setting
            }
        }
        let connection = PQconnectdb(bounded)
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            let message = connection.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            if let connection { PQfinish(connection) }
            throw PostgresError(kind: .connectionFailed, message: message.trimmingNewlines)
        }
        handle = connection
        try configureSession()
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    /// Closes the connection now.
    public func close() {
        assertOwner()
        if let handle { PQfinish(handle) }
        handle = nil
    }

    /// The server process id of this session (`pg_backend_pid()`).
    public var backendPID: Int32 { handle.map { PQbackendPID($0) } ?? 0 }

    /// Whether a transaction is open on this connection.
    public var isInTransaction: Bool { transactionDepth > 0 }

    // MARK: Statements

    /// Runs a statement and returns its rows.
    @discardableResult
    public func query(_ query: PostgresQuery) throws -> PostgresRows {
        PostgresRows(try run(query))
    }

    /// Runs a statement and returns the number of rows it affected.
    @discardableResult
    public func execute(_ query: PostgresQuery) throws -> Int {
        let result = try run(query)
        return Int(String(cString: PQcmdTuples(result.handle))) ?? 0
    }

    /// Runs trusted SQL text that may hold several statements (migration files) with the
    /// simple protocol. Never pass it anything built from input: it binds nothing.
    public func executeScript(_ sql: String) throws {
        let connection = try liveConnection()
        guard let raw = PQexec(connection, sql) else { throw connectionError(connection) }
        let result = PostgresResult(raw)
        do {
            try check(result, connection: connection)
        } catch {
            // A script that opened its own transaction and failed half-way leaves it open
            // and aborted; close it so the session stays usable.
            if transactionDepth == 0 && PQtransactionStatus(connection) == PQTRANS_INERROR {
                if let raw = PQexec(connection, "ROLLBACK") { PQclear(raw) }
            }
            throw error
        }
    }

    private func run(_ query: PostgresQuery) throws -> PostgresResult {
        let connection = try liveConnection()
        let bindings = query.bindings
        let types = bindings.map { $0.type.rawValue }
        // Keep the C strings alive for the duration of the call.
        let texts: [[CChar]?] = bindings.map { $0.text.map { Array($0.utf8CString) } }
        let raw: OpaquePointer? = withCStringArray(texts) { values in
            types.withUnsafeBufferPointer { typePointer in
                PQexecParams(connection, query.sql, Int32(bindings.count), typePointer.baseAddress,
                             values, nil, nil, 0)
            }
        }
        guard let raw else { throw connectionError(connection) }
        let result = PostgresResult(raw)
        try check(result, connection: connection)
        return result
    }

    private func check(_ result: PostgresResult, connection: OpaquePointer) throws {
        switch PQresultStatus(result.handle) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return
        default:
            func field(_ code: Int32) -> String? {
                PQresultErrorField(result.handle, code).map { String(cString: $0) }
            }
            let sqlState = field(Int32(UInt8(ascii: "C")))
            var kind = PostgresError.kind(for: sqlState)
            if PQstatus(connection) == CONNECTION_BAD { kind = .connectionLost }
            let message = field(Int32(UInt8(ascii: "M")))
                ?? String(cString: PQresultErrorMessage(result.handle)).trimmingNewlines
            throw PostgresError(kind: kind, sqlState: sqlState, message: message,
                                detail: field(Int32(UInt8(ascii: "D"))), constraint: field(Int32(UInt8(ascii: "n"))),
                                table: field(Int32(UInt8(ascii: "t"))), column: field(Int32(UInt8(ascii: "c"))))
        }
    }

    private func connectionError(_ connection: OpaquePointer) -> PostgresError {
        PostgresError(kind: .connectionLost, message: String(cString: PQerrorMessage(connection)).trimmingNewlines)
    }

    // MARK: Transactions

    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it throws.
    /// Nested calls become savepoints. A COMMIT whose outcome is unknown (the connection
    /// broke) throws `.commitOutcomeUnknown` and is never retried here.
    public func withTransaction<T>(
        isolation: PostgresIsolation = .readCommitted, _ body: () throws -> T
    ) throws -> T {
        if transactionDepth > 0 { return try withSavepoint(body) }
        try execute(PostgresQuery(unsafeSQL: "BEGIN ISOLATION LEVEL \(isolation.rawValue)"))
        transactionDepth = 1
        defer { transactionDepth = 0 }
        let value: T
        do {
            value = try body()
        } catch {
            rollbackQuietly()
            throw error
        }
        do {
            try execute("COMMIT")
        } catch let error as PostgresError where error.kind == .connectionLost {
            afterCommitActions.removeAll()
            throw PostgresError(kind: .commitOutcomeUnknown, sqlState: error.sqlState,
                                message: "the connection broke during COMMIT: \(error.message)")
        }
        transactionDepth = 0
        runAfterCommitActions()
        return value
    }

    /// Runs `action` once the current `withTransaction` has committed, or at once when no
    /// transaction is open; dropped if it rolls back. Actions with the same `key` in one
    /// transaction run once. For work that must not delay or lengthen the commit itself,
    /// and that may be lost without harm: inside a transaction opened by a bare `BEGIN`
    /// statement, whose commit this wrapper cannot see, the action is dropped.
    public func afterCommit(key: String, _ action: @escaping (PostgresConnection) -> Void) {
        assertOwner()
        if transactionDepth > 0 {
            if !afterCommitActions.contains(where: { $0.key == key }) { afterCommitActions.append((key, action)) }
        } else if let handle, PQtransactionStatus(handle) == PQTRANS_IDLE {
            action(self)
        }
    }

    private func runAfterCommitActions() {
        let actions = afterCommitActions
        afterCommitActions.removeAll()
        for entry in actions { entry.action(self) }
    }

    private func withSavepoint<T>(_ body: () throws -> T) throws -> T {
        let name = "sp_\(transactionDepth)"
        try execute(PostgresQuery(unsafeSQL: "SAVEPOINT \(name)"))
        transactionDepth += 1
        defer { transactionDepth -= 1 }
        do {
            let value = try body()
            try execute(PostgresQuery(unsafeSQL: "RELEASE SAVEPOINT \(name)"))
            return value
        } catch {
            _ = try? execute(PostgresQuery(unsafeSQL: "ROLLBACK TO SAVEPOINT \(name)"))
            throw error
        }
    }

    private func rollbackQuietly() {
        afterCommitActions.removeAll()
        guard let handle, PQstatus(handle) == CONNECTION_OK else { return }
        if let raw = PQexec(handle, "ROLLBACK") { PQclear(raw) }
    }

    // MARK: Advisory locks

    /// Takes a session-level advisory lock, waiting for it.
    public func advisoryLock(_ key: Int64) throws {
        try query("SELECT pg_advisory_lock(\(key))")
    }

    /// Takes a session-level advisory lock if free; returns whether it was taken.
    public func tryAdvisoryLock(_ key: Int64) throws -> Bool {
        try query("SELECT pg_try_advisory_lock(\(key))").single((Bool).self)
    }

    /// Releases a session-level advisory lock.
    @discardableResult
    public func advisoryUnlock(_ key: Int64) throws -> Bool {
        try query("SELECT pg_advisory_unlock(\(key))").single((Bool).self)
    }

    /// Takes a transaction-level advisory lock (released at COMMIT/ROLLBACK).
    public func transactionAdvisoryLock(_ key: Int64) throws {
        try query("SELECT pg_advisory_xact_lock(\(key))")
    }

    // MARK: LISTEN / NOTIFY

    /// Listens on `channel`; kept across reconnects.
    public func listen(_ channel: String) throws {
        try execute("LISTEN \(identifier: channel)")
        if !listenedChannels.contains(channel) { listenedChannels.append(channel) }
    }

    /// Sends a notification (delivered at commit when inside a transaction).
    public func notify(_ channel: String, payload: String = "") throws {
        try query("SELECT pg_notify(\(channel), \(payload))")
    }

    /// Waits up to `timeoutMilliseconds` for notifications and returns those that arrived
    /// (possibly none). A broken connection is re-established (and re-listens) and reports
    /// a notification-less wake-up, since notifications sent meanwhile are lost: callers
    /// must treat a wake-up as "look again", never as the data itself.
    public func waitForNotifications(timeoutMilliseconds: Int32) throws -> [PostgresNotification] {
        let connection = try liveConnection()
        var notifications = drainNotifications(connection)
        if !notifications.isEmpty { return notifications }
        var descriptor = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, timeoutMilliseconds)
        if ready > 0 {
            if PQconsumeInput(connection) == 0 {
                throw connectionError(connection)
            }
            notifications = drainNotifications(connection)
        }
        return notifications
    }

    private func drainNotifications(_ connection: OpaquePointer) -> [PostgresNotification] {
        var notifications: [PostgresNotification] = []
        while let raw = PQnotifies(connection) {
            let notify = raw.pointee
            notifications.append(PostgresNotification(
                channel: String(cString: notify.relname), payload: String(cString: notify.extra),
                senderPID: notify.be_pid))
            PQfreemem(raw)
        }
        return notifications
    }

    // MARK: Connection health

    /// The connection, re-established first if it broke while idle.
    private func liveConnection() throws -> OpaquePointer {
        assertOwner()
        guard let connection = handle else {
            throw PostgresError(kind: .connectionLost, message: "the connection is closed")
        }
        if transactionDepth == 0 && !isHealthy(connection) {
            try reset(connection)
        }
        return connection
    }

    /// Cheap idle check: reads whatever the server sent (e.g. a termination notice).
    private func isHealthy(_ connection: OpaquePointer) -> Bool {
        guard PQstatus(connection) == CONNECTION_OK else { return false }
        // An idle session is readable only when the server said something unasked: a
        // notification, or a termination notice followed by end-of-file. Reading until
        // the socket is quiet reveals the end-of-file.
        var descriptor = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
        for _ in 0..<8 where poll(&descriptor, 1, 0) > 0 {
            if PQconsumeInput(connection) == 0 { return false }
        }
        return PQstatus(connection) == CONNECTION_OK
    }

    private func reset(_ connection: OpaquePointer) throws {
        logger.warning("PostgreSQL connection broken; reconnecting")
        PQreset(connection)
        guard PQstatus(connection) == CONNECTION_OK else {
            throw PostgresError(kind: .connectionLost,
                                message: "reconnect failed: \(String(cString: PQerrorMessage(connection)).trimmingNewlines)")
        }
        try configureSession()
        for channel in listenedChannels { try execute("LISTEN \(identifier: channel)") }
        logger.info("PostgreSQL connection re-established")
    }

    private func configureSession() throws {
        try executeScript("SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET bytea_output = 'hex'")
        if !statementTimeoutFromURL {
            try executeScript("SET statement_timeout = \(Self.defaultStatementTimeoutMilliseconds)")
        }
    }

    private func assertOwner() {
        precondition(pthread_equal(owner, pthread_self()) != 0,
                     "a PostgresConnection is used only by the thread that created it")
    }
}

@available(*, unavailable, message: "a PostgresConnection belongs to the thread that created it")
extension PostgresConnection: Sendable {}

/// Calls `body` with a C array of pointers to the given NUL-terminated strings (nil = NULL).
private func withCStringArray<R>(
    _ strings: [[CChar]?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R
) -> R {
    var pointers: [UnsafePointer<CChar>?] = []
    pointers.reserveCapacity(strings.count)
    func build(_ index: Int) -> R {
        if index == strings.count {
            return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
        }
        guard let string = strings[index] else {
            pointers.append(nil)
            return build(index + 1)
        }
        return string.withUnsafeBufferPointer { buffer in
            pointers.append(buffer.baseAddress)
            return build(index + 1)
        }
    }
    return build(0)
}

extension String {
    var trimmingNewlines: String {
        var text = Substring(self)
        while let last = text.last, last.isNewline || last == " " { text.removeLast() }
        return String(text)
    }
}
