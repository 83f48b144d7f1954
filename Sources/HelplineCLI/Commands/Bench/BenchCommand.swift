import ArgumentParser

/// `helpline bench`: measures the daemon and the layers under it; each measurement a subcommand.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the daemon: latency and turns per second against an echo yardstick, memory, the layers.",
        discussion: """
        Without a subcommand, runs `bench daemon`. Figures are HdrHistogram percentiles; socket \
        runs are repeated --rounds times and the medians quoted (every run is in --json). Measure \
        a release build (`swift build -c release`); see docs/PERFORMANCE.md.
        """,
        subcommands: [BenchDaemonCommand.self, BenchEchoCommand.self, BenchPingCommand.self, BenchMemoryCommand.self,
                      BenchDaemonsCommand.self, BenchInProcessCommand.self, BenchStagesCommand.self, BenchDeskCommand.self,
                      BenchServeEchoCommand.self],
        defaultSubcommand: BenchDaemonCommand.self
    )
}
