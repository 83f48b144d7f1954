/// One load configuration run round after round on a server and on the plain echo yardstick
/// (``PlainEchoServer``), alternately, with the same load driver settings: the server's figures,
/// the yardstick's, and how they compare.
public struct Comparison: Sendable, Hashable, Codable {
    public var connections: Int
    public var inFlight: Int
    /// The server measured: the daemon's turns, or another echo server's lines.
    public var measured: Rounds
    /// The plain echo server's lines, in the same rounds.
    public var yardstick: Rounds
    /// The measured server's median p50 over the yardstick's.
    public var p50Ratio: Double
    /// The measured server's answers per second over the yardstick's lines per second.
    public var perSecondRatio: Double
    /// The measured daemon's processor time per stored turn, in microseconds, when the bench
    /// started it: what it used in its whole life (getrusage(2) once it ended) less what a daemon
    /// that only started and stopped used, over the turns it stored (warm-up turns included;
    /// opening the sessions is counted with them).
    public var cpuPerTurn: Double?
    /// What the measured daemon wrote through system calls per stored turn (its database files
    /// and its sockets), in bytes, when the bench started it.
    public var bytesWrittenPerTurn: Double?
    /// The number of those write calls (`write`, `pwrite`, …) per stored turn.
    public var writeCallsPerTurn: Double?
    /// What it read through system calls per stored turn (requests and pages the database's cache
    /// did not hold), in bytes.
    public var bytesReadPerTurn: Double?

    enum CodingKeys: String, CodingKey {
        case connections, measured, yardstick
        case inFlight = "in_flight"
        case p50Ratio = "p50_ratio"
        case perSecondRatio = "per_second_ratio"
        case cpuPerTurn = "cpu_us_per_turn"
        case bytesWrittenPerTurn = "bytes_written_per_turn"
        case writeCallsPerTurn = "write_calls_per_turn"
        case bytesReadPerTurn = "bytes_read_per_turn"
    }

    public init(connections: Int, inFlight: Int, measured: Rounds, yardstick: Rounds) {
        self.connections = connections
        self.inFlight = inFlight
        self.measured = measured
        self.yardstick = yardstick
        p50Ratio = yardstick.latency.p50 > 0 ? measured.latency.p50 / yardstick.latency.p50 : 0
        perSecondRatio = yardstick.perSecond > 0 ? measured.perSecond / yardstick.perSecond : 0
    }

    /// Runs `configuration` `rounds` times on the measured server through `run` (its socket set to
    /// `measuredSocket`) and as many times on the yardstick at `yardstickSocket`, which echoes `line`.
    public static func measure(_ configuration: LoadConfiguration, rounds: Int, measuredSocket: String,
                               yardstickSocket: String, line: [UInt8],
                               run: @escaping (LoadConfiguration) async throws -> LoadReport) async throws -> Comparison {
        var onMeasured = configuration
        onMeasured.socketPath = measuredSocket
        var onYardstick = configuration
        onYardstick.socketPath = yardstickSocket
        let results = try await Rounds.interleaved(rounds, [
            { try await run(onMeasured) },
            { try await LoadGenerator.echo(onYardstick, line: line) },
        ])
        return Comparison(connections: configuration.connections, inFlight: configuration.inFlight,
                          measured: results[0], yardstick: results[1])
    }
}
