import Foundation
import HelplineDialogue
import HelplineIntents
import Testing
@testable import HelplineTranscripts

struct TranscriptFolderTests {
    /// Every transcript and Botium convo in `Transcripts/` passes in-process against the real engine and data.
    @Test func wholeFolderPassesInProcess() async throws {
        let files = try Fixtures.transcriptFiles()
        let results = await TranscriptRunner(target: try Fixtures.target()).run(files)
        #expect(results.count >= 40)
        #expect(files.contains { $0.isBotium })
        for result in results where !result.passed {
            Issue.record(Comment(rawValue: ReplayReport.render(result)))
        }
        #expect(ReplayReport.summary(results) == "\(results.count) passed, 0 failed")
    }

    /// The folder covers every topic and every information intent of the catalog at least once.
    @Test func folderCoversEveryTopicAndInformationIntent() async throws {
        let catalog = try IntentCatalog(bundle: try Fixtures.bundle())
        let transcripts = try Fixtures.transcriptFiles().flatMap { try $0.parse().get() }
        var asserted: Set<String> = []
        for transcript in transcripts {
            for turn in transcript.turns {
                for assertion in turn.expectation.assertions {
                    switch assertion.check {
                    case .intent(let id?, _): asserted.insert(id)
                    case .ticket(let ticket): if let topic = ticket.topic { asserted.insert(topic) }
                    default: break
                    }
                }
            }
        }
        let wanted = catalog.intents.filter { $0.kind == .topic || $0.kind == .info }.map(\.id.rawValue)
        let missing = wanted.filter { !asserted.contains($0) }
        #expect(missing.isEmpty, "no transcript asserts \(missing)")
    }
}
