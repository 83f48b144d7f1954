import ArgumentParser
import HelplineBench
import HelplineDialogue

/// `helpline bench stages`: where a stored turn's time goes, stage by stage.
struct BenchStagesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stages",
        abstract: "Time each stage of a stored turn: decode, engine, encoding (with JSONEncoder for comparison), commit.",
        discussion: """
        Plays simulated customers' turns one at a time and times each stage on its own: the request \
        line decoded, the engine's turn, the stored conversation column and the reply line written \
        (and, for comparison, the same by Foundation's JSONEncoder), the turn committed to SQLite \
        alone in its transaction. A turn over the socket costs these plus the event loop, the \
        socket and the kernel: compare with `bench daemon`.
        """
    )

    @Option(help: ArgumentHelp("Timed turns.", valueName: "n"))
    var samples = 20_000

    @OptionGroup var data: DataOptions
    @OptionGroup var output: BenchOutputOptions

    func validate() throws {
        guard samples > 0 else { throw ValidationError("--samples must be positive") }
    }

    func run() async throws {
        let bundle = try data.bundle()
        let stages = TurnStages(engine: try data.engine(for: bundle), profile: try Profile.demo(in: bundle))
        let workspace = try BenchWorkspace(intents: nil)
        defer { workspace.remove() }
        try output.print(try stages.run(samples: samples, databasePath: workspace.path("stages.sqlite")))
    }
}

extension TurnStagesReport: TextReport {
    var text: String {
        // The names in one column as wide as the longest, with two spaces after it.
        let width = (stages.map(\.name.count).max() ?? 0) + 2
        return stages.map { stage in
            let name = stage.name.padding(toLength: width, withPad: " ", startingAt: 0)
            return "\(name)mean \(LatencySummary.format(stage.summary.mean))  p50 \(LatencySummary.format(stage.summary.p50))  "
                + "p90 \(LatencySummary.format(stage.summary.p90))  p99 \(LatencySummary.format(stage.summary.p99))"
        }.joined(separator: "\n")
    }
}
