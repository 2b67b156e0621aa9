/// What both benchmarks measure with: nearest-rank percentiles and durations as numbers.

/// The `p`th percentile (nearest rank) of `values`; NaN when there are none.
public func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    let rank = min(sorted.count - 1, max(0, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1))
    return sorted[rank]
}

extension Duration {
    public var microseconds: Double {
        Double(components.seconds) * 1_000_000 + Double(components.attoseconds) / 1_000_000_000_000
    }
    public var milliseconds: Double { microseconds / 1_000 }
    public var seconds: Double { microseconds / 1_000_000 }
}
