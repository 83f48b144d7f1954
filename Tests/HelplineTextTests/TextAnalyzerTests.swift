import Testing
@testable import HelplineText

struct TextAnalyzerTests {
    /// The issue's done-when: wrong layout, transliteration and a misspelling all become the vocabulary's words.
    @Test func doneWhen() {
        let analyzer = TextAnalyzer(vocabulary: Vocabulary(words: ["где", "мой", "заказ", "возврат", "денег"]),
                                    includeCommonWords: false)
        #expect(analyzer.analyze("ult vjq pfrfp").words == ["где", "мой", "заказ"])
        #expect(analyzer.analyze("gde moi zakaz").words == ["где", "мой", "заказ"])
        let spelling = analyzer.analyze("вазврат денег")
        #expect(spelling.words == ["возврат", "денег"])
        #expect(spelling.repairs == [Repair(from: "вазврат", to: "возврат", reason: .spelling)])
    }

    /// All the fields are filled: normalized text, tokens, words without numbers, stems, entities.
    @Test func fullAnalysis() {
        let analyzer = TextAnalyzer(vocabulary: supportVocabulary)
        let analysis = analyzer.analyze("Верните 2 490 ₽ за заказ 12345678-0001, тел. 8 (800) 234-70-70!")
        #expect(analysis.normalized == "верните 2 490 ₽ за заказ 12345678-0001 тел 8 (800) 234-70-70")
        #expect(analysis.words == ["верните", "за", "заказ", "тел"])
        #expect(analysis.stems == ["верн", "за", "заказ", "тел"])
        #expect(analysis.tokens.filter { $0.kind == .number }.map(\.text) == ["2", "490"])
        #expect(analysis.entities.map(\.kind) == [.money, .orderNumber, .phone])
        #expect(analysis.entities.map(\.value) == ["2490", "12345678-0001", "+78002347070"])
    }

    /// Stems are the Snowball stems of the repaired words, index for index.
    @Test func stemsFollowRepairs() {
        let analyzer = TextAnalyzer(vocabulary: supportVocabulary)
        for text in ["ult vjq pfrfp", "vernut tovar", "вазврат денег", "доставки не было"] {
            let analysis = analyzer.analyze(text)
            #expect(analysis.stems == analysis.words.map(RussianStemmer.stem), "\(text)")
        }
    }

    /// The vocabulary takes phrases apart into normalized words.
    @Test func vocabularyWords() {
        let vocabulary = Vocabulary(words: ["Где мой ЗАКАЗ?", "ozon"])
        #expect(vocabulary.contains("заказ"))
        #expect(vocabulary.contains("ozon"))
        #expect(!vocabulary.contains("Где мой ЗАКАЗ?"))
        #expect(vocabulary.count == 4)
    }

    /// Odd input never crashes and gives empty or sensible results.
    @Test func oddInput() {
        let analyzer = TextAnalyzer(vocabulary: supportVocabulary)
        for text in ["", " ", "🙂🙂🙂", "+", "(", "@", "http://", "8 (", "a@", "''''", "[[[", ",,,", "-", "—",
                     String(repeating: "а", count: 500), String(repeating: "zx", count: 300), "\u{0}\u{301}\u{301}"] {
            let analysis = analyzer.analyze(text)
            #expect(analysis.stems.count == analysis.words.count)
        }
    }
}
