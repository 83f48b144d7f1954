import Testing
@testable import HelplineText

/// A vocabulary like the intent data's: Russian support phrases and a few Latin brand words.
let supportVocabulary = Vocabulary(words: [
    "где мой заказ", "возврат денег", "вернуть товар", "жалоба на продавца", "счет на оплату",
    "доставка", "оплата", "забыл пароль", "без чека", "спасибо", "привет как дела", "хочу отменить заказ",
    "ozon premium", "ozon travel", "ozon seller", "ozon bank",
])

struct LayoutRepairTests {
    let analyzer = TextAnalyzer(vocabulary: supportVocabulary)

    /// Whole sentences typed in the Latin layout become the Russian words, each repair marked layout.
    @Test func latinLayoutSentence() {
        let analysis = analyzer.analyze("ult vjq pfrfp")
        #expect(analysis.words == ["где", "мой", "заказ"])
        #expect(analysis.repairs == [
            Repair(from: "ult", to: "где", reason: .layout),
            Repair(from: "vjq", to: "мой", reason: .layout),
            Repair(from: "pfrfp", to: "заказ", reason: .layout),
        ])
    }

    /// The keys for б, ю, ж, х, э count as letters inside and around a Latin-layout word.
    @Test func punctuationKeysAreLetters() {
        #expect(analyzer.analyze("pf,sk gfhjkm").words == ["забыл", "пароль"])
        #expect(analyzer.analyze(",tp xtrf").words == ["без", "чека"])
        #expect(analyzer.analyze("cgfcb,j.").words == ["спасибо"])
        #expect(analyzer.analyze("cgfcb,jjjj").words == ["спасибо"])
        #expect(analyzer.analyze("spasiboooo").words == ["спасибо"])
        #expect(analyzer.analyze("Ult vjq pfrfp?").words == ["где", "мой", "заказ"])
    }

    /// A word the vocabulary lacks is still converted when the rest of the sentence is in the wrong layout.
    @Test func sentenceLevelLayout() {
        let analysis = analyzer.analyze("ult vjq pfrfp ckjvfkcz")
        #expect(analysis.words == ["где", "мой", "заказ", "сломался"])
        #expect(analysis.repairs.last == Repair(from: "ckjvfkcz", to: "сломался", reason: .layout))
    }

    /// A Latin word in the Russian layout comes back when it is a known Latin word.
    @Test func reverseLayout() {
        let analysis = analyzer.analyze("щящт зкуьшгь")
        #expect(analysis.words == ["ozon", "premium"])
        #expect(analysis.repairs == [
            Repair(from: "щящт", to: "ozon", reason: .reverseLayout),
            Repair(from: "зкуьшгь", to: "premium", reason: .reverseLayout),
        ])
    }

    /// Correct Russian, known Latin words in a Latin sentence, and numbers are never converted.
    @Test func negatives() {
        for text in ["где мой заказ", "привет как дела", "возврат денег без чека", "хочу отменить заказ"] {
            let analysis = analyzer.analyze(text)
            #expect(analysis.repairs.isEmpty, "\(text)")
            #expect(analysis.words.joined(separator: " ") == text)
        }
        let latin = analyzer.analyze("my ozon premium order")
        #expect(latin.repairs.isEmpty)
        #expect(latin.words == ["my", "ozon", "premium", "order"])
        let numbers = analyzer.analyze("ult vjq pfrfp 12345678-0001 2490")
        #expect(numbers.words == ["где", "мой", "заказ"])
        #expect(numbers.tokens.map(\.kind) == [.word, .word, .word, .orderNumber, .number])
    }

    /// A Russian word that is not in the vocabulary is left alone rather than read as Latin.
    @Test func unknownRussianStaysRussian() {
        let analysis = analyzer.analyze("ыыы щас позвоню")
        #expect(analysis.repairs.allSatisfy { $0.reason != .reverseLayout })
        #expect(analysis.words.contains("позвоню"))
    }
}

struct TransliterationRepairTests {
    let analyzer = TextAnalyzer(vocabulary: supportVocabulary)

    /// Transliterated phrases become the Russian words, ambiguous letter groups resolved by the vocabulary.
    @Test func phrases() {
        let cases = [
            "gde moi zakaz": ["где", "мой", "заказ"],
            "vernut tovar": ["вернуть", "товар"],
            "zhaloba": ["жалоба"],
            "schet na oplatu": ["счет", "на", "оплату"],
            "vozvrat deneg": ["возврат", "денег"],
            "dostavka": ["доставка"],
            "oplata": ["оплата"],
            "spasibo": ["спасибо"],
        ]
        for (text, words) in cases {
            let analysis = analyzer.analyze(text)
            #expect(analysis.words == words, "\(text)")
            #expect(analysis.repairs.contains { $0.reason == .translit }, "\(text)")
        }
    }

    /// A short word that reads as a known word both ways («ne»: «ту» by layout, «не» by
    /// transliteration) follows the rest of a transliterated message.
    @Test func shortWordFollowsTheMessage() {
        let analyzer = TextAnalyzer(vocabulary: Vocabulary(words: ["почему не пришел заказ", "ту"]))
        #expect(analyzer.analyze("ne").words == ["ту"])
        let translit = analyzer.analyze("pochemu ne prishel zakaz")
        #expect(translit.words == ["почему", "не", "пришел", "заказ"])
        #expect(translit.repairs.contains(Repair(from: "ne", to: "не", reason: .translit)))
    }

    /// A transliteration that only nearly matches is finished by spelling correction.
    @Test func translitThenSpelling() {
        let analysis = analyzer.analyze("vazvrat deneg")
        #expect(analysis.words == ["возврат", "денег"])
        #expect(analysis.repairs.first?.reason == .translit)
        #expect(analysis.repairs.contains { $0.reason == .spelling && $0.to == "возврат" })
    }

    /// In a transliterated message, a Latin word the analyzer knows («chat» is a common Latin
    /// word) that is also a known Russian word transliterated reads as the Russian one; in a
    /// Russian or English message it stays as written.
    @Test func knownLatinWordInATransliteratedMessage() {
        let analyzer = TextAnalyzer(vocabulary: Vocabulary(words: ["есть онлайн чат у вас", "где чат поддержки"]))
        let translit = analyzer.analyze("est onlayn chat u vas")
        #expect(translit.words.prefix(3) == ["есть", "онлайн", "чат"])
        #expect(translit.repairs.contains(Repair(from: "chat", to: "чат", reason: .translit)))
        #expect(analyzer.analyze("где chat поддержки").words == ["где", "chat", "поддержки"])
        #expect(analyzer.analyze("support chat online").repairs.isEmpty)
    }

    /// In a transliterated message, words glued by a comma or a hyphen are read apart; in the
    /// Latin layout the same comma is the key of «б».
    @Test func gluedTransliteratedWords() {
        let analyzer = TextAnalyzer(vocabulary: Vocabulary(words: ["жду кода для входа", "трек номер не находится", "без чека"]))
        #expect(analyzer.analyze("zhdu koda dlya vhoda,zhdu").words == ["жду", "кода", "для", "входа", "жду"])
        #expect(analyzer.analyze("trek-nomer ne nahoditsya").words == ["трек", "номер", "не", "находится"])
        #expect(analyzer.analyze(",tp xtrf").words == ["без", "чека"])
    }

    /// Known Latin words and an English sentence stay Latin.
    @Test func latinStaysLatin() {
        #expect(analyzer.analyze("ozon travel").repairs.isEmpty)
        #expect(analyzer.analyze("hello my friend").repairs.isEmpty)
        let phone = analyzer.analyze("iphone 15 pro max не включается")
        #expect(phone.repairs.isEmpty)
        #expect(phone.words == ["iphone", "pro", "max", "не", "включается"])
    }
}
