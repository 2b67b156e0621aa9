import Contracts
import Foundation
import Messaging
import Threading
import ZMQ

func probeServer(clientContext: ZMQContext, serverContext: ZMQContext, databaseURL: String) throws {
    var handlers = HandlerRegistry()
    handlers.query("bench.noop", Empty.self) { _, _ in Empty() }
    let server = try CommandServer(context: serverContext, configuration: .init(endpoint: "tcp://127.0.0.1:*",
        databaseURL: try migratedSchemaURL(base: databaseURL, prefix: "probe"), workerCount: Int(ProcessInfo.processInfo.environment["WORKERS"] ?? "2")!), handlers: handlers)
    defer { server.stop() }
    let dealer = try ZMQSocket(clientContext, type: .dealer)
    defer { dealer.close() }
    try dealer.connect(server.endpoint)
    let frames = try Message(envelope: Envelope(kind: .query, type: "bench.noop"), body: ContractJSON.encode(Empty())).frames()
    for _ in 0..<1000 { try dealer.send(frames); _ = try dealer.receive() }
    var s = Samples()
    let clock = ContinuousClock()
    for _ in 0..<10000 { let t = clock.now; try dealer.send(frames); _ = try dealer.receive(); s.add((clock.now - t).microseconds) }
    print("sync dealer -> CommandServer p50", s.percentile(50))
}

func probeClient(clientContext: ZMQContext, serverContext: ZMQContext) async throws {
    let stop = StopFlag()
    let bound = StartupGate<String>()
    let echo = JoinableThread(name: "echo") {
        do {
            let router = try ZMQSocket(serverContext, type: .router)
            defer { router.close() }
            try router.bind("tcp://127.0.0.1:*")
            bound.succeed(try router.lastEndpoint())
            // Precomputed reply per request: just rewrite the envelope's correlation id.
            while !stop.isStopped {
                guard try zmqPoll([.socket(router, .readable)], timeoutMilliseconds: 100)[0].contains(.readable) else { continue }
                let request = try router.receive()
                let message = try Message(frames: request[1...])
                try router.send([request[0]] + Message(envelope: message.envelope.reply(status: .ok), body: Array("{}".utf8)).frames())
            }
        } catch { bound.fail(error) }
    }
    defer { stop.stop(); echo.join() }
    let client = try CommandClient(context: clientContext, service: "probe", endpoint: try bound.wait())
    defer { client.shutdown() }
    let body = try ContractJSON.encode(Empty())
    for _ in 0..<1000 { _ = try await client.send(Envelope(kind: .query, type: "bench.noop"), body: body) }
    var s = Samples()
    let clock = ContinuousClock()
    for _ in 0..<10000 {
        let t = clock.now
        _ = try await client.send(Envelope(kind: .query, type: "bench.noop"), body: body)
        s.add((clock.now - t).microseconds)
    }
    print("async CommandClient -> echo (decode+encode envelope) p50", s.percentile(50))
}

func probePieces() throws {
    let clock = ContinuousClock()
    func time(_ name: String, _ body: () throws -> Void) rethrows {
        let s = clock.now
        for _ in 0..<20_000 { try body() }
        print(name, (clock.now - s).microseconds / 20_000)
    }
    let id = MessageID()
    let date = Date()
    let text = RFC3339.string(from: date)
    let env = Envelope(kind: .query, type: "bench.noop")
    let bytes = try ContractJSON.encode(env)
    try time("id.description") { _ = id.description }
    try time("RFC3339.string") { _ = RFC3339.string(from: date) }
    try time("RFC3339.date") { _ = RFC3339.date(from: text) }
    try time("encode envelope") { _ = try ContractJSON.encode(env) }
    try time("decode envelope") { _ = try ContractJSON.decode(Envelope.self, from: bytes) }
    try time("fast encode envelope") { _ = env.jsonBytes() }
    try time("fast decode envelope") { _ = try Envelope(jsonBytes: bytes) }
    try time("encode ids array") { _ = try ContractJSON.encode([id, id, id]) }
}
