import ArgumentParser
import Foundation
import HelplineBench
import HelplineDialogue

/// The output form every `helpline bench` subcommand shares.
struct BenchOutputOptions: ParsableArguments {
    @Flag(help: "Print the results as JSON.")
    var json = false

    /// Prints `report` as text lines, or as JSON with `--json`.
    func print(_ report: some Encodable & TextReport) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            FileHandle.standardOutput.write(try encoder.encode(report) + Data("\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data((report.text + "\n").utf8))
        }
    }
}

/// The daemon a subcommand measures: one it starts from this binary, or one already running.
struct BenchDaemonOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Measure the daemon on this socket instead of starting one.", valueName: "path"))
    var socket: String?

    @OptionGroup var data: DataOptions
}

/// How socket runs load a server: `bench daemon` and `bench echo`.
struct BenchLoadOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Runs of each configuration; the medians are quoted.", valueName: "n"))
    var rounds = 5

    @Option(name: .customLong("latency-turns"), help: ArgumentHelp("Timed turns (or lines) a round with 1 connection × 1 in flight.", valueName: "n"))
    var latencyTurns = 2_000

    @Option(help: ArgumentHelp("Client connections for the throughput runs.", valueName: "n"))
    var connections = 16

    @Option(name: .customLong("in-flight"), help: ArgumentHelp("Requests outstanding per connection in the throughput runs.", valueName: "k"))
    var inFlight = 32

    @Option(help: ArgumentHelp("Timed turns (or lines) a round in the throughput runs.", valueName: "n"))
    var turns = 20_000

    @Option(help: ArgumentHelp("Untimed turns before each run (default: a tenth of its timed turns, 100 to 10000).", valueName: "n"))
    var warmup: Int?

    @Option(help: ArgumentHelp("Seeds the simulated customers' choices.", valueName: "n"))
    var seed: UInt64 = 1

    func validate() throws {
        guard rounds > 0 else { throw ValidationError("--rounds must be positive") }
        guard connections > 0, inFlight > 0 else { throw ValidationError("--connections and --in-flight must be positive") }
        guard turns > 0, latencyTurns > 0 else { throw ValidationError("--turns and --latency-turns must be positive") }
        if let warmup, warmup < 0 { throw ValidationError("--warmup must not be negative") }
    }

    /// One connection, one request in flight (the socket path is set for each server).
    var latency: LoadConfiguration {
        LoadConfiguration(socketPath: "", connections: 1, inFlight: 1, turns: latencyTurns, warmupTurns: warmup, seed: seed)
    }

    /// `--connections` × `--in-flight`, with `sessions` customers in all (default: one per request in flight).
    func throughput(sessions: Int? = nil) -> LoadConfiguration {
        LoadConfiguration(socketPath: "", connections: connections, inFlight: inFlight, turns: turns,
                          warmupTurns: warmup, sessions: sessions, seed: seed)
    }
}

extension BenchDaemonOptions {
    /// Runs `body` with the socket of the daemon at `--socket`, or of a daemon started for it in
    /// `workspace` and stopped after; the started daemon's readiness comes with the result.
    func withDaemon<Result>(in workspace: BenchWorkspace,
                            _ body: (String) async throws -> Result) async throws -> (Result, readyMilliseconds: Double?) {
        if let socket { return (try await body(socket), nil) }
        let (daemon, socketPath) = try await workspace.daemon("helpline")
        return (try await daemon.stop { try await body(socketPath) }.result, daemon.readyMilliseconds)
    }
}

extension DataOptions {
    /// Simulated customers who speak the data's own examples, as the demo customer.
    func loadGenerator() throws -> LoadGenerator {
        let bundle = try bundle()
        return LoadGenerator(script: CustomerScript(engine: try engine(for: bundle)), profile: try Profile.demo(in: bundle))
    }
}
