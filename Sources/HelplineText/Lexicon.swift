/// The words the analyzer knows, laid out for fast lookup by scalar values: the caller's
/// vocabulary plus, optionally, the built-in common words. Each word keeps its frequency, its
/// script and its Snowball stem; the stems of all words form a second set, so an inflected form
/// of a known word («заказы» for «заказ») counts as known too.
struct Lexicon: Sendable {
    enum Script: UInt8, Sendable {
        case cyrillic, latin, other
    }

    var storage: [UInt32] = []
    var offsets: [Int32] = [0]
    var frequencies: [Int32] = []
    var scripts: [Script] = []
    var texts: [String] = []
    var stems: [String] = []
    var index: HashIndex
    var stemIndex: HashIndex

    var count: Int { frequencies.count }

    /// The shortest stem that makes an inflected form count as known.
    static let minimumStemLength = 3

    /// Builds the lexicon from (normalized word, frequency) pairs; repeated words add up. The
    /// stems of correctly spelled words that are not entries count as known too: an inflection of
    /// one of `commonStems` is left as written; of one of `rareStems` (rarer words, which a
    /// one-letter slip in a common word may make: «оплота» for «оплата»), it is left as written
    /// unless a known word is one edit away. Stems shorter than `minimumStemLength` are ignored.
    init(entries: [(String, Int)], commonStems: [String] = [], rareStems: [String] = []) {
        index = HashIndex(capacity: entries.count + 1)
        stemIndex = HashIndex(capacity: entries.count + commonStems.count + rareStems.count + 1)
        for (text, frequency) in entries {
            let scalars = Chars.scalars(text)
            guard !scalars.isEmpty else { continue }
            let hash = ScalarHash.of(scalars)
            let id = Int32(count)
            let stored = index.insert(hash, id)
            if stored != id {
                frequencies[Int(stored)] += Int32(clamping: frequency)
                continue
            }
            storage += scalars
            offsets.append(Int32(storage.count))
            frequencies.append(Int32(clamping: max(frequency, 1)))
            let script = scalars.withUnsafeBufferPointer(Lexicon.script)
            scripts.append(script)
            texts.append(text)
            let stemLength = script == .cyrillic ? scalars.withUnsafeBufferPointer(RussianStemmer.stemLength) : scalars.count
            stems.append(stemLength == scalars.count ? text : Chars.string(scalars[0..<stemLength]))
            if stemLength >= Lexicon.minimumStemLength {
                stemIndex.insert(ScalarHash.of(scalars[0..<stemLength]), Self.commonStem)
            }
        }
        // After the entries' and common before rare: a stem that is both stays common.
        for (list, value) in [(commonStems, Self.commonStem), (rareStems, Self.rareStem)] {
            for stem in list {
                let scalars = Chars.scalars(stem)
                if scalars.count >= Lexicon.minimumStemLength { stemIndex.insert(ScalarHash.of(scalars), value) }
            }
        }
    }

    /// `stemIndex`'s values: the stem of a known word or a common word; of a rare word.
    static let commonStem: Int32 = 0, rareStem: Int32 = 1

    /// How far a word is known.
    enum Knowledge {
        /// Neither known nor an inflection of a known word.
        case unknown
        /// Known, or an inflection of a known or common word.
        case known
        /// An inflection of a rare word.
        case rare
    }

    /// Calls `body` with the scalars of word `id`.
    @inline(__always)
    func withWord<R>(_ id: Int, _ body: (UnsafeBufferPointer<UInt32>) -> R) -> R {
        storage.withUnsafeBufferPointer { all in
            body(UnsafeBufferPointer(rebasing: all[Int(offsets[id])..<Int(offsets[id + 1])]))
        }
    }

    /// The id of the word, if known.
    @inline(__always)
    func find(_ word: UnsafeBufferPointer<UInt32>) -> Int? {
        find(word, hash: ScalarHash.of(word))
    }

    /// The id of the word with the given hash, checked letter by letter.
    func find(_ word: UnsafeBufferPointer<UInt32>, hash: UInt64) -> Int? {
        guard let id = index.find(hash) else { return nil }
        let from = Int(offsets[Int(id)])
        let to = Int(offsets[Int(id) + 1])
        guard to - from == word.count else { return nil }
        for k in 0..<word.count where storage[from + k] != word[k] { return nil }
        return Int(id)
    }

    /// Whether the word is known or an inflection of a known (or common) word.
    func isKnownForm(_ word: UnsafeBufferPointer<UInt32>) -> Bool {
        knowledge(of: word) == .known
    }

    /// Whether the word is known, or an inflection of a known, common or rare word.
    func knowledge(of word: UnsafeBufferPointer<UInt32>) -> Knowledge {
        if find(word) != nil { return .known }
        guard Lexicon.script(word) == .cyrillic else { return .unknown }
        let stemLength = RussianStemmer.stemLength(of: word)
        guard stemLength >= Lexicon.minimumStemLength else { return .unknown }
        switch stemIndex.find(ScalarHash.of(UnsafeBufferPointer(rebasing: word[0..<stemLength]))) {
        case nil: return .unknown
        case Self.commonStem: return .known
        default: return .rare
        }
    }

    /// The script of a word: all Russian letters (and hyphens), all Latin letters, or anything else.
    static func script(_ word: UnsafeBufferPointer<UInt32>) -> Script {
        var cyrillic = 0
        var latin = 0
        for c in word {
            if Chars.isCyrillic(c) { cyrillic += 1 } else if Chars.isLatin(c) { latin += 1 } else if c != Chars.hyphen && c != Chars.apostrophe { return .other }
        }
        if cyrillic > 0 && latin == 0 { return .cyrillic }
        if latin > 0 && cyrillic == 0 { return .latin }
        return .other
    }

    /// All words of one script, for training character statistics.
    func words(of script: Script) -> [[UInt32]] {
        (0..<count).filter { scripts[$0] == script }.map { id in withWord(id) { Array($0) } }
    }
}
