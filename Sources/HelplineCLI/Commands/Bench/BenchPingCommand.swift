import ArgumentParser
import HelplineBench
import HelplineServer
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `helpline bench ping`: the daemon's `ping` round trip, the socket and protocol without a turn.
struct BenchPingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping",
        abstract: "Time the daemon's `ping` round trips, one connection, one in flight: the socket and protocol without a turn."
    )

    @OptionGroup var target: BenchDaemonOptions

    @Option(help: ArgumentHelp("Timed round trips.", valueName: "n"))
    var turns = 20_000

    @Option(help: ArgumentHelp("Untimed round trips first (default: a tenth of --turns, 100 to 10000).", valueName: "n"))
    var warmup: Int?

    @OptionGroup var output: BenchOutputOptions

    func validate() throws {
        guard turns > 0 else { throw ValidationError("--turns must be positive") }
        if let warmup, warmup < 0 { throw ValidationError("--warmup must not be negative") }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let workspace = try BenchWorkspace(intents: target.data.intentsDirectory)
        defer { workspace.remove() }
        let ((ping, daemon), ready) = try await target.withDaemon(in: workspace) { socketPath in
            let configuration = LoadConfiguration(socketPath: socketPath, connections: 1, inFlight: 1, turns: turns,
                                                  warmupTurns: warmup)
            let ping = try await LoadGenerator.echo(configuration, line: Array(#"{"op":"ping"}"#.utf8) + [10])
            return (ping, try await ServerStats.read(from: socketPath))
        }
        try output.print(DaemonResult(ping: ping, daemon: daemon, readyMilliseconds: ready))
    }
}
