import ArgumentParser
import Foundation
import HelplineBench
import HelplineServer
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `helpline bench daemons`: several daemons of the bench's own on one database, the connections
/// spread over their sockets; stored turns a second and the processor time a turn of the daemons
/// and of the database server.
struct BenchDaemonsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemons",
        abstract: "Several daemons on one database: stored turns a second, processor time a turn of the daemons and of the database server.",
        discussion: """
        Starts --count daemons (this binary's `serve`) on --db, spreads --connections × \
        --in-flight simulated customers over their sockets in turn, and reports the stored turns \
        a second, the latency, and the processor time per timed turn of the daemons (from /proc), \
        of the database server when --database-pid names its main process (PostgreSQL's \
        postmaster; its connection processes are counted with it) and of the load generator. \
        Several daemons need a PostgreSQL --db; without --db one daemon runs on a temporary SQLite \
        file. See docs/DEPLOYMENT.md ("Capacity").
        """
    )

    @Option(help: ArgumentHelp("Daemons to start on --db.", valueName: "n"))
    var count = 1

    @Option(name: .customLong("db"), help: ArgumentHelp("The database: a postgres:// URL, or a SQLite file (default: a temporary SQLite file).", valueName: "url"))
    var database: String?

    @Option(name: .customLong("db-pool"), help: ArgumentHelp("With PostgreSQL: each daemon's --db-pool.", valueName: "n"))
    var poolSize: Int?

    @Option(name: .customLong("database-pid"), help: ArgumentHelp("The database server's main process: its processor time, children included, is reported per turn.", valueName: "pid"))
    var databasePID: Int32?

    @Option(help: ArgumentHelp("Client connections, spread over the daemons in turn.", valueName: "n"))
    var connections = 16

    @Option(name: .customLong("in-flight"), help: ArgumentHelp("Requests outstanding per connection.", valueName: "k"))
    var inFlight = 16

    @Option(help: ArgumentHelp("Timed turns.", valueName: "n"))
    var turns = 40_000

    @Option(help: ArgumentHelp("Untimed turns first (default: a tenth of --turns, 100 to 10000).", valueName: "n"))
    var warmup: Int?

    @Option(help: ArgumentHelp("Seeds the simulated customers' choices.", valueName: "n"))
    var seed: UInt64 = 1

    @OptionGroup var data: DataOptions
    @OptionGroup var output: BenchOutputOptions

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be positive") }
        if count > 1, !(database.map(Self.isPostgres) ?? false) {
            throw ValidationError("several daemons share one database: give --db a postgres:// URL")
        }
        if let poolSize, poolSize < 1 { throw ValidationError("--db-pool must be positive") }
        guard connections > 0, inFlight > 0, turns > 0 else {
            throw ValidationError("--connections, --in-flight and --turns must be positive")
        }
        if let warmup, warmup < 0 { throw ValidationError("--warmup must not be negative") }
    }

    static func isPostgres(_ database: String) -> Bool {
        database.hasPrefix("postgres://") || database.hasPrefix("postgresql://")
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let generator = try data.loadGenerator()
        let workspace = try BenchWorkspace(intents: data.intentsDirectory)
        defer { workspace.remove() }
        let database = database ?? workspace.path("helpline.sqlite")
        var servers: [ChildServer] = []
        do {
            var sockets: [String] = []
            for index in 0..<count {
                let socket = workspace.path("d\(index).sock")
                var arguments = ["serve", "--socket", socket, "--db", database, "--log-level", "error"]
                if let poolSize { arguments += ["--db-pool", "\(poolSize)"] }
                if let intents = data.intentsDirectory { arguments += ["--intents", intents] }
                servers.append(try await ChildServer.launch(executable: workspace.executable, arguments: arguments))
                sockets.append(socket)
            }
            var configuration = LoadConfiguration(socketPath: sockets[0], connections: connections, inFlight: inFlight,
                                                  turns: turns, warmupTurns: warmup, seed: seed)
            configuration.otherSocketPaths = Array(sockets.dropFirst())
            let daemons = servers
            let databasePID = databasePID
            configuration.processTimes = {
                var times: [String: Double] = [:]
                let each = daemons.compactMap { $0.runningCPUSeconds() }
                if each.count == daemons.count { times["daemons"] = each.reduce(0, +) }
                if let databasePID, let database = ProcessTree.cpuSeconds(root: databasePID) { times["database"] = database }
                return times
            }
            let load = try await generator.run(configuration)
            let client = try await HelplineClient.connect(to: sockets[0])
            let stats = try await client.stats().stats
            await client.disconnect()
            for server in servers { _ = await server.stop() }
            guard let stats else { throw BenchFailure("the daemon did not answer stats") }
            try output.print(DaemonsBenchReport(daemons: count, database: Self.describe(database), load: load, stored: stats))
        } catch {
            for server in servers { _ = await server.stop() }
            throw error
        }
    }

    /// Where the daemons stored, without a password: the URL's host part, or "sqlite".
    static func describe(_ database: String) -> String {
        guard isPostgres(database) else { return "sqlite" }
        return database.split(separator: "@").last.map { "postgresql://…@\($0)" } ?? "postgresql"
    }
}

/// What `bench daemons` measured.
struct DaemonsBenchReport: Encodable, TextReport {
    var daemons: Int
    var database: String
    var load: LoadReport
    /// The first daemon's counters (the database's counts are the same on every daemon).
    var stored: ServerStats

    var text: String {
        var lines = [
            "daemons     \(daemons) on \(database); \(load.connections) connections × \(load.inFlight) in flight, \(load.sessions) sessions",
            "turns       \(load.turns) in \(LatencySummary.rounded(load.seconds, 2)) s: "
                + "\(Int(load.turnsPerSecond.rounded())) stored turns/s; errors \(load.errors)"
                + (load.errorCodes.isEmpty ? "" : " \(load.errorCodes.sorted { $0.key < $1.key })"),
            "latency     \(load.latency.line)",
        ]
        let daemons = load.processCPUPerTurn["daemons"]
        let database = load.processCPUPerTurn["database"]
        let parts = [("daemons", daemons), ("database", database), ("load generator", load.clientCPUPerTurn)]
        lines.append("cpu a turn  " + parts.map { "\($0.0) \($0.1.map { "\($0) µs" } ?? "-")" }.joined(separator: ", "))
        if let daemons, let database, daemons + database > 0 {
            lines.append("            the database's share of the server side: \((database / (daemons + database) * 1_000).rounded() / 10) %")
        }
        lines.append("stored      \(stored.sessions) sessions, \(stored.tickets) appeals in the database")
        return lines.joined(separator: "\n")
    }
}
