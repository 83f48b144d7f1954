import ArgumentParser
import Foundation
import HelplineBench
import HelplineDialogue
import HelplineIntents
import HelplineServer
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `helpline bench`: a load generator for the daemon, and timings of the layers under it.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the daemon: turns per second, latency percentiles, memory.",
        discussion: """
        By default, starts a daemon of its own (this binary, `serve`, on a temporary socket and \
        database), opens --sessions sessions over --connections connections and drives simulated \
        customers (questions, menu and order picks, messages to specialists) with --in-flight \
        requests outstanding per connection. --socket PATH measures a daemon already running. \
        --echo times the round trip of a bare Unix-socket echo server the same way, for comparison; \
        --ping times the daemon's `ping` the same way. \
        --in-process times text analysis, classification and turns without sockets. \
        --memory opens --sessions sessions (default 10000) and reports the daemon's memory.
        """
    )

    @Option(help: ArgumentHelp("Measure the daemon on this socket instead of starting one.", valueName: "path"))
    var socket: String?

    @Option(help: ArgumentHelp("Client connections.", valueName: "n"))
    var connections: Int = 16

    @Option(name: .customLong("in-flight"), help: ArgumentHelp("Requests outstanding per connection.", valueName: "k"))
    var inFlight: Int = 1

    @Option(help: ArgumentHelp("Timed turns (or round trips, or samples).", valueName: "n"))
    var turns: Int = 20_000

    @Option(help: ArgumentHelp("Untimed turns first (default: a tenth of --turns, 100 to 10000).", valueName: "n"))
    var warmup: Int?

    @Option(help: ArgumentHelp("Sessions in all (default: connections × in-flight; 10000 with --memory).", valueName: "n"))
    var sessions: Int?

    @Option(help: ArgumentHelp("Seeds the simulated customers' choices.", valueName: "n"))
    var seed: UInt64 = 1

    @Flag(help: "Time a bare Unix-socket echo round trip instead (one connection, one in flight).")
    var echo = false

    @Flag(help: "Time `ping` round trips through the daemon instead (one connection, one in flight): the socket and protocol without a turn.")
    var ping = false

    @Flag(name: .customLong("in-process"), help: "Time analysis, classification and turns without sockets.")
    var inProcess = false

    @Flag(help: "Open the sessions and report the daemon's memory.")
    var memory = false

    @Flag(help: "Print the results as JSON.")
    var json = false

    @Option(name: .customLong("echo-server"), help: .hidden)
    var echoServerPath: String?

    @OptionGroup var data: DataOptions

    @OptionGroup var several: DaemonsBenchOptions

    func validate() throws {
        guard connections > 0, inFlight > 0 else { throw ValidationError("--connections and --in-flight must be positive") }
        guard turns > 0 else { throw ValidationError("--turns must be positive") }
        if let sessions, sessions <= 0 { throw ValidationError("--sessions must be positive") }
        if let warmup, warmup < 0 { throw ValidationError("--warmup must not be negative") }
        guard [echo, ping, inProcess, memory].filter({ $0 }).count <= 1 else {
            throw ValidationError("choose one of --echo, --ping, --in-process and --memory")
        }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        if let echoServerPath {
            let server = try await EchoServer.start(socketPath: echoServerPath)
            FileHandle.standardError.write(Data("echo server ready on \(echoServerPath)\n".utf8))
            await server.waitUntilClosed()
            return
        }
        let bundle = try data.bundle()
        let engine = try DialogueEngine(bundle: bundle)
        let profile = try Profile.demo(in: bundle)
        let scratch = try Scratch()
        defer { scratch.remove() }

        if inProcess {
            let bench = InProcessBench(engine: engine, profile: profile)
            let report = try await bench.run(samples: turns, concurrency: connections * inFlight,
                                             databasePath: scratch.path("bench.sqlite"))
            try print(report, json: json)
            return
        }

        let generator = LoadGenerator(script: CustomerScript(engine: engine), profile: profile)
        if echo {
            let path = scratch.path("echo.sock")
            let server = try await ChildServer.launch(executable: try Self.executable(),
                                                      arguments: ["bench", "--echo-server", path])
            defer { Task { await server.stop() } }
            let report = try await LoadGenerator.echo(socketPath: path, line: generator.sampleSayLine(),
                                                      turns: turns, warmupTurns: warmup ?? min(max(turns / 10, 100), 10_000))
            await server.stop()
            try print(EchoResult(echo: report), json: json)
            return
        }

        if several.isRequested {
            try print(try await runDaemons(several, generator: generator, executable: try Self.executable()), json: json)
            return
        }
        let daemon: ChildServer?
        let socketPath: String
        if let socket {
            daemon = nil
            socketPath = socket
        } else {
            socketPath = scratch.path("helpline.sock")
            var arguments = ["serve", "--socket", socketPath, "--db", scratch.path("helpline.sqlite"), "--log-level", "error"]
            if let intents = data.intentsDirectory { arguments += ["--intents", intents] }
            daemon = try await ChildServer.launch(executable: try Self.executable(), arguments: arguments)
        }
        do {
            let result: LoadResult
            if memory {
                result = try await measureMemory(generator, socketPath: socketPath)
            } else if ping {
                let report = try await LoadGenerator.echo(socketPath: socketPath, line: Array(#"{"op":"ping"}"#.utf8) + [10],
                                                          turns: turns, warmupTurns: warmup ?? min(max(turns / 10, 100), 10_000))
                result = LoadResult(load: nil, memory: nil, ping: report, daemon: try await Self.stats(socketPath))
            } else {
                var probe: (@Sendable () -> Double?)?
                if let pid = daemon?.pid {
                    probe = { ProcessTimes.cpuSeconds(pid: pid) }
                }
                let configuration = LoadConfiguration(socketPath: socketPath, connections: connections, inFlight: inFlight,
                                                      turns: turns, warmupTurns: warmup, sessions: sessions, seed: seed,
                                                      serverCPU: probe)
                let report = try await generator.run(configuration)
                result = LoadResult(load: report, memory: nil, ping: nil, daemon: try await Self.stats(socketPath))
            }
            var output = result
            output.readyMilliseconds = daemon.map { Self.milliseconds($0.readyAfter) }
            if let daemon { await daemon.stop() }
            try print(output, json: json)
        } catch {
            if let daemon { await daemon.stop() }
            throw error
        }
    }

    // MARK: Modes

    private func measureMemory(_ generator: LoadGenerator, socketPath: String) async throws -> LoadResult {
        let before = try await Self.stats(socketPath)
        let configuration = LoadConfiguration(socketPath: socketPath, connections: connections, inFlight: inFlight,
                                              turns: 0, warmupTurns: 0, sessions: sessions ?? 10_000, seed: seed)
        let (opened, errors, seconds) = try await generator.openSessions(configuration)
        let after = try await Self.stats(socketPath)
        let memory = MemoryReport(sessionsOpened: opened, errors: errors, seconds: seconds,
                                  rssBefore: before.rssBytes, rssAfter: after.rssBytes)
        return LoadResult(load: nil, memory: memory, ping: nil, daemon: after)
    }

    private static func stats(_ socketPath: String) async throws -> ServerStats {
        let client = try await HelplineClient.connect(to: socketPath)
        defer { Task { await client.disconnect() } }
        let reply = try await client.stats()
        guard let stats = reply.stats else {
            throw ValidationError("the daemon did not answer stats: \(reply.error?.message ?? "no stats")")
        }
        await client.disconnect()
        return stats
    }

    // MARK: Output

    private func print(_ value: some Encodable & TextReport, json: Bool) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            FileHandle.standardOutput.write(try encoder.encode(value) + Data("\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data((value.text + "\n").utf8))
        }
    }

    private static func executable() throws -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        guard let first = CommandLine.arguments.first else { throw ValidationError("cannot find the helpline binary") }
        return URL(fileURLWithPath: first).standardizedFileURL.path
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return (Double(seconds) * 1_000 + Double(attoseconds) / 1e15 * 10).rounded() / 10
    }
}

// MARK: - Reports

/// Something printed as text lines unless `--json` is given.
protocol TextReport {
    var text: String { get }
}

/// A run against a daemon: the load or the memory figures, and the daemon's own counters.
struct LoadResult: Encodable, TextReport {
    var load: LoadReport?
    var memory: MemoryReport?
    /// `ping` round trips, one at a time.
    var ping: LoadReport?
    var daemon: ServerStats
    /// From launching the daemon to its "ready" line, when the bench started it.
    var readyMilliseconds: Double?

    enum CodingKeys: String, CodingKey {
        case load, memory, ping, daemon
        case readyMilliseconds = "ready_ms"
    }

    var text: String {
        var lines: [String] = []
        if let load {
            lines.append("connections \(load.connections) × \(load.inFlight) in flight, \(load.sessions) sessions")
            lines.append("turns       \(load.turns) in \(LatencySummary.rounded(load.seconds, 2)) s: "
                + "\(Int(load.turnsPerSecond.rounded())) turns/s; errors \(load.errors)"
                + (load.errorCodes.isEmpty ? "" : " \(load.errorCodes.sorted { $0.key < $1.key })"))
            lines.append("latency     \(load.latency.line)")
            if load.serverCPUPerTurn != nil || load.clientCPUPerTurn != nil {
                lines.append("cpu         daemon \(load.serverCPUPerTurn.map { "\($0) µs" } ?? "-") a turn, "
                    + "load generator \(load.clientCPUPerTurn.map { "\($0) µs" } ?? "-") a turn")
            }
        }
        if let ping {
            lines.append("ping        \(ping.turns) round trips, 1 connection × 1 in flight: \(Int(ping.turnsPerSecond.rounded()))/s")
            lines.append("latency     \(ping.latency.line)")
        }
        if let memory {
            lines.append("sessions    \(memory.sessionsOpened) opened in \(LatencySummary.rounded(memory.seconds, 2)) s; errors \(memory.errors)")
            if let before = memory.rssBefore, let after = memory.rssAfter {
                lines.append("memory      rss \(Self.megabytes(before)) before, \(Self.megabytes(after)) after: "
                    + "\(memory.bytesPerSession.map { "\(Int($0)) bytes" } ?? "-") a session")
            }
        }
        lines.append("daemon      rss \(daemon.rssBytes.map(Self.megabytes) ?? "-"), \(daemon.sessions) sessions, "
            + "\(daemon.turns) turns in \(daemon.transactions) transactions"
            + (readyMilliseconds.map { "; ready in \($0) ms" } ?? ""))
        return lines.joined(separator: "\n")
    }

    static func megabytes(_ bytes: Int) -> String {
        "\(LatencySummary.rounded(Double(bytes) / 1_048_576, 1)) MiB"
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
}

/// The echo round trip.
struct EchoResult: Encodable, TextReport {
    var echo: LoadReport

    var text: String {
        "echo        \(echo.turns) round trips, 1 connection × 1 in flight: \(Int(echo.turnsPerSecond.rounded()))/s\n"
            + "latency     \(echo.latency.line)"
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

/// A temporary folder for the bench's socket and database, removed at the end.
private struct Scratch {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("helpline-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    }

    func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
