import Foundation
import Postgres
import PostgresContracts
import TestSupport
import Threading
import XCTest

final class MigratorTests: XCTestCase {
    private let set = try! MigrationSet(component: "widgets", migrations: [
        Migration(version: 2, name: "add_colour", sql: "ALTER TABLE widget ADD COLUMN colour text; INSERT INTO log VALUES ('2');"),
        Migration(version: 1, name: "create", sql: "CREATE TABLE widget (id int); CREATE TABLE log (v text); INSERT INTO log VALUES ('1');"),
    ])

    func testRunningTwiceAppliesEachFileOnce() throws {
        let schema = try TestDatabase.freshSchema("mig")
        let connection = try TestDatabase.connect(schema: "public")
        let migrator = Migrator(schema: schema)
        XCTAssertEqual(try migrator.migrate(connection, [set]).map(\.1), [1, 2])
        XCTAssertEqual(try migrator.migrate(connection, [set]).count, 0)
        let log = try connection.query("SELECT string_agg(v, ',' ORDER BY v) FROM \(identifier: schema).log").single((String).self)
        XCTAssertEqual(log, "1,2")
    }

    func testConcurrentMigratorsApplyEachFileOnce() throws {
        let schema = "mig_race_\(UUID().uuidString.prefix(8).lowercased())"  // not created yet: both race to create it
        let url = try TestDatabase.url
        let set = self.set
        let applied = Locked<[Int]>([])
        let failures = Locked<[String]>([])
        let threads = (0..<2).map { index in
            JoinableThread(name: "migrator-\(index)") {
                do {
                    let connection = try PostgresConnection(url: url)
                    let versions = try Migrator(schema: schema).migrate(connection, [set]).map(\.1)
                    applied.withLock { $0 += versions }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        threads.forEach { $0.join() }
        XCTAssertEqual(failures.value, [])
        XCTAssertEqual(applied.value.sorted(), [1, 2])
        let connection = try PostgresConnection(url: url)
        XCTAssertEqual(try connection.query("SELECT count(*) FROM \(identifier: schema).log").single((Int64).self), 2)
    }

    func testEditedMigrationIsRefused() throws {
        let schema = try TestDatabase.freshSchema("mig")
        let connection = try TestDatabase.connect(schema: "public")
        try Migrator(schema: schema).migrate(connection, [set])
        let edited = try MigrationSet(component: "widgets", migrations: [
            Migration(version: 1, name: "create", sql: "CREATE TABLE widget (id bigint);")])
        XCTAssertThrowsError(try Migrator(schema: schema).migrate(connection, [edited]))
    }

    func testFailingMigrationLeavesNothingBehind() throws {
        let schema = try TestDatabase.freshSchema("mig")
        let connection = try TestDatabase.connect(schema: "public")
        let broken = try MigrationSet(component: "widgets", migrations: [
            Migration(version: 1, name: "create", sql: "CREATE TABLE widget (id int);"),
            Migration(version: 2, name: "broken", sql: "ALTER TABLE nowhere ADD COLUMN x int;")])
        XCTAssertThrowsError(try Migrator(schema: schema).migrate(connection, [broken]))
        XCTAssertEqual(try connection.query("SELECT count(*) FROM pg_tables WHERE schemaname = \(schema)").single((Int64).self), 0)
    }

    func testLoadsNumberedFilesFromADirectory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "SELECT 2;".write(to: directory.appendingPathComponent("0002_second.sql"), atomically: true, encoding: .utf8)
        try "SELECT 1;".write(to: directory.appendingPathComponent("0001_first.sql"), atomically: true, encoding: .utf8)
        let loaded = try MigrationSet.load(component: "c", directory: directory)
        XCTAssertEqual(loaded.migrations.map(\.name), ["first", "second"])
        XCTAssertEqual(loaded.migrations.map(\.version), [1, 2])
    }
}
