import Foundation
import HelplineDialogue
import HelplineFiles
import HelplineIntents
import HelplineServer
import HelplineTranscripts
import Logging
import HelplineTesting
import Testing
@testable import HelplineReview

/// `helpline review` on a database made by a daemon: the transcripts' conversations replayed over
/// its socket, plus sessions with messages the matcher does not know.
@Suite(.serialized) struct ReviewTests {
    static let engine: Result<DialogueEngine, any Error> = Result {
        try DialogueEngine(bundle: try DataBundle.directory(WorkingTree.intents))
    }

    /// Opens a session and says each message in turn; closes it after, or leaves it open.
    private func converse(_ client: HelplineClient, profile: Profile, _ messages: [String], close: Bool) async throws {
        let opened = try await client.open(profile: profile)
        let session = try #require(opened.session)
        for message in messages {
            let answer = try await client.say(session: session, text: message)
            #expect(answer.ok, "«\(message)» was answered with an error")
        }
        if close { #expect(try await client.close(session: session).ok) }
    }

    /// Fills a daemon's database: every transcript's customer lines (each session closed after, as
    /// the replay does), then the unknown messages (left open).
    /// Returns how many sessions and customer messages went in.
    private func fill(_ daemon: InProcessDaemon) async throws -> (sessions: Int, messages: Int) {
        let bundle = try DataBundle.directory(WorkingTree.intents)
        let client = try await daemon.client()
        var sessions = 0
        var messages = 0
        for file in try TranscriptFile.find([WorkingTree.transcripts.path]) {
            for transcript in try file.parse().get() {
                let lines = transcript.turns.map(\.text).filter { !$0.hasPrefix("/") }
                let profile = try transcript.profile.load(relativeTo: file.url.path, bundle: bundle)
                try await converse(client, profile: profile, lines, close: true)
                sessions += 1
                messages += lines.count
            }
        }
        let demo = try Profile.demo(in: bundle)
        let unknown: [[String]] = [
            ["рецепт борща со сметаной", "доставка"],
            ["рецепт борща со сметаной"],
            ["Рецепт борща со сметаной!", "возврат"],
            ["хочу вернуть", "назад"],
        ]
        for lines in unknown {
            try await converse(client, profile: demo, lines, close: false)
            sessions += 1
            messages += lines.count
        }
        await client.disconnect()
        return (sessions, messages)
    }

    @Test func findsRejectedAndCorrectedMessagesWhileTheDaemonRuns() async throws {
        let engine = try Self.engine.get()
        let daemon = try await InProcessDaemon.start(engine: engine)
        let filled = try await fill(daemon)

        // Read while the daemon still runs: read-only, beside its writer.
        let archive = try ConversationArchive(path: daemon.databasePath)
        let stored = try archive.sessions()
        #expect(stored.skipped == 0)
        #expect(stored.sessions.count == filled.sessions)
        #expect(stored.sessions.reduce(0) { $0 + $1.messages.count } == filled.messages)

        let report = Reviewer(engine: engine).review(stored.sessions)
        #expect(report.sessions == filled.sessions)
        #expect(report.messages == filled.messages)

        // The three spellings of the same off-topic question are one group of three rejections,
        // two of whose sessions went on to choose a topic.
        let borscht = try #require(report.groups.first { $0.texts.contains { $0.text == "рецепт борща со сметаной" } })
        #expect(borscht.count == 3)
        #expect(borscht.reasons[.rejected] == 3)
        #expect(borscht.texts.first?.count == 2)
        #expect(Set(borscht.laterTopics.map(\.topic)) == ["delivery", "returns"])
        #expect(borscht.guesses.first?.id.wireValue == "none")

        // A topic taken back at once is flagged as corrected.
        let undone = try #require(report.groups.first { $0.texts.contains { $0.text == "хочу вернуть" } })
        #expect(undone.reasons[.corrected] == 1)

        // Nothing written at the message step is judged: appeal texts are not topic picks.
        let written = Set(report.groups.flatMap { $0.texts.map(\.text) })
        #expect(!written.contains("Курьер не привёз заказ"))
        // Nor are control words and option picks: the dialogue did not read them for an intent.
        #expect(!written.contains("назад"))
        #expect(!written.contains { $0.allSatisfy(\.isNumber) })
        // A later topic is always an intent a line can be filed under.
        let intents = Set(engine.catalog.intents.map(\.id.rawValue))
        #expect(report.groups.allSatisfy { $0.laterTopics.allSatisfy { intents.contains($0.topic) } })
        try await daemon.stop()
    }

    @Test func tsvThenMergeAddsCorrectedLines() async throws {
        let engine = try Self.engine.get()
        let daemon = try await InProcessDaemon.start(engine: engine)
        _ = try await fill(daemon)
        let report = Reviewer(engine: engine).review(try ConversationArchive(path: daemon.databasePath).sessions().sessions)
        try await daemon.stop()

        // The review's wordings, each filed as a person would correct them.
        let folder = try copyOfIntents()
        defer { try? FileManager.default.removeItem(at: folder) }
        let before = try IntentCatalog(bundle: try DataBundle.directory(folder))
        let existing = try #require(before.intents.first { $0.id == "delivery" }?.examples.first)
        let testLine = "верните деньги за отменённый заказ пылесоса на карту мир пожалуйста"
        var tsv = "# corrected\n"
        tsv += report.groups.flatMap(\.texts).filter { $0.text.lowercased().contains("борщ") }
            .map { "none\t\($0.text)\n" }.joined()
        tsv += "returns\tсдала товар а деньги так и не пришли на карту\n"
        tsv += "delivery\t\(existing)\n"
        tsv += "returns\t\(testLine)\n"
        tsv += "returns\tСдала товар, а деньги так и не пришли на карту!\n"

        let outcome = try ExampleMerge.merge(tsv, into: folder, testLines: [testLine])
        // The two spellings of the borscht question are one wording: the second is a duplicate.
        #expect(outcome.added["config/offtopic.yaml"] == 1)
        #expect(outcome.added["returns.yaml"] == 1)
        #expect(outcome.duplicates == 3, "an existing example and two repeats of earlier lines")
        #expect(outcome.repeatsTestLine == 1)

        let after = try IntentCatalog(bundle: try DataBundle.directory(folder))
        #expect(after.offTopicExamples.contains("рецепт борща со сметаной"))
        #expect(after.intents.first { $0.id == "returns" }?.examples.last == "сдала товар а деньги так и не пришли на карту")
        #expect(after.offTopicExamples.count == before.offTopicExamples.count + 1)

        // Merging the same file again adds nothing.
        let again = try ExampleMerge.merge(tsv, into: folder, testLines: [testLine])
        #expect(again.addedTotal == 0)
    }

    @Test func badMergeFileChangesNothing() throws {
        let folder = try copyOfIntents()
        defer { try? FileManager.default.removeItem(at: folder) }
        let before = try DataBundle.directory(folder)

        let cases: [(tsv: String, line: Int)] = [
            ("returns\tхочу сдать пылесос обратно\nnone\tпогода в казани\nбез табуляции\n", 3),
            ("returns\tхочу сдать пылесос обратно\nrefunds\tденьги не вернули\n", 2),
            ("\n# comment\nreturns\t\n", 3),
            ("none\tпогода\u{0007} в казани\n", 1),
        ]
        for (tsv, line) in cases {
            #expect { try ExampleMerge.merge(tsv, into: folder, testLines: []) } throws: { error in
                (error as? MergeError)?.line == line
            }
            #expect(try DataBundle.directory(folder) == before, "nothing merged from a bad file")
        }
    }

    @Test func examplesAreAppendedToTheListKeepingTheFile() throws {
        let file = """
            # comment
            id: thing
            examples:
              - "one"
              # a note
              - два
            keywords:
              - x

            """
        let merged = ExampleMerge.appendExamples(["три \"в кавычках\" \\ слеш"], to: file)
        #expect(merged == """
            # comment
            id: thing
            examples:
              - "one"
              # a note
              - два
              - "три \\"в кавычках\\" \\\\ слеш"
            keywords:
              - x

            """)
        let none = ExampleMerge.appendExamples(["раз"], to: "id: thing\n")
        #expect(none == "id: thing\nexamples:\n  - \"раз\"\n")
    }

    @Test func similarWordingsShareAGroup() throws {
        let reviewer = Reviewer(engine: try Self.engine.get())
        func message(_ text: String) -> ReviewedMessage {
            ReviewedMessage(text: text, reason: .rejected, guesses: [], laterTopic: nil)
        }
        let groups = reviewer.group([message("рецепт борща"), message("Рецепты борща"), message("погода в Москве")])
        #expect(groups.count == 2)
        #expect(groups[0].count == 2)
        #expect(groups[1].texts.map(\.text) == ["погода в Москве"])
    }

    /// A copy of `Intents/` in a temporary folder.
    private func copyOfIntents() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hl-review-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: WorkingTree.intents, to: folder)
        return folder
    }
}
