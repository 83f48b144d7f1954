// Word comparison that ignores grammatical endings, shared by the dialogue's order search and
// title matching: a word with its stem computed once, sets of words that never tell things apart,
// and the rules for two words being forms of one.

/// A normalized word with its Snowball stem, computed once.
package struct WordForm: Sendable, Hashable {
    package private(set) var word: String
    package private(set) var stem: String
    /// The word's length in characters.
    package private(set) var length: Int
    /// Whether the word and its stem are both ``PlainText``: then they are compared by their bytes.
    package private(set) var plain: Bool
    /// For a plain word and stem: hashes of their bytes, and the word's first five characters
    /// packed (zero when it has fewer), so that most comparisons of two words
    /// (``WordForms/same(_:_:)-(WordForm,WordForm)``) read no text. Zero otherwise.
    private(set) var wordHash: UInt64
    private(set) var stemHash: UInt64
    package private(set) var head: UInt64

    package init(_ word: String) {
        self.init(word, stem: RussianStemmer.stem(word))
    }

    /// A word whose Snowball stem is already known.
    package init(_ word: String, stem: String) {
        self.word = word
        self.stem = stem
        let count = PlainText.scalarCount(word)
        let plain = count != nil && PlainText.isPlain(stem)
        length = count ?? word.count
        self.plain = plain
        wordHash = plain ? Self.hash(word) : 0
        stemHash = plain ? Self.hash(stem) : 0
        head = plain ? Self.head(word) : 0
    }

    /// FNV-1a of a text's UTF-8 bytes.
    private static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return hash
    }

    /// The first five scalars of a plain word, eleven bits each (every plain scalar is below
    /// 0x530), with a marker bit; zero when the word has fewer than five.
    private static func head(_ word: String) -> UInt64 {
        var head: UInt64 = 1
        var taken = 0
        for scalar in word.unicodeScalars {
            head = head << 11 | UInt64(scalar.value)
            taken += 1
            if taken == 5 { return head }
        }
        return 0
    }

    /// Whether two plain words (both ``plain``) start with the same five characters.
    @inline(__always)
    func sharesHead(with other: WordForm) -> Bool {
        head != 0 && head == other.head
    }

    /// Whether two plain words have the same bytes.
    @inline(__always)
    func sameWord(as other: WordForm) -> Bool {
        wordHash == other.wordHash && PlainText.sameBytes(word, other.word)
    }

    /// Whether two plain words have stems of the same bytes.
    @inline(__always)
    func sameStem(as other: WordForm) -> Bool {
        stemHash == other.stemHash && PlainText.sameBytes(stem, other.stem)
    }

    /// The stem's length in characters.
    var stemLength: Int {
        plain ? stem.utf8.count { $0 & 0xC0 != 0x80 } : stem.count
    }
}

/// Words that never tell orders apart, indexed so that checking a word against all of them costs
/// two set lookups (and, for words of five letters or more, a look at the long ones).
package struct GenericWords: Sendable, Hashable {
    private let words: Set<String>
    private let stems: Set<String>
    /// The same words and stems by their bytes, when all of them are plain (``PlainText``): a
    /// plain word is in `words` exactly when its bytes are in `wordBytes`.
    private let wordBytes: Set<ByteKey>?
    private let stemBytes: Set<ByteKey>?
    /// The words that can share a five-letter start with another word: the plain ones by their
    /// first five characters (``WordForm/head``), the others apart.
    private let long: [WordForm]
    private let longByHead: [UInt64: [WordForm]]
    private let longOther: [WordForm]

    package init(_ forms: [WordForm]) {
        words = Set(forms.map(\.word))
        stems = Set(forms.map(\.stem))
        let plain = forms.allSatisfy(\.plain)
        wordBytes = plain ? Set(forms.map { ByteKey($0.word) }) : nil
        stemBytes = plain ? Set(forms.map { ByteKey($0.stem) }) : nil
        long = forms.filter { $0.length >= 5 }
        longByHead = Dictionary(grouping: long.filter(\.plain), by: \.head)
        longOther = long.filter { !$0.plain }
    }

    /// Whether `word` is a form of one of the words (``WordForms/same(_:_:)-(WordForm,WordForm)``).
    package func contains(_ word: WordForm) -> Bool {
        if word.plain, let wordBytes, let stemBytes {
            if wordBytes.contains(ByteKey(word.word)) || stemBytes.contains(ByteKey(word.stem)) { return true }
        } else if words.contains(word.word) || stems.contains(word.stem) {
            return true
        }
        guard word.length >= 5 else { return false }
        // Between plain words the rest of `same` is a shared start of five characters: only the
        // words with the same first five can have it.
        guard word.plain else { return long.contains { WordForms.same($0, word) } }
        return longByHead[word.head]?.contains { WordForms.same($0, word) } == true
            || longOther.contains { WordForms.same($0, word) }
    }
}

/// Word comparison that ignores grammatical endings.
package enum WordForms {
    /// The normalized words of a text that can tell orders apart (three letters or more).
    package static func words(_ text: String) -> [String] {
        PlainText.spaceSeparated(Normalizer.normalize(text)).map(String.init)
            .filter { $0.filter(\.isLetter).count >= 3 }
    }

    /// ``words(_:)`` with their stems.
    package static func forms(_ text: String) -> [WordForm] {
        words(text).map(WordForm.init)
    }

    /// A word and, when it is hyphenated, its parts (three letters or more) and the parts joined.
    package static func parts(_ word: String) -> [String] {
        guard word.utf8.contains(UInt8(ascii: "-")) else { return [word] }
        let pieces = word.split(separator: "-").map(String.init).filter { $0.filter(\.isLetter).count >= 3 }
        return [word] + pieces + [String(word.filter { $0 != "-" })]
    }

    /// Whether a title form is named by a word of the message: the same word in any form
    /// (``same(_:_:)-(WordForm,WordForm)``), or the end of a compound title word («билет» in
    /// «авиабилет», «чайник» in «электрочайник»; five letters or more).
    package static func names(_ title: WordForm, _ said: WordForm) -> Bool {
        if same(title, said) { return true }
        guard said.length >= 5 && title.length >= said.length + 3 else { return false }
        if title.plain && said.plain {
            return PlainText.bytesEnd(title.word, with: said.stem) && said.stemLength >= 4
        }
        return title.word.hasSuffix(said.stem) && said.stem.count >= 4
    }

    /// Whether two normalized words are forms of one word: the same Snowball stem, or a shared
    /// start of five letters or more with endings of at most three letters each.
    package static func same(_ a: String, _ b: String) -> Bool {
        same(WordForm(a), WordForm(b))
    }

    /// ``same(_:_:)`` on words whose stems are known.
    package static func same(_ a: WordForm, _ b: WordForm) -> Bool {
        if a.plain && b.plain {
            if a.sameWord(as: b) || a.sameStem(as: b) { return true }
            // A shared start of five characters or more: the first five alike, read from the heads.
            guard a.length >= 5 && b.length >= 5, a.sharesHead(with: b) else { return false }
            let shared = PlainText.sharedPrefix(a.word, b.word)
            return shared >= 5 && a.length - shared <= 3 && b.length - shared <= 3
        }
        if a.word == b.word || a.stem == b.stem { return true }
        let shared = zip(a.word, b.word).prefix { $0 == $1 }.count
        return shared >= 5 && a.length - shared <= 3 && b.length - shared <= 3
    }
}

extension WordForms {
    /// ``words(_:)`` of an analyzed message, read from the analysis' normalized text instead of
    /// normalizing the message again.
    package static func words(of analysis: Analysis) -> [String] {
        let words = PlainText.spaceSeparated(analysis.normalized)
        if PlainText.isPlain(analysis.normalized) {
            return words.filter { PlainText.letterCount($0) >= 3 }.map(String.init)
        }
        return words.filter { $0.count { $0.isLetter } >= 3 }.map(String.init)
    }

    /// The words (three letters or more) the analyzer gave the message after its repairs.
    package static func repairedWords(of analysis: Analysis) -> [String] {
        analysis.words.filter { word in
            PlainText.isPlain(word) ? PlainText.letterCount(word[...]) >= 3 : word.count { $0.isLetter } >= 3
        }
    }

    /// `words` with their stems, taking the stem the analysis made for a word it holds instead of
    /// stemming it again.
    package static func forms(_ words: [String], stemmedIn analysis: Analysis) -> [WordForm] {
        guard !words.isEmpty else { return [] }
        // A message has a few words: looked up in order, the first of equal words gives the stem.
        let known = zip(analysis.words, analysis.stems).map { (word: $0, plain: PlainText.isPlain($0), stem: $1) }
        return words.map { word in
            let plain = PlainText.isPlain(word)
            let stem = known.first { PlainText.equal($0.word, plain: $0.plain, word, plain: plain) }?.stem
            return stem.map { WordForm(word, stem: $0) } ?? WordForm(word)
        }
    }
}
