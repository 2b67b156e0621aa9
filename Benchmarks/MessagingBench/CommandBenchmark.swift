import Contracts
import Foundation
import Messaging
import Threading
import ZMQ

/// (a) A no-op query through CommandClient/CommandServer against a raw libzmq
/// DEALER/ROUTER echo carrying the same bytes, in the same run.
///
/// In both, client and server have separate ZeroMQ contexts (their own I/O threads), as
/// a gateway and a service in separate processes do.
struct CommandBenchmark {
    let clientContext: ZMQContext
    let serverContext: ZMQContext
    let databaseURL: String
    let iterations: Int
    let inFlight = 32

    /// Raw libzmq: a ROUTER echo thread and a DEALER on this thread.
    func raw(frames: [ZMQFrame]) throws -> (latency: Samples, throughput: Double) {
        let stop = StopFlag()
        let bound = StartupGate<String>()
        let echo = JoinableThread(name: "raw-echo") {
            do {
                let router = try ZMQSocket(serverContext, type: .router)
                defer { router.close() }
                try router.bind("tcp://127.0.0.1:*")
                bound.succeed(try router.lastEndpoint())
                while !stop.isStopped {
                    guard try zmqPoll([.socket(router, .readable)], timeoutMilliseconds: 100)[0].contains(.readable) else { continue }
                    try router.send(try router.receive())
                }
            } catch {
                bound.fail(error)
            }
        }
        defer {
            stop.stop()
            echo.join()
        }
        let endpoint = try bound.wait()
        let dealer = try ZMQSocket(clientContext, type: .dealer)
        defer { dealer.close() }
        try dealer.connect(endpoint)

        for _ in 0..<1_000 {  // warm-up
            try dealer.send(frames)
            _ = try dealer.receive()
        }
        var latency = Samples()
        let clock = ContinuousClock()
        for _ in 0..<iterations {
            let start = clock.now
            try dealer.send(frames)
            _ = try dealer.receive()
            latency.add((clock.now - start).microseconds)
        }
        let start = clock.now
        var sent = 0, received = 0
        while received < iterations {
            while sent < iterations && sent - received < inFlight {
                try dealer.send(frames)
                sent += 1
            }
            _ = try dealer.receive()
            received += 1
        }
        return (latency, Double(iterations) / (clock.now - start).seconds)
    }

    /// Through our stack: async CommandClient → CommandServer (proxy, worker, dispatch).
    func messaging(type: String, idempotent: Bool, iterations: Int) async throws -> (latency: Samples, throughput: Double) {
        var handlers = HandlerRegistry()
        handlers.query(Query<Empty, Empty>("bench.noop")) { _, _ in Empty() }
        handlers.command(Command<Empty, Empty>("bench.touch")) { _, _ in Empty() }
        let server = try CommandServer(
            context: serverContext,
            configuration: .init(endpoint: "tcp://127.0.0.1:*",
                                 databaseURL: try migratedSchemaURL(base: databaseURL, prefix: "bench_cmd"), workerCount: 2),
            handlers: handlers)
        defer { server.stop() }
        let client = try CommandClient(context: clientContext, service: "bench", endpoint: server.endpoint)
        defer { client.shutdown() }
        let body = try ContractJSON.encode(Empty())

        func once() async throws {
            let envelope = Envelope(kind: idempotent ? .command : .query, type: type)
            let reply = try await client.send(envelope, body: body)
            guard reply.envelope.status == .ok else { throw ErrorBody.internal("bench request failed") }
        }
        for _ in 0..<min(1_000, iterations) { try await once() }  // warm-up
        var latency = Samples()
        let clock = ContinuousClock()
        for _ in 0..<iterations {
            let start = clock.now
            try await once()
            latency.add((clock.now - start).microseconds)
        }
        let start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<inFlight {
                group.addTask {
                    for _ in stride(from: worker, to: iterations, by: inFlight) { try await once() }
                }
            }
            try await group.waitForAll()
        }
        return (latency, Double(iterations) / (clock.now - start).seconds)
    }
}
