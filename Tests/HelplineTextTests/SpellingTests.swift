import Testing
@testable import HelplineText

struct SpellingTests {
    let analyzer = TextAnalyzer(vocabulary: supportVocabulary, includeCommonWords: false)

    private func corrected(_ word: String) -> String? {
        Chars.scalars(word).withUnsafeBufferPointer { buffer in
            analyzer.engine.correct(buffer).map { analyzer.engine.lexicon.texts[$0.id] }
        }
    }

    /// One edit fixes a short word, two edits a long one (substitution, insertion, deletion, transposition).
    @Test func distances() {
        #expect(corrected("вазврат") == "возврат")   // substitution
        #expect(corrected("вазвратт") == "возврат")  // two edits, long word
        #expect(corrected("дотсавка") == "доставка") // transposition
        #expect(corrected("пароь") == "пароль")      // insertion
        #expect(corrected("жаллоба") == "жалоба")    // deletion
    }

    /// Words of five or six letters get at most one edit; four-letter words only a restored dropped
    /// letter; shorter words none.
    @Test func limits() {
        #expect(corrected("пррль") == nil)           // five letters, two edits from «пароль»
        #expect(corrected("зкз") == nil)             // too short
        #expect(corrected("закз") == "заказ")        // four letters: one dropped letter restored
        #expect(corrected("зака") == "заказ")        // likewise at the end
        #expect(corrected("абракадабра") == nil)     // nothing near
    }

    /// Known words, their inflections and numbers are never corrected.
    @Test func knownWordsUntouched() {
        let analysis = analyzer.analyze("возврат возвраты товары заказ 12345 1990")
        #expect(analysis.repairs.isEmpty)
        #expect(analysis.words == ["возврат", "возвраты", "товары", "заказ"])
    }

    /// A correct four-letter word one edit from a known word stays as written.
    @Test func shortCorrectWordStays() {
        let analyzer = TextAnalyzer(vocabulary: Vocabulary(words: ["весь заказ"]), includeCommonWords: false)
        let analysis = analyzer.analyze("пришла не та вещь")
        #expect(analysis.repairs.isEmpty)
        #expect(analysis.words.last == "вещь")
    }

    /// Among equally near words the more frequent one wins.
    @Test func frequencyBreaksTies() {
        var vocabulary = Vocabulary()
        vocabulary.add("корова", count: 1)
        vocabulary.add("корона", count: 5)
        let engine = TextAnalyzer(vocabulary: vocabulary, includeCommonWords: false).engine
        let best = Chars.scalars("корома").withUnsafeBufferPointer { engine.correct($0) }
        #expect(best.map { engine.lexicon.texts[$0.id] } == "корона")
    }

    /// The deletion index finds exactly the words the edit distance allows.
    @Test func osaDistance() {
        func distance(_ a: String, _ b: String) -> Int {
            Chars.scalars(a).withUnsafeBufferPointer { x in
                Chars.scalars(b).withUnsafeBufferPointer { y in SpellingIndex.distance(x, y, limit: 5) }
            }
        }
        #expect(distance("заказ", "заказ") == 0)
        #expect(distance("зкаказ", "заказ") == 1)
        #expect(distance("заказ", "зааз") == 1)
        #expect(distance("ca", "abc") == 3)
        #expect(distance("", "abc") == 3)
    }
}
