import ArgumentParser
import HelplineBench
import HelplineServer
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `helpline bench memory`: the daemon's memory with many sessions open.
struct BenchMemoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory",
        abstract: "Open --sessions sessions and report the daemon's resident memory before and after."
    )

    @OptionGroup var target: BenchDaemonOptions

    @Option(help: ArgumentHelp("Sessions to open.", valueName: "n"))
    var sessions = 10_000

    @Option(help: ArgumentHelp("Client connections opening them.", valueName: "n"))
    var connections = 16

    @Option(name: .customLong("in-flight"), help: ArgumentHelp("Opens outstanding per connection (at least this many sessions a connection).", valueName: "k"))
    var inFlight = 1

    @OptionGroup var output: BenchOutputOptions

    func validate() throws {
        guard sessions > 0 else { throw ValidationError("--sessions must be positive") }
        guard connections > 0, inFlight > 0 else { throw ValidationError("--connections and --in-flight must be positive") }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let generator = try target.data.loadGenerator()
        let workspace = try BenchWorkspace(intents: target.data.intentsDirectory)
        defer { workspace.remove() }
        let (result, ready) = try await target.withDaemon(in: workspace) { socketPath in
            let before = try await ServerStats.read(from: socketPath)
            let configuration = LoadConfiguration(socketPath: socketPath, connections: connections, inFlight: inFlight,
                                                  turns: 0, warmupTurns: 0, sessions: sessions)
            let (opened, errors, seconds) = try await generator.openSessions(configuration)
            let after = try await ServerStats.read(from: socketPath)
            let memory = MemoryReport(sessionsOpened: opened, errors: errors, seconds: seconds,
                                      rssBefore: before.rssBytes, rssAfter: after.rssBytes)
            return (memory, after)
        }
        try output.print(DaemonResult(memory: result.0, daemon: result.1, readyMilliseconds: ready))
    }
}
