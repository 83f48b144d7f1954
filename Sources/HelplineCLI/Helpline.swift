import ArgumentParser

@main
struct Helpline: AsyncParsableCommand {
    /// The release `helpline --version` prints.
    static let version = "0.9.0"

    static let configuration = CommandConfiguration(
        commandName: "helpline",
        abstract: "A Russian-language support-chat assistant.",
        version: Helpline.version,
        subcommands: [ChatCommand.self, ServeCommand.self, ReplayCommand.self, Classify.self, Eval.self, AnalyzeCommand.self,
                      StemCommand.self, BenchCommand.self, ReviewCommand.self, MigrateCommand.self]
    )
}
