import HelplineText

/// Reads a word written together without spaces («какзаказатьвприложении») as the known words it
/// is made of («как заказать в приложении»).
///
/// Only a long word the vocabulary does not know is split, and only into vocabulary words (of two
/// letters or more, or one of the one-letter prepositions and conjunctions), fewest pieces first.
/// Words are looked up by stable hashes of their letters, so trying every piece allocates nothing.
struct WordSplitter: Sendable {
    /// Hashes of the vocabulary's words and of the allowed one-letter words.
    let known: Set<UInt64>
    /// Hashes of the vocabulary's words only (a whole word found here is not split).
    let vocabulary: Set<UInt64>

    /// Shorter words are left alone.
    static let minLength = 7
    /// The longest piece tried.
    static let maxPiece = 24
    /// One-letter words a piece may be.
    static let oneLetterWords = ["в", "с", "к", "у", "о", "и", "а", "я"]

    init(vocabulary: Vocabulary) {
        let words = Set(vocabulary.counts.keys.filter { $0.unicodeScalars.count >= 2 }.map { Self.hash($0.unicodeScalars.map(\.value)[...]) })
        self.vocabulary = words
        known = words.union(Self.oneLetterWords.map { Self.hash($0.unicodeScalars.map(\.value)[...]) })
    }

    /// A splitter from sets already built (a model snapshot's).
    init(known: Set<UInt64>, vocabulary: Set<UInt64>) {
        self.known = known
        self.vocabulary = vocabulary
    }

    private static func hash(_ scalars: ArraySlice<UInt32>) -> UInt64 {
        var h = StableHash.offset
        for v in scalars { h = StableHash.step(h, v) }
        return h
    }

    /// The pieces of `word`, or nil when it is known, short, or cannot be read as known words.
    func split(_ word: String) -> [String]? {
        guard word.utf8.count >= Self.minLength else { return nil }
        // Most words are known: they are looked up by the hash of their letters before any copy.
        var whole = StableHash.offset
        var n = 0
        for scalar in word.unicodeScalars {
            whole = StableHash.step(whole, scalar.value)
            n += 1
        }
        guard n >= Self.minLength, !vocabulary.contains(whole) else { return nil }
        let letters = word.unicodeScalars.map(\.value)
        // fewest[i]: the fewest pieces covering letters[0..<i]; start[i]: where the last one begins.
        var fewest = [Int](repeating: Int.max, count: n + 1)
        var start = [Int](repeating: -1, count: n + 1)
        fewest[0] = 0
        for begin in 0..<n where fewest[begin] != Int.max {
            var h = StableHash.offset
            for end in (begin + 1)...min(n, begin + Self.maxPiece) {
                h = StableHash.step(h, letters[end - 1])
                if known.contains(h) && fewest[begin] + 1 < fewest[end] {
                    fewest[end] = fewest[begin] + 1
                    start[end] = begin
                }
            }
        }
        guard fewest[n] != Int.max, fewest[n] >= 2 else { return nil }
        var pieces: [String] = []
        var end = n
        while end > 0 {
            let begin = start[end]
            var piece = String.UnicodeScalarView()
            for v in letters[begin..<end] { if let scalar = Unicode.Scalar(v) { piece.append(scalar) } }
            pieces.append(String(piece))
            end = begin
        }
        return pieces.reversed()
    }
}
