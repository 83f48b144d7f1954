/// One configuration run several times, round after round: every run, and the median of each figure.
///
/// A median of several rounds is what the bench quotes: on a shared machine one run can be slowed by
/// anything else running.
public struct Rounds: Sendable, Hashable, Codable {
    /// The runs, in the order they were made.
    public var runs: [LoadReport]
    /// Each percentile the median of the runs'.
    public var latency: LatencySummary
    /// The median of the runs' answers per second (turns, or echoed lines).
    public var perSecond: Double
    /// Errors in all the runs together.
    public var errors: Int

    enum CodingKeys: String, CodingKey {
        case runs, latency, errors
        case perSecond = "per_second"
    }

    public init(_ runs: [LoadReport]) {
        self.runs = runs
        latency = LatencySummary.median(of: runs.map(\.latency))
        perSecond = Self.median(runs.map(\.turnsPerSecond))
        errors = runs.reduce(0) { $0 + $1.errors }
    }

    /// The middle value (the mean of the two middle ones for an even count); 0 for none.
    public static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Runs each of `measurements` once a round, one after another, for `rounds` rounds, so that
    /// what slows the machine for a while slows them alike; returns each one's rounds.
    public static func interleaved(_ rounds: Int,
                                   _ measurements: [() async throws -> LoadReport]) async throws -> [Rounds] {
        var runs = Array(repeating: [LoadReport](), count: measurements.count)
        for _ in 0..<max(1, rounds) {
            for (index, measure) in measurements.enumerated() {
                runs[index].append(try await measure())
            }
        }
        return runs.map(Rounds.init)
    }
}
