// `make bench`, second part: the whole system, release build, real processes.
//   SystemBench [--scale] [--seconds N] [--messaging FILE] [--write] [--hold SECONDS]
// Seeds the data set (DataSet), captures the details view's SQL into the direct-SQL floor
// (Floor, `Benchmarks/details.sql`), drives `GET /customers/{heavy}/details` with wrk at
// 1/8/32/64 clients against pgbench running the floor, times the money paths
// (MoneyProbes) against one durable commit, samples every process's memory, and with
// `--scale` repeats the one-client run at 100,000 customers and 20,000,000 activities.
// `--write` puts the results table into README and `Benchmarks/results.md`, and the
// chart into `Benchmarks/details.svg`. `--hold` keeps the seeded system up that long
// before measuring, for profiling by hand (it prints the URL, token and process ids).
import BenchSupport
import Contracts
import Foundation
import Logging

LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = .warning
    return handler
}

func say(_ text: String) {
    FileHandle.standardError.write(Data("[bench] \(text)\n".utf8))
}

let arguments = CommandLine.arguments
func option(_ name: String) -> String? { arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil } }
let scale = arguments.contains("--scale")
let write = arguments.contains("--write")
let seconds = Int(option("--seconds") ?? "") ?? 10
guard let admin = ProcessInfo.processInfo.environment["AR_TEST_DATABASE_URL"] else {
    FileHandle.standardError.write(Data("AR_TEST_DATABASE_URL is not set; run `make bench`\n".utf8))
    exit(2)
}

let system = try LocalSystem(adminURL: admin)
var results = Results()
do {
    say("starting the system (database \(system.database))")
    try await system.start()
    var data = DataSet(system: system)
    let seeded = try await data.seed()
    say("seeded \(seeded.customers) customers and the heavy customer in \(Results.format(seeded.seconds)) s")
    let detailsPath = "/api/v1/customers/\(data.heavy)/details"
    let (status, view) = try await system.http("GET", detailsPath)
    guard status == 200 else { throw ErrorBody.internal("the details view answered \(status)") }

    // The floor, captured from the services' own statements.
    let floor = Floor(system: system)
    try floor.createReader()
    let sql = try await floor.capture(customer: data.heavy) {
        _ = try await system.http("GET", detailsPath)
    }
    let floorScript = LocalSystem.repositoryRoot.appendingPathComponent("Benchmarks/details.sql")
    let runScript = system.directory.appendingPathComponent("details.sql")
    try sql.write(to: runScript, atomically: true, encoding: .utf8)
    if write { try sql.write(to: floorScript, atomically: true, encoding: .utf8) }
    let statementCount = sql.split(separator: "\n").filter { $0.hasSuffix(";") && !$0.hasPrefix("SET search_path") }.count
    let variables = ["customer_id": "'\(data.heavy)'"]
    say("floor: \(statementCount) statements")

    if let hold = option("--hold").flatMap(Int.init) {
        // For profiling by hand: the system stays up, seeded, for `hold` seconds.
        say("holding \(hold) s: \(system.baseURL)\(detailsPath) token \(system.token) pids \(system.pids)")
        try await Task.sleep(for: .seconds(hold))
    }
    try await Task.sleep(for: .seconds(3))
    let idle = system.pids.mapValues(ResidentMemory.mebibytes)
    let idlePrivate = system.pids.mapValues(ResidentMemory.privateMebibytes)

    let wrk = LoadGenerator(url: system.baseURL + detailsPath, token: system.token)
    _ = try wrk.run(connections: 1, seconds: 3)  // warm-up
    _ = try floor.pgbench(script: runScript, clients: 1, seconds: 2, variables: variables)
    var viewRuns: [Int: LoadGenerator.Run] = [:]
    var floorRuns: [Int: Floor.Run] = [:]
    var loaded: [String: Double] = [:]
    var cpu: [String: Double] = [:]
    for clients in [1, 8, 32, 64] {
        if clients == 32 {
            loaded = try ResidentMemory.peak(of: system.pids) {
                cpu = try ProcessCPU.cores(of: system.pids) { viewRuns[clients] = try wrk.run(connections: clients, seconds: seconds) }
            }
        } else {
            viewRuns[clients] = try wrk.run(connections: clients, seconds: seconds)
        }
        floorRuns[clients] = try floor.pgbench(script: runScript, clients: clients, seconds: seconds, variables: variables)
        say("\(clients) clients: view \(Results.format(viewRuns[clients]?.perSecond ?? 0))/s, floor \(Results.format(floorRuns[clients]?.perSecond ?? 0))/s")
    }

    let commitScript = system.directory.appendingPathComponent("commit.sql")
    try "INSERT INTO public.bench_commit (note) VALUES ('one durable single-row insert');\n"
        .write(to: commitScript, atomically: true, encoding: .utf8)
    let commit = try floor.pgbench(script: commitScript, clients: 1, seconds: 5, asSuperuser: true)

    let probes = MoneyProbes(system: system)
    try probes.installProbe()
    let invoiceLatencies = try await probes.createInvoice(count: 100)
    let paymentLatencies = try await probes.paymentVisible(count: 100)
    try probes.removeProbe()
    say("money paths timed")

    let one = viewRuns[1]!, floorOne = floorRuns[1]!
    let floorOneP50 = percentile(floorOne.latencies, 50)
    results.add("details_p50_ms", one.p50, "ms", "details view p50, 1 client (keep-alive, bearer token)")
    results.add("details_p99_ms", one.p99, "ms", "details view p99, 1 client")
    results.add("sql_p50_ms", floorOneP50, "ms", "direct-SQL floor p50, 1 session (\(statementCount) statements)")
    results.add("sql_p99_ms", percentile(floorOne.latencies, 99), "ms", "direct-SQL floor p99, 1 session")
    results.add("details_vs_sql_p50_ratio", one.p50 / floorOneP50, "x", "details p50 / floor p50", target: .atMost(1.5))
    for clients in [1, 8, 32, 64] {
        results.add("details_rps_\(clients)", viewRuns[clients]!.perSecond, "1/s", "details view throughput, \(clients) client\(clients == 1 ? "" : "s") (closed loop)")
        results.add("sql_rps_\(clients)", floorRuns[clients]!.perSecond, "1/s", "floor throughput, \(clients) session\(clients == 1 ? "" : "s")")
        results.add("details_degraded_\(clients)", Double(viewRuns[clients]!.degraded), "answers", "answers that were not the whole view at \(clients) client\(clients == 1 ? "" : "s") (503, or a section past its deadline)")
    }
    results.add("details_p50_ms_32", viewRuns[32]!.p50, "ms", "details view p50 with 32 clients")
    results.add("details_vs_sql_rps_32_ratio", viewRuns[32]!.perSecond / floorRuns[32]!.perSecond, "x",
                "details / floor throughput at 32 clients", target: .atLeast(1))
    results.add("load_generator_cores_32", viewRuns[32]!.cores, "cores", "CPU wrk itself took at 32 clients (of 2)")
    for (name, cores) in cpu.sorted(by: { $0.value > $1.value }) {
        results.add("cpu_cores_32_\(name.replacingOccurrences(of: "-", with: "_"))", cores, "cores", "CPU \(name) took at 32 clients")
    }
    let invoiceP50 = percentile(invoiceLatencies.applied, 50)
    let commitP50 = percentile(commit.latencies, 50)
    results.add("create_invoice_e2e_p50_ms", invoiceP50, "ms", "POST invoice → invoice.created applied in history, p50")
    results.add("create_invoice_e2e_p99_ms", percentile(invoiceLatencies.applied, 99), "ms", "the same, p99")
    results.add("create_invoice_answered_p50_ms", percentile(invoiceLatencies.answered, 50), "ms", "POST invoice → its 201, p50 (the rest is the event's way to history)")
    results.add("commit_p50_ms", commitP50, "ms", "one durable single-row insert (pgbench, fsync on), p50")
    results.add("create_invoice_vs_commit_p50_ratio", invoiceP50 / commitP50, "x", "create invoice e2e p50 / commit p50", target: .atMost(5))
    results.add("payment_visible_p50_ms", percentile(paymentLatencies.visible, 50), "ms", "POST payment → balance and history entry in the view, p50")
    results.add("payment_visible_p99_ms", percentile(paymentLatencies.visible, 99), "ms", "the same, p99", target: .atMost(25))
    results.add("payment_answered_p50_ms", percentile(paymentLatencies.answered, 50), "ms", "POST payment → its 201, p50")
    results.add("payment_in_history_p50_ms", percentile(paymentLatencies.inHistory, 50), "ms", "POST payment → payment.recorded applied in history, p50")
    results.add("payment_on_invoice_p50_ms", percentile(paymentLatencies.onInvoice, 50), "ms", "POST payment → its application recorded by invoice-service, p50")
    let largestIdle = idle.max { $0.value < $1.value }
    let largestLoaded = loaded.filter { !$0.key.hasSuffix(".private") }.max { $0.value < $1.value }
    let largestPrivateIdle = idlePrivate.max { $0.value < $1.value }
    let largestPrivateLoaded = loaded.filter { $0.key.hasSuffix(".private") }.max { $0.value < $1.value }
    results.add("rss_mib_idle", largestIdle?.value ?? .nan, "MiB", "largest process idle (\(largestIdle?.key ?? "?"))", target: .atMost(30))
    results.add("rss_mib_load", largestLoaded?.value ?? .nan, "MiB", "largest process under 32 clients (\(largestLoaded?.key ?? "?"))", target: .atMost(64))
    results.add("private_mib_idle", largestPrivateIdle?.value ?? .nan, "MiB",
                "largest private (anonymous) memory idle (\(largestPrivateIdle?.key ?? "?")); RSS adds the shared libraries' pages")
    results.add("private_mib_load", largestPrivateLoaded?.value ?? .nan, "MiB",
                "largest private memory under 32 clients (\(largestPrivateLoaded.map { String($0.key.dropLast(".private".count)) } ?? "?"))")
    for (name, mib) in idle.sorted(by: { $0.key < $1.key }) {
        results.add("rss_mib_idle_\(name)", mib, "MiB",
                    "\(name) idle (\(Results.format(idlePrivate[name] ?? .nan)) private); under 32 clients \(Results.format(loaded[name] ?? .nan)) (\(Results.format(loaded["\(name).private"] ?? .nan)) private)")
    }
    results.add("details_view_bytes", Double(view.count), "B", "the heavy customer's view")
    results.add("seed_seconds", seeded.seconds, "s", "seeding \(DataSet.customers) customers and the heavy customer")

    if scale {
        say("seeding the --scale data set (100,000 customers, 20,000,000 activities)")
        let scaleSeconds = try data.scale { say("  \($0)") }
        _ = try wrk.run(connections: 1, seconds: 3)
        let scaled = try wrk.run(connections: 1, seconds: seconds)
        let scaledFloor = try floor.pgbench(script: runScript, clients: 1, seconds: seconds, variables: variables)
        results.add("scale_seed_seconds", scaleSeconds, "s", "seeding 100,000 customers and 20,000,000 activities (in PostgreSQL)")
        results.add("details_scale_p50_ms", scaled.p50, "ms", "details view p50 at the --scale size")
        results.add("details_scale_p99_ms", scaled.p99, "ms", "details view p99 at the --scale size")
        results.add("sql_scale_p50_ms", percentile(scaledFloor.latencies, 50), "ms", "floor p50 at the --scale size")
        results.add("details_scale_p99_ratio", scaled.p99 / one.p99, "x", "p99 at scale / p99 small", target: .atMost(1.5))
    }
    if let file = option("--messaging"), let text = try? String(contentsOfFile: file, encoding: .utf8),
       let line = text.split(separator: "\n").first(where: { $0.hasPrefix("bench.command_rtt_p50_ratio ") }),
       let ratio = Double(line.split(separator: " ")[1]) {
        results.add("command_rtt_p50_ratio", ratio, "x", "no-op command round trip p50 / raw libzmq (messaging bench)", target: .atMost(2))
    }

    print(results.lines)
    if write {
        let cpu = ProcessInfo.processInfo.activeProcessorCount
        func header(chart: String) -> String {
            "Last run: \(ISO8601DateFormatter().string(from: Date()).prefix(10)), release build, \(cpu) cores, " +
                "\(seconds) s per load step\(scale ? ", with --scale" : "").\n\n![Customer Details view against the direct-SQL floor](\(chart))"
        }
        try results.markdown(header: header(chart: "details.svg"))
            .write(to: LocalSystem.repositoryRoot.appendingPathComponent("Benchmarks/results.md"), atomically: true, encoding: .utf8)
        try Results.splice(results.markdown(header: header(chart: "Benchmarks/details.svg")),
                           into: LocalSystem.repositoryRoot.appendingPathComponent("README.md"))
        let chart = Chart.svg(
            latency: [("details view", one.p50, one.p99), ("direct SQL", floorOneP50, percentile(floorOne.latencies, 99))],
            throughput: [Chart.Series(name: "details view (wrk)", color: "#2b6cb0", points: [1, 8, 32, 64].map { ($0, viewRuns[$0]!.perSecond) }),
                         Chart.Series(name: "direct SQL (pgbench)", color: "#c05621", points: [1, 8, 32, 64].map { ($0, floorRuns[$0]!.perSecond) })],
            caption: "heavy customer: 50 invoices, 30 payments, 500 activities; \(view.count) bytes of JSON; release build, 2 cores")
        try chart.write(to: LocalSystem.repositoryRoot.appendingPathComponent("Benchmarks/details.svg"), atomically: true, encoding: .utf8)
        say("wrote README's table, Benchmarks/results.md, Benchmarks/details.svg and Benchmarks/details.sql")
    }
    system.stop()
    system.dropDatabase()
} catch {
    system.stop()
    system.dropDatabase()
    FileHandle.standardError.write(Data("SystemBench failed: \(error)\nlogs: \(system.directory.path)\n".utf8))
    exit(1)
}
