import BenchSupport
import Foundation

/// The figures of one run: printed as `bench.<name> <value> <unit>`, written as a Markdown
/// table (with each target and whether this run met it) that README embeds, and drawn as
/// an SVG chart.
struct Results {
    struct Figure {
        var name: String
        var value: Double
        var unit: String
        var label: String
        var target: Target?
    }

    enum Target {
        case atMost(Double), atLeast(Double)

        func met(by value: Double) -> Bool {
            switch self {
            case .atMost(let bound): value <= bound
            case .atLeast(let bound): value >= bound
            }
        }

        var text: String {
            switch self {
            case .atMost(let bound): "≤ \(Results.format(bound))"
            case .atLeast(let bound): "≥ \(Results.format(bound))"
            }
        }
    }

    private(set) var figures: [Figure] = []

    mutating func add(_ name: String, _ value: Double, _ unit: String, _ label: String, target: Target? = nil) {
        figures.append(Figure(name: name, value: value, unit: unit, label: label, target: target))
    }

    func value(_ name: String) -> Double? { figures.first { $0.name == name }?.value }

    var lines: String { figures.map { "bench.\($0.name) \(Self.format($0.value)) \($0.unit)" }.joined(separator: "\n") }

    func markdown(header: String) -> String {
        var rows = [header, "", "| figure | value | target | |", "|---|---:|---|---|"]
        for figure in figures {
            let verdict = figure.target.map { $0.met(by: figure.value) ? "met" : "**missed**" } ?? ""
            rows.append("| `\(figure.name)` — \(figure.label) | \(Self.format(figure.value)) \(figure.unit) | \(figure.target?.text ?? "") | \(verdict) |")
        }
        return rows.joined(separator: "\n") + "\n"
    }

    static func format(_ value: Double) -> String {
        if value.isNaN { return "n/a" }
        return abs(value) >= 100 ? String(format: "%.0f", value) : String(format: "%.2f", value)
    }

    /// Replaces README's results table (`ResultsTable.splice`).
    static func splice(_ text: String, into file: URL) throws {
        let readme = try String(contentsOf: file, encoding: .utf8)
        try ResultsTable.splice(text, into: readme).write(to: file, atomically: true, encoding: .utf8)
    }
}

/// The chart: details p50/p99 against the floor with one client, and throughput by
/// client count, the view against the floor.
enum Chart {
    struct Series { var name: String; var color: String; var points: [(clients: Int, perSecond: Double)] }

    static func svg(latency: [(label: String, p50: Double, p99: Double)], throughput: [Series], caption: String) -> String {
        let width = 860.0, height = 360.0
        var out = [##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(Int(width))" height="\##(Int(height))" viewBox="0 0 \##(Int(width)) \##(Int(height))" font-family="DejaVu Sans, sans-serif" font-size="12">"##,
                   ##"<rect width="100%" height="100%" fill="#ffffff"/>"##,
                   ##"<text x="20" y="24" font-size="15" font-weight="bold">Customer Details view against the direct-SQL floor</text>"##,
                   ##"<text x="20" y="44" fill="#555">\##(escape(caption))</text>"##]
        // Left: latency bars.
        let left = (x: 60.0, y: 70.0, w: 330.0, h: 230.0)
        let maxLatency = max(1, latency.map(\.p99).max() ?? 1) * 1.15
        out.append(##"<text x="\##(left.x)" y="\##(left.y - 8)" font-weight="bold">Latency, one client (ms)</text>"##)
        out += axis(x: left.x, y: left.y, w: left.w, h: left.h, maxValue: maxLatency)
        let group = left.w / Double(max(latency.count, 1))
        for (index, entry) in latency.enumerated() {
            let x0 = left.x + Double(index) * group + group * 0.15
            let bar = group * 0.33
            for (offset, (value, color, name)) in [(entry.p50, "#2b6cb0", "p50"), (entry.p99, "#9bbce0", "p99")].enumerated() {
                let barHeight = value / maxLatency * left.h
                let x = x0 + Double(offset) * bar
                out.append(##"<rect x="\##(f(x))" y="\##(f(left.y + left.h - barHeight))" width="\##(f(bar - 4))" height="\##(f(barHeight))" fill="\##(color)"/>"##)
                out.append(##"<text x="\##(f(x + (bar - 4) / 2))" y="\##(f(left.y + left.h - barHeight - 4))" text-anchor="middle">\##(Results.format(value))</text>"##)
                out.append(##"<text x="\##(f(x + (bar - 4) / 2))" y="\##(f(left.y + left.h + 14))" text-anchor="middle" fill="#555">\##(name)</text>"##)
            }
            out.append(##"<text x="\##(f(x0 + bar))" y="\##(f(left.y + left.h + 30))" text-anchor="middle">\##(escape(entry.label))</text>"##)
        }
        // Right: throughput lines.
        let right = (x: 480.0, y: 70.0, w: 340.0, h: 230.0)
        let maxRate = max(1, throughput.flatMap { $0.points.map(\.perSecond) }.max() ?? 1) * 1.15
        let counts = Array(Set(throughput.flatMap { $0.points.map(\.clients) })).sorted()
        out.append(##"<text x="\##(right.x)" y="\##(right.y - 8)" font-weight="bold">Throughput by concurrent clients (per second)</text>"##)
        out += axis(x: right.x, y: right.y, w: right.w, h: right.h, maxValue: maxRate)
        func xFor(_ clients: Int) -> Double {
            let index = Double(counts.firstIndex(of: clients) ?? 0)
            return right.x + 20 + index * (right.w - 40) / Double(max(counts.count - 1, 1))
        }
        for clients in counts {
            out.append(##"<text x="\##(f(xFor(clients)))" y="\##(f(right.y + right.h + 14))" text-anchor="middle" fill="#555">\##(clients)</text>"##)
        }
        for (index, series) in throughput.enumerated() {
            let points = series.points.map { "\(f(xFor($0.clients))),\(f(right.y + right.h - $0.perSecond / maxRate * right.h))" }
            out.append(##"<polyline fill="none" stroke="\##(series.color)" stroke-width="2.5" points="\##(points.joined(separator: " "))"/>"##)
            for point in series.points {
                let y = right.y + right.h - point.perSecond / maxRate * right.h
                out.append(##"<circle cx="\##(f(xFor(point.clients)))" cy="\##(f(y))" r="3.5" fill="\##(series.color)"/>"##)
                out.append(##"<text x="\##(f(xFor(point.clients)))" y="\##(f(y - 7))" text-anchor="middle" fill="\##(series.color)">\##(Results.format(point.perSecond))</text>"##)
            }
            let legendY = right.y + right.h + 34
            let legendX = right.x + Double(index) * 170
            out.append(##"<rect x="\##(f(legendX))" y="\##(f(legendY - 9))" width="12" height="12" fill="\##(series.color)"/>"##)
            out.append(##"<text x="\##(f(legendX + 18))" y="\##(f(legendY + 1))">\##(escape(series.name))</text>"##)
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    private static func axis(x: Double, y: Double, w: Double, h: Double, maxValue: Double) -> [String] {
        var out = [##"<line x1="\##(f(x))" y1="\##(f(y + h))" x2="\##(f(x + w))" y2="\##(f(y + h))" stroke="#333"/>"##,
                   ##"<line x1="\##(f(x))" y1="\##(f(y))" x2="\##(f(x))" y2="\##(f(y + h))" stroke="#333"/>"##]
        for step in 0...4 {
            let value = maxValue * Double(step) / 4
            let tickY = y + h - Double(step) / 4 * h
            out.append(##"<line x1="\##(f(x))" y1="\##(f(tickY))" x2="\##(f(x + w))" y2="\##(f(tickY))" stroke="#eee"/>"##)
            out.append(##"<text x="\##(f(x - 6))" y="\##(f(tickY + 4))" text-anchor="end" fill="#555">\##(Results.format(value))</text>"##)
        }
        return out
    }

    private static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
