import Foundation
import HelplineDialogue
import HelplineIntents
import Testing
@testable import HelplineTranscripts

struct BrokenRuleTests {
    /// Replays the folder on a copy of the data with one file changed.
    func replay(changing file: String, _ change: (String) -> String) async throws -> [TranscriptResult] {
        var bundle = try Fixtures.bundle()
        let original = try #require(bundle.files[file])
        let changed = change(original)
        #expect(changed != original, "the change must alter \(file)")
        bundle.files[file] = changed
        return await TranscriptRunner(target: try InProcessTarget(bundle: bundle)).run(try Fixtures.transcriptFiles())
    }

    /// Shrinking the Ozon Travel «within 24 hours» rule to 22 hours fails the 23-hours transcript,
    /// naming it, with a diff of the queue; the 25-hours transcript and the other rules still pass.
    @Test func travelHoursRuleBroken() async throws {
        let results = try await replay(changing: "config/dialogue.yaml") {
            $0.replacingOccurrences(of: "starts_within_hours: 24", with: "starts_within_hours: 22")
        }
        let failed = results.filter { !$0.passed }
        let broken = try #require(failed.first { $0.location.file == "Transcripts/travel/starts-within-24-hours.transcript" })
        let report = ReplayReport.render(broken)
        #expect(report.hasPrefix("FAIL Transcripts/travel/starts-within-24-hours.transcript:2 — Ozon Travel: вылет через 23 часа — приоритетная очередь\n"))
        #expect(report.contains("  after Transcripts/travel/starts-within-24-hours.transcript:"))
        #expect(report.contains("> Не пришла маршрутная квитанция, а вылет завтра утром."))
        #expect(report.contains("    - < Очередь: приоритетная Ozon Travel. "))
        #expect(report.contains("    + < Очередь: общая. Среднее время ответа специалиста — 5–10 минут"))
        #expect(report.contains("? ticket: topic=travel order=70400001-0001 queue=travel_priority eta=5-10\n    - appeal topic=travel order=70400001-0001 queue=travel_priority eta=5-10\n    + appeal id=transcript-1 topic=travel order=70400001-0001 queue=regular eta=5-10"))
        let passing = Set(results.filter(\.passed).map(\.location.file))
        #expect(passing.contains("Transcripts/travel/starts-in-25-hours.transcript"))
        #expect(passing.contains("Transcripts/travel/hotel-priority.transcript"))
        #expect(failed.count < results.count / 2, "only the transcripts that depend on the rule fail")
    }

    /// Dropping hotels from the priority kinds fails the hotel transcript by name.
    @Test func hotelRuleBroken() async throws {
        let results = try await replay(changing: "config/dialogue.yaml") {
            $0.replacingOccurrences(of: "kinds: [hotel]", with: "kinds: []")
        }
        let failed = Set(results.filter { !$0.passed }.map(\.location.file))
        #expect(failed.contains("Transcripts/travel/hotel-priority.transcript"))
        #expect(!failed.contains("Transcripts/travel/package-priority.transcript"))
    }

    /// A reworded prompt fails every transcript that shows it, with a line diff naming the line.
    @Test func rewordedPromptBroken() async throws {
        let results = try await replay(changing: "config/prompts.yaml") {
            $0.replacingOccurrences(of: "cancelled: \"Черновик обращения удалён.\"", with: "cancelled: \"Черновик удалён.\"")
        }
        let failed = results.filter { !$0.passed }
        #expect(failed.map(\.location.file) == ["Transcripts/messy/control-words-repaired.transcript",
                                                 "Transcripts/navigation/cancel.transcript"])
        let report = try #require(failed.last.map(ReplayReport.render))
        #expect(report.contains(": the bot's text differs\n    - < Черновик обращения удалён.\n    + < Черновик удалён.\n"))
    }
}
