import ArgumentParser
import HelplineBench
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `helpline bench echo`: the NIO echo server beside the plain one, the two yardsticks.
struct BenchEchoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "echo",
        abstract: "The SwiftNIO echo server beside the plain one: what sockets and event loops cost alone.",
        discussion: """
        Starts both echo servers as child processes and runs the configurations of `bench daemon` \
        on them, alternately, with the same load driver and the same `say`-sized line.
        """
    )

    @OptionGroup var load: BenchLoadOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var output: BenchOutputOptions

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let line = try data.loadGenerator().sampleSayLine()
        let workspace = try BenchWorkspace(intents: nil)
        defer { workspace.remove() }
        let plain = try await workspace.echo(.plain)
        let report = try await plain.server.stop {
            let nio = try await workspace.echo(.nio)
            return try await nio.server.stop {
                func compare(_ configuration: LoadConfiguration) async throws -> Comparison {
                    try await Comparison.measure(configuration, rounds: load.rounds, measuredSocket: nio.socketPath,
                                                 yardstickSocket: plain.socketPath, line: line) {
                        try await LoadGenerator.echo($0, line: line)
                    }
                }
                return EchoBenchReport(rounds: load.rounds, latency: try await compare(load.latency),
                                       throughput: try await compare(load.throughput()))
            }.result
        }.result
        try output.print(report)
    }
}
