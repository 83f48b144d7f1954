import ArgumentParser
import Foundation
import HelplineBench
import HelplineDialogue
import HelplineServer

/// `bench --daemons N [--db URL] [--database-pid PID]`: several daemons of the bench's own on one
/// database, the connections spread over them; the processor time of the daemons and of the
/// database server (when its process is named) per stored turn.
struct DaemonsBenchOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Start this many daemons on --db and spread the connections over them (several need a PostgreSQL --db).", valueName: "n"))
    var daemons: Int?

    @Option(name: .customLong("db"), help: ArgumentHelp("With --daemons: the database, a PostgreSQL URL or a SQLite file (default: a temporary SQLite file).", valueName: "url"))
    var database: String?

    @Option(name: .customLong("db-pool"), help: ArgumentHelp("With --daemons and PostgreSQL: each daemon's --db-pool.", valueName: "n"))
    var poolSize: Int?

    @Option(name: .customLong("database-pid"), help: ArgumentHelp("The database server's process (PostgreSQL's postmaster): its processor time, children included, is reported per turn.", valueName: "pid"))
    var databasePID: Int32?

    var isRequested: Bool { daemons != nil }

    func validate() throws {
        if let daemons, daemons < 1 { throw ValidationError("--daemons must be positive") }
        if let daemons, daemons > 1, let database, !database.hasPrefix("postgres") {
            throw ValidationError("several --daemons share one database: give --db a postgres:// URL")
        }
        if let poolSize, poolSize < 1 { throw ValidationError("--db-pool must be positive") }
    }
}

/// What a run over several daemons measured.
struct DaemonsLoadResult: Encodable, TextReport {
    var daemons: Int
    /// Where they stored: the URL without its password, or "sqlite".
    var database: String
    var load: LoadReport
    /// The counters of the first daemon (the database's counts are the same on all).
    var daemon: ServerStats

    var text: String {
        var lines = [
            "daemons     \(daemons) on \(database); \(load.connections) connections × \(load.inFlight) in flight, \(load.sessions) sessions",
            "turns       \(load.turns) in \(LatencySummary.rounded(load.seconds, 2)) s: "
                + "\(Int(load.turnsPerSecond.rounded())) stored turns/s; errors \(load.errors)"
                + (load.errorCodes.isEmpty ? "" : " \(load.errorCodes.sorted { $0.key < $1.key })"),
            "latency     \(load.latency.line)",
        ]
        let parts = [("daemons", load.serverCPUPerTurn), ("database", load.databaseCPUPerTurn), ("load generator", load.clientCPUPerTurn)]
        lines.append("cpu a turn  " + parts.map { "\($0.0) \($0.1.map { "\($0) µs" } ?? "-")" }.joined(separator: ", "))
        if let daemons = load.serverCPUPerTurn, let database = load.databaseCPUPerTurn, daemons + database > 0 {
            let share = (database / (daemons + database) * 1_000).rounded() / 10
            lines.append("            database's share of the server side: \(share) %")
        }
        lines.append("stored      \(daemon.sessions) sessions, \(daemon.tickets) appeals in the database")
        return lines.joined(separator: "\n")
    }
}

extension BenchCommand {
    /// Starts `options.daemons` daemons on one database, drives them all, stops them.
    func runDaemons(_ options: DaemonsBenchOptions, generator: LoadGenerator, executable: String) async throws -> DaemonsLoadResult {
        let count = options.daemons ?? 1
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("helpline-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = options.database ?? folder.appendingPathComponent("helpline.sqlite").path
        var servers: [ChildServer] = []
        var sockets: [String] = []
        do {
            for index in 0..<count {
                let socket = folder.appendingPathComponent("d\(index).sock").path
                var arguments = ["serve", "--socket", socket, "--db", database, "--log-level", "error"]
                if let poolSize = options.poolSize { arguments += ["--db-pool", "\(poolSize)"] }
                if let intents = data.intentsDirectory { arguments += ["--intents", intents] }
                servers.append(try await ChildServer.launch(executable: executable, arguments: arguments))
                sockets.append(socket)
            }
            let pids = servers.map(\.pid)
            var configuration = LoadConfiguration(socketPath: sockets[0], connections: connections, inFlight: inFlight,
                                                  turns: turns, warmupTurns: warmup, sessions: sessions, seed: seed)
            configuration.otherSocketPaths = Array(sockets.dropFirst())
            configuration.serverCPU = {
                let times = pids.compactMap { ProcessTimes.cpuSeconds(pid: $0) }
                return times.count == pids.count ? times.reduce(0, +) : nil
            }
            if let databasePID = options.databasePID {
                configuration.databaseCPU = { ProcessTree.cpuSeconds(root: databasePID) }
            }
            let report = try await generator.run(configuration)
            let client = try await HelplineClient.connect(to: sockets[0])
            let stats = try await client.stats().stats
            await client.disconnect()
            for server in servers { await server.stop() }
            let name = database.hasPrefix("postgres") ? (database.split(separator: "@").last.map { "postgresql://…@\($0)" } ?? "postgresql")
                : "sqlite"
            guard let stats else { throw ValidationError("the daemon did not answer stats") }
            return DaemonsLoadResult(daemons: count, database: name, load: report, daemon: stats)
        } catch {
            for server in servers { await server.stop() }
            throw error
        }
    }
}
