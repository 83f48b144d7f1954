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

    /// Builds the lexicon from (normalized word, frequency) pairs; repeated words add up.
    init(entries: [(String, Int)]) {
        index = HashIndex(capacity: entries.count + 1)
        stemIndex = HashIndex(capacity: entries.count + 1)
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
                stemIndex.insert(ScalarHash.of(scalars[0..<stemLength]), 0)
            }
        }
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

    /// Whether some known word has this stem (given as the stem's hash).
    @inline(__always)
    func hasStem(hash: UInt64) -> Bool { stemIndex.find(hash) != nil }

    /// Whether the word is known or an inflection of a known word.
    func isKnownForm(_ word: UnsafeBufferPointer<UInt32>) -> Bool {
        if find(word) != nil { return true }
        guard Lexicon.script(word) == .cyrillic else { return false }
        let stemLength = RussianStemmer.stemLength(of: word)
        guard stemLength >= Lexicon.minimumStemLength else { return false }
        return hasStem(hash: ScalarHash.of(UnsafeBufferPointer(rebasing: word[0..<stemLength])))
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
