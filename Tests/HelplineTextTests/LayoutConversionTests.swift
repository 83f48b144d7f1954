import Testing
@testable import HelplineText

/// A message typed in the Latin layout while meaning Russian, converted for people to read: only
/// the words the analyzer repaired as layout, capitals kept, the letters on punctuation keys read
/// as letters, punctuation after a word kept (the Russian layout's where the key differs), every
/// other word as typed.
struct LayoutConversionTests {
    let analyzer = TextAnalyzer(vocabulary: supportVocabulary)

    private func converted(_ text: String) -> String {
        let analysis = analyzer.analyze(text)
        let repaired = Set(analysis.repairs.filter { $0.reason == .layout }.map(\.from))
        return LayoutConversion.russian(text, repaired: repaired)
    }

    @Test func repairedWordsReadAsRussian() {
        #expect(converted("ult vjq pfrfp") == "где мой заказ")
        #expect(converted("Ult vjq pfrfp&") == "Где мой заказ?")
        #expect(converted("pf,sk gfhjkm, cgfcb,j.") == "забыл пароль, спасибо.")
        #expect(converted("ult\n  vjq pfrfp 31415926-0001") == "где\n  мой заказ 31415926-0001")
    }

    /// A `?` inside the message is the comma on its key in the Russian layout; at the end it stays.
    @Test func questionMarkInsideIsAComma() {
        #expect(converted("ghbdtn? ult vjq pfrfp?") == "привет, где мой заказ?")
        #expect(converted("ghbdtn? ult vjq pfrfp? ") == "привет, где мой заказ? ")
    }

    /// Words the analyzer did not read as the wrong layout (a brand, an address, a number) stay
    /// as typed.
    @Test func otherWordsStayAsTyped() {
        #expect(converted("ult vjq pfrfp Sony anna@mail.ru 12:30") == "где мой заказ Sony anna@mail.ru 12:30")
        #expect(LayoutConversion.russian("ult vjq", repaired: []) == "ult vjq")
    }

    /// The shifted punctuation keys are capitals; `` ` `` and `~` are ё.
    @Test func shiftedKeysAreCapitals() {
        #expect(LayoutConversion.russian("{jhjij ~krf `krf", repaired: ["{jhjij", "~krf", "`krf"]) == "Хорошо Ёлка ёлка")
    }
}
