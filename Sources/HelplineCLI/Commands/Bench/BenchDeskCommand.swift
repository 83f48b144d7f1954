import ArgumentParser
import HelplineBench
import HelplineDesk
import HelplineDialogue

/// `helpline bench desk`: customers and specialists on the desk at once.
struct BenchDeskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "desk",
        abstract: "Customers file appeals while specialists take, answer and close them; waits per queue and the order kept.",
        discussion: """
        In process, on a fresh database and the wall clock: --customers customers (half regular, \
        half Premium sellers) each open a session and file an appeal about delivery while \
        --specialists specialists (role general) take the next appeal, answer and close it, until \
        every appeal is closed. Reports the wait from arrival to taking per queue, appeals a \
        second, appeals taken twice and takings that passed over a higher queue's appeal waiting \
        since before (both must be 0).
        """
    )

    @Option(help: ArgumentHelp("Customers, each filing one appeal.", valueName: "m"))
    var customers = 200

    @Option(help: ArgumentHelp("Specialists answering.", valueName: "n"))
    var specialists = 4

    @OptionGroup var data: DataOptions
    @OptionGroup var output: BenchOutputOptions

    func validate() throws {
        guard customers > 0, specialists > 0 else { throw ValidationError("--customers and --specialists must be positive") }
    }

    func run() async throws {
        let bundle = try data.bundle()
        let bench = DeskBench(engine: try data.engine(for: bundle), rules: try DeskRules(bundle: bundle))
        let workspace = try BenchWorkspace(intents: nil)
        defer { workspace.remove() }
        try output.print(try await bench.run(customers: customers, specialists: specialists,
                                             databasePath: workspace.path("desk.sqlite")))
    }
}

extension DeskBenchReport: TextReport {
    var text: String {
        var lines = ["desk        \(customers) customers, \(specialists) specialists: \(appeals) appeals in "
            + "\(LatencySummary.rounded(seconds, 2)) s, \(Int(appealsPerSecond.rounded())) a second"]
        for (queue, wait) in waits.sorted(by: { $0.key < $1.key }) {
            lines.append("wait        \(queue.padding(toLength: 15, withPad: " ", startingAt: 0)) \(wait.line)")
        }
        lines.append("order       taken twice \(takenTwice), passed over a higher queue \(orderViolations)")
        return lines.joined(separator: "\n")
    }
}
