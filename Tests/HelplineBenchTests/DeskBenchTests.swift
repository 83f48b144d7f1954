import HelplineBench
import HelplineDesk
import HelplineDialogue
import HelplineTesting
import Testing

/// `helpline bench desk`: customers filing while specialists answer, on the desk in process.
struct DeskBenchTests {
    @Test func everyAppealIsTakenOnceAndTheWaitsAreByQueue() async throws {
        let directory = try TemporaryDirectory()
        let bench = DeskBench(engine: try DialogueEngine(bundle: .embedded), rules: try DeskRules(bundle: .embedded))
        let report = try await bench.run(customers: 24, specialists: 3, databasePath: directory.path("desk.sqlite"))
        #expect(report.appeals == 24)
        #expect(report.takenTwice == 0)
        #expect(Set(report.waits.keys) == [Queue.regular.rawValue, Queue.premiumSeller.rawValue])
        #expect(report.waits.values.map(\.count).reduce(0, +) == 24)
    }
}
