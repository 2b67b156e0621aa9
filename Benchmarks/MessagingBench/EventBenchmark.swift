import Contracts
import Foundation
import Messaging
import Postgres
import PostgresContracts
import Threading
import ZMQ

/// (b) Events from outbox insert to subscriber-applied, through real PostgreSQL (fsync on),
/// the relay, PUB/SUB and the subscriber's batched transactions.
struct EventBenchmark {
    let context: ZMQContext
    let baseURL: String

    struct Written: Codable, Sendable { var n: Int; var writtenAt: Date }

    /// A fresh publisher/consumer pair with relay and subscriber running.
    final class Pipeline: Sendable {
        let publisherURL: String
        let consumerURL: String
        let outbox: Outbox
        let server: CommandServer
        let relay: OutboxRelay
        let subscriber: EventSubscriber

        init(context: ZMQContext, baseURL: String, name: String) throws {
            publisherURL = try migratedSchemaURL(base: baseURL, prefix: "bench_pub_\(name)")
            consumerURL = try migratedSchemaURL(base: baseURL, prefix: "bench_sub_\(name)", extra: [
                Migration(version: 1, name: "applied", sql: """
                    CREATE TABLE applied (n bigint NOT NULL, written_at timestamptz NOT NULL,
                                          applied_at timestamptz NOT NULL DEFAULT clock_timestamp());
                    """)])
            let publisher = "bench_\(name)"
            outbox = Outbox(publisher: publisher)
            server = try CommandServer(
                context: context,
                configuration: .init(endpoint: "tcp://127.0.0.1:*", databaseURL: publisherURL, workerCount: 1, outbox: outbox),
                handlers: HandlerRegistry())
            relay = try OutboxRelay(context: context, configuration: .init(
                endpoint: "tcp://127.0.0.1:*", databaseURL: publisherURL, outbox: outbox))
            var handlers = EventHandlerRegistry()
            handlers.on(Event<Written>("bench.written")) { body, context in
                try context.connection.execute("INSERT INTO applied (n, written_at) VALUES (\(body.n), \(body.writtenAt))")
            }
            subscriber = EventSubscriber(context: context, configuration: .init(
                publisher: publisher, eventsEndpoint: relay.endpoint, commandEndpoint: server.endpoint,
                databaseURL: consumerURL), handlers: handlers)
        }

        func stop() {
            subscriber.stop()
            relay.stop()
            server.stop()
        }

        func write(_ n: Int, on connection: PostgresConnection) throws {
            try connection.withTransaction {
                try outbox.append(try Message(envelope: Envelope(kind: .event, type: "bench.written"),
                                              encoding: Written(n: n, writtenAt: Date())), on: connection)
            }
        }

        func waitForApplied(_ count: Int, timeoutSeconds: Double) throws {
            let connection = try PostgresConnection(url: consumerURL)
            let deadline = Date().addingTimeInterval(timeoutSeconds)
            while try connection.query("SELECT count(*) FROM applied").single(Int.self) < count {
                guard Date() < deadline else { throw ErrorBody.unavailable("events were not applied in time") }
                Thread.sleep(forTimeInterval: 0.005)
            }
        }

        /// p50 and p99 of insert-to-applied, in milliseconds.
        func latencyPercentiles() throws -> (p50: Double, p99: Double) {
            let connection = try PostgresConnection(url: consumerURL)
            let (p50, p99) = try connection.query("""
                SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM applied_at - written_at)),
                       percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM applied_at - written_at))
                FROM applied
                """).single((Double, Double).self)
            return (p50 * 1_000, p99 * 1_000)
        }
    }

    /// `writers` threads each write `perWriter` events, one per transaction, as fast as they can.
    func throughput(writers: Int, perWriter: Int) throws -> (applied: Double, written: Double) {
        let pipeline = try Pipeline(context: context, baseURL: baseURL, name: "tput")
        defer { pipeline.stop() }
        let failures = Locked<[String]>([])
        let start = ContinuousClock.now
        let threads = (0..<writers).map { writer in
            JoinableThread(name: "bench-writer-\(writer)") {
                do {
                    let connection = try PostgresConnection(url: pipeline.publisherURL)
                    for index in 0..<perWriter { try pipeline.write(writer * perWriter + index, on: connection) }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        threads.forEach { $0.join() }
        let written = Double(writers * perWriter) / (ContinuousClock.now - start).seconds
        if let failure = failures.value.first { throw ErrorBody.internal(failure) }
        try pipeline.waitForApplied(writers * perWriter, timeoutSeconds: 120)
        return (Double(writers * perWriter) / (ContinuousClock.now - start).seconds, written)
    }

    /// One writer paced at `rate` events/s for `count` events; returns latency percentiles (ms).
    func latency(rate: Double, count: Int) throws -> (p50: Double, p99: Double) {
        let pipeline = try Pipeline(context: context, baseURL: baseURL, name: "lat")
        defer { pipeline.stop() }
        Thread.sleep(forTimeInterval: 0.5)  // let the subscriber connect and catch up (nothing to catch)
        let connection = try PostgresConnection(url: pipeline.publisherURL)
        let interval = 1.0 / rate
        let start = Date()
        for n in 0..<count {
            let due = start.addingTimeInterval(Double(n) * interval)
            let wait = due.timeIntervalSinceNow
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
            try pipeline.write(n, on: connection)
        }
        try pipeline.waitForApplied(count, timeoutSeconds: 60)
        return try pipeline.latencyPercentiles()
    }
}
