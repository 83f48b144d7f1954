import ArgumentParser

@main
struct Helpline: AsyncParsableCommand {
    /// The release `helpline --version` prints.
    static let version = "0.9.0"

    static let configuration = CommandConfiguration(
        commandName: "helpline",
        abstract: "A Russian-language support-chat assistant.",
        version: Helpline.version,
        subcommands: [ChatCommand.self, DeskCommand.self, ServeCommand.self, ReplayCommand.self, ClassifyCommand.self, EvalCommand.self, AnalyzeCommand.self,
                      StemCommand.self, BenchCommand.self, ReviewCommand.self, MigrateCommand.self]
    )
}
