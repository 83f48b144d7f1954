import Foundation
import HelplineText
import Testing

/// `helpline analyze` and `helpline stem`, run as real processes.
struct TextCommandsTests {
    /// Runs `helpline analyze --json` on one message with the given intent data folder (nil: built-in data).
    private func analyze(_ text: String, intents: URL?) async throws -> Analysis {
        var arguments = ["analyze", "--json"]
        if let intents { arguments += ["--intents", intents.path] }
        let result = try await HelplineProcess.run(arguments + [text], input: "")
        try #require(result.status == 0, "stderr: \(result.stderr)")
        return try JSONDecoder().decode(Analysis.self, from: Data(result.stdout.utf8))
    }

    /// The done-when, end to end: with a vocabulary holding the words, the wrong layout, the
    /// transliteration and the misspelling all come out as the Russian words.
    @Test func analyzeRepairsAgainstTheIntentVocabulary() async throws {
        let folder = try HelplineProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let intent = """
        id: orders
        kind: topic
        title: Заказы
        examples:
          - "где мой заказ"
          - "возврат денег"
        """
        try Data(intent.utf8).write(to: folder.appendingPathComponent("orders.yaml"))
        #expect(try await analyze("ult vjq pfrfp", intents: folder).words == ["где", "мой", "заказ"])
        #expect(try await analyze("gde moi zakaz", intents: folder).words == ["где", "мой", "заказ"])
        let spelling = try await analyze("вазврат денег", intents: folder)
        #expect(spelling.words == ["возврат", "денег"])
        #expect(spelling.repairs == [Repair(from: "вазврат", to: "возврат", reason: .spelling)])
    }

    /// With the built-in intent data the analyzer sees what the matcher sees: layout and translit repaired,
    /// entities found.
    @Test func analyzeWithBuiltInData() async throws {
        #expect(try await analyze("ult vjq pfrfp", intents: nil).words == ["где", "мой", "заказ"])
        let analysis = try await analyze("gde moi zakaz 12345678-0001", intents: nil)
        #expect(analysis.words == ["где", "мой", "заказ"])
        #expect(analysis.entities.map(\.value) == ["12345678-0001"])
    }

    /// The plain report shows each step with its label.
    @Test func analyzeReport() async throws {
        let result = try await HelplineProcess.run(["analyze", "ult", "vjq", "pfrfp"], input: "")
        #expect(result.status == 0)
        for label in ["normalized", "tokens", "repairs", "words", "stems", "entities"] {
            #expect(result.stdout.contains(label), "\(label) missing from \(result.stdout)")
        }
        #expect(result.stdout.contains("pfrfp → заказ (layout)"))
    }

    /// `stem` prints one Snowball stem per input line, in order, like Snowball's stemwords.
    @Test func stemReadsLines() async throws {
        let words = ["доставки", "вернуть", "Заказы", "ozon", ""]
        let result = try await HelplineProcess.run(["stem"], input: words.joined(separator: "\n") + "\n")
        #expect(result.status == 0)
        #expect(result.stdout == words.map { RussianStemmer.stem($0.lowercased()) + "\n" }.joined())
        #expect(result.stdout.hasPrefix("доставк\nвернут\nзаказ\nozon\n"))
    }

    /// `stem` with arguments stems each argument's words; a line of several words gives their stems.
    @Test func stemTakesTextsAndSplitsWords() async throws {
        let result = try await HelplineProcess.run(["stem", "Посылки не доставлены", "заказ"], input: "")
        #expect(result.stdout == "посылк не доставл\nзаказ\n")
        let piped = try await HelplineProcess.run(["stem"], input: "возвраты денег\n")
        #expect(piped.stdout == "возврат денег\n")
    }
}
