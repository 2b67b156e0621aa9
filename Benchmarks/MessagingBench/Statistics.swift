import BenchSupport
import Foundation

/// Latency samples in microseconds, with the figures the report prints.
struct Samples {
    private(set) var values: [Double] = []

    mutating func add(_ microseconds: Double) { values.append(microseconds) }

    func percentile(_ p: Double) -> Double { BenchSupport.percentile(values, p) }
}

/// The report: a table for people, then one `bench.<name> <value> <unit>` line per figure.
struct Report {
    private var rows: [(name: String, value: Double, unit: String, label: String)] = []

    mutating func add(_ name: String, _ value: Double, _ unit: String, _ label: String) {
        rows.append((name, value, unit, label))
    }

    func render() -> String {
        let width = rows.map(\.label.count).max() ?? 10
        var lines = ["", "Messaging benchmark", String(repeating: "-", count: width + 24)]
        for row in rows {
            let label = row.label.padding(toLength: width, withPad: " ", startingAt: 0)
            lines.append("\(label)  \(format(row.value).leftPadded(12)) \(row.unit)")
        }
        lines.append("")
        for row in rows { lines.append("bench.\(row.name) \(format(row.value)) \(row.unit)") }
        return lines.joined(separator: "\n")
    }

    private func format(_ value: Double) -> String {
        value >= 100 ? String(format: "%.0f", value) : String(format: "%.2f", value)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
