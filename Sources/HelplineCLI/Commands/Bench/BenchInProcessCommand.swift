import ArgumentParser
import HelplineBench
import HelplineDialogue

/// `helpline bench in-process`: the layers under the daemon timed without sockets.
struct BenchInProcessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "in-process",
        abstract: "Time text analysis, classification, dialogue turns and stored turns without sockets."
    )

    @Option(help: ArgumentHelp("Timed calls of each kind.", valueName: "n"))
    var samples = 20_000

    @Option(help: ArgumentHelp("Customers at once for the stored turns per second.", valueName: "n"))
    var concurrency = 16

    @OptionGroup var data: DataOptions
    @OptionGroup var output: BenchOutputOptions

    func validate() throws {
        guard samples > 0, concurrency > 0 else { throw ValidationError("--samples and --concurrency must be positive") }
    }

    func run() async throws {
        let bundle = try data.bundle()
        let bench = InProcessBench(engine: try data.engine(for: bundle), profile: try Profile.demo(in: bundle))
        let workspace = try BenchWorkspace(intents: nil)
        defer { workspace.remove() }
        try output.print(try await bench.run(samples: samples, concurrency: concurrency,
                                             databasePath: workspace.path("bench.sqlite")))
    }
}
