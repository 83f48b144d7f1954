import ArgumentParser

@main
struct Helpline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "helpline",
        abstract: "A Russian-language support-chat assistant.",
        subcommands: [ChatCommand.self, ServeCommand.self, ReplayCommand.self, Classify.self, Eval.self, AnalyzeCommand.self,
                      StemCommand.self, BenchCommand.self, ReviewCommand.self]
    )
}
