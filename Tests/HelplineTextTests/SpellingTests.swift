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

    /// A dropped «ъ» or «ь» is put back rather than another letter taken out, though both are one
    /// edit: «подезд» is «подъезд», not «поезд», whichever word is more frequent; and from
    /// transliteration, which drops the signs as often.
    @Test func droppedSignIsPutBack() {
        let analyzer = TextAnalyzer(vocabulary: Vocabulary(words: ["поезд", "поезд", "поезд", "подъезд", "у подъезда", "курьер", "курс"]),
                                    includeCommonWords: false)
        func corrected(_ word: String) -> String? {
            Chars.scalars(word).withUnsafeBufferPointer { analyzer.engine.correct($0).map { analyzer.engine.lexicon.texts[$0.id] } }
        }
        #expect(corrected("подезд") == "подъезд")
        #expect(corrected("курер") == "курьер")
        #expect(corrected("поезд") == nil)
        #expect(analyzer.analyze("kurer u podezda").words == ["курьер", "у", "подъезда"])
    }

    /// A correct word that is a frequent word of the data with a doubled letter written once
    /// («балов», a form of «бал») is read as the frequent word; not when that word is rare in the
    /// data, and not a vowel.
    @Test func letterWrittenOnceWhereTheDataDoublesIt() {
        let frequent = Vocabulary(words: Array(repeating: "сколько баллов", count: 25) + ["касса"])
        let analyzer = TextAnalyzer(vocabulary: frequent, includeCommonWords: false, knownStems: ["бал", "кас"])
        #expect(analyzer.analyze("сколько балов").words == ["сколько", "баллов"])
        #expect(analyzer.analyze("сколько балов").repairs == [Repair(from: "балов", to: "баллов", reason: .spelling)])
        // «каса» is known (its stem is) and «касса» occurs once: left as written.
        #expect(analyzer.analyze("каса").words == ["каса"])
        let rare = TextAnalyzer(vocabulary: Vocabulary(words: ["баллов"]), includeCommonWords: false, knownStems: ["бал"])
        #expect(rare.analyze("балов").words == ["балов"])
    }

    @Test func droppedSign() {
        func dropped(_ known: String, _ word: String) -> Bool {
            Chars.scalars(known).withUnsafeBufferPointer { known in
                Chars.scalars(word).withUnsafeBufferPointer { RepairEngine.isSignDropped(from: known, giving: $0) }
            }
        }
        #expect(dropped("подъезд", "подезд"))
        #expect(dropped("курьер", "курер"))
        #expect(dropped("пароль", "парол"))
        #expect(!dropped("поезд", "подезд"))
        #expect(!dropped("курьер", "куьер"))
        #expect(!dropped("курьер", "курьер"))
    }

    /// A correction worked out before is given again as it was, word by word: asked again in
    /// another order, with words that have none and words one letter apart, an engine that has
    /// seen them answers exactly as a fresh one.
    @Test func rememberedCorrectionsAreTheSame() {
        let words = ["вазврат", "вазвратт", "дотсавка", "пароь", "жаллоба", "закз", "зака", "абракадабра",
                     "пррль", "вазвратп", "дотсавкa", "zakaz", "dostavka", "заказ", "заказы"]
        func answers(_ engine: RepairEngine, _ order: [String]) -> [String: String] {
            var found: [String: String] = [:]
            for word in order {
                found[word] = Chars.scalars(word).withUnsafeBufferPointer { buffer in
                    engine.correct(buffer).map { "\(engine.lexicon.texts[$0.id]) \($0.distance)" } ?? "-"
                }
            }
            return found
        }
        let warm = analyzer.engine
        let first = answers(warm, words)
        let again = answers(warm, words.reversed() + words)
        let fresh = answers(TextAnalyzer(vocabulary: supportVocabulary, includeCommonWords: false).engine, words.shuffled())
        #expect(again == first)
        #expect(fresh == first)
        #expect(first["вазврат"] == "возврат 1" && first["абракадабра"] == "-")
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

struct SoundAlikeTests {
    let analyzer = TextAnalyzer(vocabulary: Vocabulary(words: [
        "где мой заказ", "вернуть товар", "верните деньги", "как связаться с продавцом", "пока", "баллы",
    ]), includeCommonWords: false)

    /// Words written by ear, too many edits away for spelling correction, become the known words they sound like.
    @Test func writtenByEar() {
        #expect(analyzer.analyze("зокас").words == ["заказ"])
        #expect(analyzer.analyze("таавар").words == ["товар"])
        #expect(analyzer.analyze("верните денги").words == ["верните", "деньги"])
        #expect(analyzer.analyze("как связатся с продовцом").words == ["как", "связаться", "с", "продавцом"])
        #expect(analyzer.analyze("зокас").repairs == [Repair(from: "зокас", to: "заказ", reason: .spelling)])
    }

    /// Short words, a different first letter, and words that only share a skeleton stay as written.
    @Test func notOverEager() {
        #expect(analyzer.analyze("бали").words == ["бали"])      // four letters: too short to judge
        #expect(analyzer.analyze("бога").words == ["бога"])      // would sound like «пока» but starts differently
        #expect(analyzer.analyze("приказ").words == ["приказ"])  // another word, not «заказ»
        #expect(analyzer.analyze("бали").repairs.isEmpty)
    }

    /// The key folds the confusions people make by ear and nothing else.
    @Test func keys() {
        func key(_ word: String) -> UInt64? { Chars.scalars(word).withUnsafeBufferPointer(PhoneticKey.hash) }
        #expect(key("зокас") == key("заказ"))
        #expect(key("пришол") == key("пришел"))
        #expect(key("диньги") == key("деньги"))
        #expect(key("заказ") != key("приказ"))
        #expect(key("товар") != key("товары"))
        #expect(key("дом") == nil)
        #expect(key("ozon1") == nil)
    }
}

struct RadixSortTests {
    /// The radix sort orders large arrays exactly as the standard sort does, duplicates and
    /// extreme keys included; small arrays take the standard path.
    @Test func matchesStandardSort() {
        var generator = SystemRandomNumberGenerator()
        for count in [0, 1, 200, 5_000] {
            var keys = (0..<count).map { _ in UInt64.random(in: 0...UInt64.max, using: &generator) }
            keys += [0, UInt64.max, 42, 42, 1 << 63, 0xFFFF, 0x1_0000]
            var radix = keys
            RadixSort.sort(&radix)
            #expect(radix == keys.sorted())
        }
    }
}
