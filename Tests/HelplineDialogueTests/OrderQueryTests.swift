import Foundation
import HelplineIntents
import HelplineText
import Testing
@testable import HelplineDialogue

/// The order search reads a message from the matcher's analysis exactly as it read the message's
/// text (typed words, then repaired words) normalized and stemmed again.
struct OrderQueryTests {
    private static let engine = Result { try DialogueEngine(bundle: .embedded) }

    /// Messages of every kind: the intents' examples as written, typed in the Latin layout, in
    /// translit, with hyphens, digits, emphasis and stray spaces.
    private static func messages(_ catalog: IntentCatalog) -> [String] {
        let examples = catalog.intents.flatMap(\.examples) + catalog.offTopicExamples
        let layout = Dictionary(uniqueKeysWithValues: zip("йцукенгшщзхъфывапролджэячсмитьбю", "qwertyuiop[]asdfghjkl;'zxcvbnm,."))
        let translit: [Character: String] = [
            "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i", "й": "y",
            "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
            "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch", "ы": "y", "э": "e", "ю": "yu", "я": "ya",
        ]
        var out: [String] = []
        for (index, example) in examples.enumerated() {
            out.append(example)
            let lower = example.lowercased()
            switch index % 4 {
            case 0: out.append(String(lower.map { layout[$0] ?? $0 }))
            case 1: out.append(lower.map { translit[$0] ?? String($0) }.joined())
            case 2: out.append("  " + example + " 12345678-0001 робот-пылесос samsung!!! ")
            default: out.append(example.uppercased() + " тоооовар wh-1000xm5 «Мастер и Маргарита»")
            }
        }
        return out + ["", "   ", "-", "a-b-c", "наушники-наушники", "ёлка-палка", "krossovki", "rhjccjdrb",
                      "\u{301}наушники", "заказ\u{200B}наушники", String(repeating: "наушники ", count: 600)]
    }

    @Test func readsTheAnalysisAsTheTextWasRead() throws {
        let engine = try Self.engine.get()
        let generic = GenericWords(engine.rules.titleStopwords.flatMap(WordForms.forms))
        func sayings(_ text: String) -> [WordForm] {
            WordForms.words(text).flatMap(WordForms.parts).map(WordForm.init).filter { !generic.contains($0) }
        }
        var checked = 0
        for text in Self.messages(engine.catalog) {
            let classification = engine.matcher.classify(text)
            let analysis = classification.analysis
            let orderText = analysis.repairs.isEmpty ? text : text + " " + analysis.words.joined(separator: " ")
            let repairedText = analysis.repairs.isEmpty ? text : analysis.words.joined(separator: " ")
            let query = OrderQuery(text, classification, ignoring: generic)
            #expect(query.words == sayings(orderText), "\(text)")
            #expect(query.repairedWords == sayings(repairedText), "\(text)")
            #expect(query.digits == OrderFinder.digits(orderText), "\(text)")
            checked += 1
        }
        #expect(checked > 10_000)
    }

    /// The turn's phrase key gives the same words as the message normalized, so upset words are
    /// found in it without normalizing the message again (whitespace of every kind at either end).
    @Test func upsetWordsAreReadFromThePhraseKey() throws {
        let engine = try Self.engine.get()
        let rules = engine.rules
        let ends = ["", " ", "\n", "\t", "\u{A0}", "\u{2028}", "\u{3000}", "\u{85}", "\u{200B}", " - "]
        var checked = 0
        for (index, message) in Self.messages(engine.catalog).enumerated() {
            let text = ends[index % ends.count] + message + ends[(index / ends.count) % ends.count] + (index % 7 == 0 ? " бесит" : "")
            let key = DialogueRules.phraseKey(text)
            guard !key.hasPrefix("/") else { continue }
            #expect(key.split(separator: " ") == Normalizer.normalize(text).split(separator: " "), "\(text.debugDescription)")
            #expect(rules.isUpset(text, normalized: key) == rules.isUpset(text), "\(text.debugDescription)")
            checked += 1
        }
        #expect(checked > 10_000)
    }
}
