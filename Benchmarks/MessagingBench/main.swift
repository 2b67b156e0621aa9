// `make bench`: messaging benchmarks on a throwaway PostgreSQL (fsync on).
//   (a) no-op command round trip through CommandClient/CommandServer vs raw libzmq
//   (b) events/s from outbox insert to subscriber-applied, and insert-to-applied latency at 500/s
//   (c) the envelope's hand-written JSON against JSONEncoder/JSONDecoder
//   (d) the gateway's Customer Details merge: decode+encode (before) against splicing (now)
// BENCH_ITERATIONS (default 20,000) sets the round trips per measurement; BENCH_ONLY=commands
// stops after (a), for profiling the command path.
import Contracts
import Foundation
import Logging
import Messaging
import ZMQ

LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = .warning
    return handler
}

guard let databaseURL = ProcessInfo.processInfo.environment["AR_TEST_DATABASE_URL"] else {
    FileHandle.standardError.write(Data("AR_TEST_DATABASE_URL is not set; run `make bench`\n".utf8))
    exit(2)
}
let iterations = Int(ProcessInfo.processInfo.environment["BENCH_ITERATIONS"] ?? "") ?? 20_000
let context = try ZMQContext()
var report = Report()

let serverContext = try ZMQContext()
let commands = CommandBenchmark(clientContext: context, serverContext: serverContext, databaseURL: databaseURL,
                                iterations: iterations)
let sameBytes = try Message(envelope: Envelope(kind: .query, type: "bench.noop"), body: ContractJSON.encode(Empty())).frames()
let raw = try commands.raw(frames: sameBytes)
let ours = try await commands.messaging(type: "bench.noop", idempotent: false, iterations: iterations)
let durable = try await commands.messaging(type: "bench.touch", idempotent: true, iterations: min(iterations, 5_000))
report.add("raw_rtt_p50", raw.latency.percentile(50), "us", "raw libzmq DEALER/ROUTER round trip p50")
report.add("raw_rtt_p99", raw.latency.percentile(99), "us", "raw libzmq DEALER/ROUTER round trip p99")
report.add("raw_throughput", raw.throughput, "1/s", "raw libzmq throughput (32 in flight)")
report.add("command_rtt_p50", ours.latency.percentile(50), "us", "no-op query via CommandClient/Server p50")
report.add("command_rtt_p99", ours.latency.percentile(99), "us", "no-op query via CommandClient/Server p99")
report.add("command_throughput", ours.throughput, "1/s", "no-op query throughput (32 in flight)")
report.add("command_rtt_p50_ratio", ours.latency.percentile(50) / raw.latency.percentile(50), "x", "p50 ratio (ours / raw), target <= 2")
report.add("idempotent_command_rtt_p50", durable.latency.percentile(50), "us", "idempotent command (durable commit) p50")
report.add("idempotent_command_throughput", durable.throughput, "1/s", "idempotent command throughput (32 in flight)")
if ProcessInfo.processInfo.environment["BENCH_ONLY"] == "commands" {
    print(report.render())
    exit(0)
}

let events = EventBenchmark(context: context, baseURL: databaseURL)
let eventsPerSecond = try events.throughput(writers: 4, perWriter: 5_000)
report.add("events_written_per_second", eventsPerSecond.written, "1/s", "events/s written (one per transaction), 4 writers")
report.add("events_per_second", eventsPerSecond.applied, "1/s", "events/s insert→applied, 4 writers, fsync on (target >= 2000)")
let latency = try events.latency(rate: 500, count: 5_000)
report.add("event_latency_p50_at_500", latency.p50, "ms", "insert→applied p50 at 500 events/s")
report.add("event_latency_p99_at_500", latency.p99, "ms", "insert→applied p99 at 500 events/s (target <= 50)")

let envelopes = try EnvelopeBenchmark(iterations: iterations).run()
report.add("envelope_encode_us", envelopes.handEncode, "us", "envelope to JSON, hand-written")
report.add("envelope_encode_jsonencoder_us", envelopes.foundationEncode, "us", "envelope to JSON, JSONEncoder")
report.add("envelope_decode_us", envelopes.handDecode, "us", "envelope from JSON, hand-written")
report.add("envelope_decode_jsondecoder_us", envelopes.foundationDecode, "us", "envelope from JSON, JSONDecoder")
report.add("envelope_encode_speedup", envelopes.foundationEncode / envelopes.handEncode, "x",
           "JSONEncoder / hand-written (the hand-written code stays only while > 1)")

let details = try DetailsBenchmark(iterations: iterations).run()
report.add("details_view_bytes", Double(details.bytes), "B", "Customer Details view of a heavy customer (JSON)")
report.add("details_merge_decode_encode_us", details.decodeEncodeMicroseconds, "us",
           "gateway merge before: decode the sections, encode the view")
report.add("details_merge_splice_us", details.spliceMicroseconds, "us", "gateway merge now: splice the sections' bytes")
report.add("details_merge_speedup", details.decodeEncodeMicroseconds / details.spliceMicroseconds, "x",
           "decode+encode / splice")

print(report.render())
context.terminate()
serverContext.terminate()
