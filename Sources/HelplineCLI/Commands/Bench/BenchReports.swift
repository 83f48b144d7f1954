import Foundation
import HelplineBench
import HelplineServer

/// Something printed as text lines unless `--json` is given.
protocol TextReport {
    var text: String { get }
}

extension DaemonBenchReport: TextReport {
    var text: String {
        var lines = Comparison.lines(rounds: rounds, latency: latency, throughput: throughput,
                                     measured: "daemon", yardstick: "echo", unit: "turns", turn: "turn")
        if latency.cpuPerTurn != nil || throughput.cpuPerTurn != nil {
            lines.append("cpu         daemon \(Self.micros(latency.cpuPerTurn)) a stored turn at 1 × 1, "
                + "\(Self.micros(throughput.cpuPerTurn)) at \(throughput.connections) × \(throughput.inFlight) "
                + "(getrusage of the child, start-up taken off)")
        }
        if let written = throughput.bytesWrittenPerTurn, let calls = throughput.writeCallsPerTurn,
           let read = throughput.bytesReadPerTurn {
            let oneByOne = latency.bytesWrittenPerTurn.map { "; at 1 × 1 \(Int($0)) bytes in \(latency.writeCallsPerTurn ?? 0) calls" } ?? ""
            lines.append("io          daemon wrote \(Int(written)) bytes a stored turn in \(calls) write calls and read \(Int(read)) bytes "
                + "at \(throughput.connections) × \(throughput.inFlight)\(oneByOne) (/proc/PID/io: database files and sockets)")
        }
        lines.append(daemon.line(readyMilliseconds: readyMilliseconds))
        return lines.joined(separator: "\n")
    }

    private static func micros(_ value: Double?) -> String {
        value.map { "\($0) µs" } ?? "-"
    }
}

/// What `helpline bench echo` measured: the NIO echo server against the plain one.
struct EchoBenchReport: Encodable, TextReport {
    var rounds: Int
    var latency: Comparison
    var throughput: Comparison

    var text: String {
        Comparison.lines(rounds: rounds, latency: latency, throughput: throughput,
                         measured: "nio", yardstick: "plain", unit: "lines", turn: "nio").joined(separator: "\n")
    }
}

extension Comparison {
    /// The rounds, then each configuration's figures and how the measured server compares:
    /// `turn` p50 ÷ `yardstick` p50 at 1 × 1, `measured` per second ÷ `yardstick` lines per second
    /// under load.
    static func lines(rounds: Int, latency: Comparison, throughput: Comparison, measured: String, yardstick: String,
                      unit: String, turn: String) -> [String] {
        ["rounds      \(rounds); medians (every run is in --json)"]
            + latency.lines(measured: measured, yardstick: yardstick, unit: unit)
            + ["ratio       \(turn) p50 ÷ \(yardstick) p50 = \(LatencySummary.rounded(latency.p50Ratio, 2))"]
            + throughput.lines(measured: measured, yardstick: yardstick, unit: unit)
            + ["ratio       \(measured) \(unit)/s ÷ \(yardstick) lines/s = \(LatencySummary.rounded(throughput.perSecondRatio, 3))"]
    }

    /// The configuration, then the measured server's and the yardstick's medians.
    func lines(measured name: String, yardstick yardstickName: String, unit: String) -> [String] {
        let runs = measured.runs.first?.turns ?? 0
        func figures(_ rounds: Rounds, _ unit: String) -> String {
            "p50 \(LatencySummary.format(rounds.latency.p50))  p90 \(LatencySummary.format(rounds.latency.p90))  "
                + "p99 \(LatencySummary.format(rounds.latency.p99));  \(Int(rounds.perSecond.rounded())) \(unit)/s"
                + (rounds.errors > 0 ? ";  errors \(rounds.errors)" : "")
        }
        return [
            "\(connections) × \(inFlight)".padding(toLength: 12, withPad: " ", startingAt: 0)
                + "\(connections) connection\(connections == 1 ? "" : "s") × \(inFlight) in flight, \(runs) \(unit) a round",
            "  " + name.padding(toLength: 10, withPad: " ", startingAt: 0) + figures(measured, unit),
            "  " + yardstickName.padding(toLength: 10, withPad: " ", startingAt: 0) + figures(yardstick, "lines"),
        ]
    }
}

extension ServerStats {
    /// The daemon's counters as one report line.
    func line(readyMilliseconds: Double?) -> String {
        "daemon      rss \(rssBytes.map(MemoryReport.megabytes) ?? "-"), \(sessions) sessions, "
            + "\(turns) turns in \(transactions) transactions"
            + (readyMilliseconds.map { "; ready in \($0) ms" } ?? "")
    }
}

/// A `bench ping` or `bench memory` run: its figures, and the daemon's counters after it.
struct DaemonResult: Encodable, TextReport {
    /// `ping` round trips, one at a time.
    var ping: LoadReport?
    var memory: MemoryReport?
    var daemon: ServerStats
    /// From launching the daemon to its "ready" line, when the bench started it.
    var readyMilliseconds: Double?

    enum CodingKeys: String, CodingKey {
        case ping, memory, daemon
        case readyMilliseconds = "ready_ms"
    }

    var text: String {
        var lines: [String] = []
        if let ping {
            lines.append("ping        \(ping.turns) round trips, 1 connection × 1 in flight: \(Int(ping.turnsPerSecond.rounded()))/s")
            lines.append("latency     \(ping.latency.line)")
        }
        if let memory {
            lines.append("sessions    \(memory.sessionsOpened) opened in \(LatencySummary.rounded(memory.seconds, 2)) s; errors \(memory.errors)")
            if let before = memory.rssBefore, let after = memory.rssAfter {
                lines.append("memory      rss \(MemoryReport.megabytes(before)) before, \(MemoryReport.megabytes(after)) after: "
                    + "\(memory.bytesPerSession.map { "\(Int($0)) bytes" } ?? "-") a session")
            }
        }
        lines.append(daemon.line(readyMilliseconds: readyMilliseconds))
        return lines.joined(separator: "\n")
    }
}

/// The memory a daemon holds for its open sessions.
struct MemoryReport: Encodable {
    var sessionsOpened: Int
    var errors: Int
    var seconds: Double
    var rssBefore: Int?
    var rssAfter: Int?

    var bytesPerSession: Double? {
        guard let rssBefore, let rssAfter, sessionsOpened > 0 else { return nil }
        return Double(rssAfter - rssBefore) / Double(sessionsOpened)
    }

    enum CodingKeys: String, CodingKey {
        case errors, seconds
        case sessionsOpened = "sessions_opened"
        case rssBefore = "rss_before_bytes"
        case rssAfter = "rss_after_bytes"
        case bytesPerSession = "bytes_per_session"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sessionsOpened, forKey: .sessionsOpened)
        try c.encode(errors, forKey: .errors)
        try c.encode(seconds, forKey: .seconds)
        try c.encodeIfPresent(rssBefore, forKey: .rssBefore)
        try c.encodeIfPresent(rssAfter, forKey: .rssAfter)
        try c.encodeIfPresent(bytesPerSession, forKey: .bytesPerSession)
    }

    static func megabytes(_ bytes: Int) -> String {
        "\(LatencySummary.rounded(Double(bytes) / 1_048_576, 1)) MiB"
    }
}

extension InProcessReport: TextReport {
    public var text: String {
        [
            "analysis        \(analysis.line)   (\(LatencySummary.rounded(averageWords, 1)) words on average)",
            "classification  \(classification.line)",
            "engine turn     \(engineTurn.line)",
            "stored turn     \(storedTurn.line)",
            "stored turns    \(Int(storedTurnsPerSecond.rounded()))/s with \(concurrency) customers at once (no sockets)",
        ].joined(separator: "\n")
    }
}
