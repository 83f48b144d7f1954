import Histogram

/// Latency percentiles of a run, in microseconds, read from an HdrHistogram of nanoseconds.
public struct LatencySummary: Sendable, Hashable, Codable {
    public var count: Int
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var p999: Double
    public var max: Double
    public var mean: Double

    enum CodingKeys: String, CodingKey {
        case count, p50, p90, p99, max, mean
        case p999 = "p99_9"
    }

    public init(_ histogram: Histogram<UInt64>) {
        func micros(_ nanoseconds: UInt64) -> Double { Double(nanoseconds) / 1_000 }
        count = Int(histogram.totalCount)
        guard count > 0 else {
            (p50, p90, p99, p999, max, mean) = (0, 0, 0, 0, 0, 0)
            return
        }
        p50 = micros(histogram.valueAtPercentile(50))
        p90 = micros(histogram.valueAtPercentile(90))
        p99 = micros(histogram.valueAtPercentile(99))
        p999 = micros(histogram.valueAtPercentile(99.9))
        max = micros(histogram.max)
        mean = histogram.mean / 1_000
    }

    /// Each figure the median of `summaries`' (the count their sum): the typical run of several.
    public static func median(of summaries: [LatencySummary]) -> LatencySummary {
        var summary = LatencySummary(makeHistogram())
        summary.count = summaries.reduce(0) { $0 + $1.count }
        summary.p50 = Rounds.median(summaries.map(\.p50))
        summary.p90 = Rounds.median(summaries.map(\.p90))
        summary.p99 = Rounds.median(summaries.map(\.p99))
        summary.p999 = Rounds.median(summaries.map(\.p999))
        summary.max = Rounds.median(summaries.map(\.max))
        summary.mean = Rounds.median(summaries.map(\.mean))
        return summary
    }

    /// `p50 12.3 µs  p90 …` for a report line.
    public var line: String {
        "p50 \(Self.format(p50))  p90 \(Self.format(p90))  p99 \(Self.format(p99))  "
            + "p99.9 \(Self.format(p999))  max \(Self.format(max))"
    }

    /// A duration in microseconds, shown in µs below a millisecond and in ms above.
    public static func format(_ micros: Double) -> String {
        if micros < 1_000 {
            return micros < 10 ? "\(rounded(micros, 2)) µs" : "\(rounded(micros, 1)) µs"
        }
        return "\(rounded(micros / 1_000, 2)) ms"
    }

    /// `value` with at most `places` decimals.
    public static func rounded(_ value: Double, _ places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (value * scale).rounded() / scale
        return "\(scaled)"
    }

    /// An empty histogram for latencies in nanoseconds, up to a minute, three significant digits.
    public static func makeHistogram() -> Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    }
}
