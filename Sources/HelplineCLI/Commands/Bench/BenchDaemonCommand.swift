import ArgumentParser
import HelplineBench
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `helpline bench daemon` (the default): the daemon's latency and turns per second beside the plain
/// echo yardstick's, measured in the same run.
struct BenchDaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Latency and turns per second of the daemon beside a plain Unix-socket echo server.",
        discussion: """
        Starts the yardstick, a plain echo server (blocking POSIX calls, a thread per connection), \
        and fresh daemons (this binary's `serve` on temporary sockets and databases), all as child \
        processes. Each configuration runs --rounds times, daemon and echo alternately, with the \
        same load driver: 1 connection × 1 in flight for the latency percentiles (--latency-turns \
        a round), --connections × --in-flight for turns per second (--turns a round). The daemon \
        gets simulated customers' turns, the echo a `say` line of typical size. Reports the medians \
        of both, the ratios (turn p50 ÷ echo p50; turns/s ÷ echo lines/s), the daemon's processor \
        time per stored turn (getrusage of the child, less a daemon that only starts and stops) and \
        how soon it is ready. --socket PATH measures a daemon already running instead.
        """
    )

    @OptionGroup var target: BenchDaemonOptions
    @OptionGroup var load: BenchLoadOptions

    @Option(help: ArgumentHelp("Sessions in the throughput runs (default: connections × in-flight).", valueName: "n"))
    var sessions: Int?

    @OptionGroup var output: BenchOutputOptions

    func validate() throws {
        if let sessions, sessions <= 0 { throw ValidationError("--sessions must be positive") }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let bench = DaemonBench(generator: try target.data.loadGenerator(), rounds: load.rounds,
                                latency: load.latency, throughput: load.throughput(sessions: sessions))
        let workspace = try BenchWorkspace(intents: target.data.intentsDirectory)
        defer { workspace.remove() }
        let yardstick = try await workspace.echo(.plain)
        let daemons: DaemonBench.Daemons = target.socket.map { .running(socketPath: $0) }
            ?? .launched { try await workspace.daemon($0) }
        let report = try await yardstick.server.stop {
            try await bench.run(daemons, yardstickSocket: yardstick.socketPath)
        }.result
        try output.print(report)
    }
}
