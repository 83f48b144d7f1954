/// Character trigram statistics of one alphabet, trained from a word list: how plausible a string
/// looks as a word of that language.
///
/// Probabilities are interpolated trigram → bigram → unigram estimates with word boundaries, so an
/// unseen but ordinary letter sequence still scores reasonably while keyboard gibberish («щящт»,
/// "ghbdtn") scores low. `score` is the mean natural log probability per letter (0 is certain;
/// ordinary words are around −2…−3, gibberish well below −4).
struct CharacterModel: Sendable {
    enum Alphabet: Sendable {
        /// а…я (ё read as е).
        case russian
        /// a…z.
        case latin
    }

    let alphabet: Alphabet
    let size: Int
    var logProbabilities: [Float]

    init(alphabet: Alphabet, words: [[UInt32]]) {
        self.alphabet = alphabet
        let size = alphabet == .russian ? 33 : 27
        self.size = size
        var trigrams = [Double](repeating: 0, count: size * size * size)
        var bigrams = [Double](repeating: 0, count: size * size)
        var unigrams = [Double](repeating: 0, count: size)
        for word in words {
            var a = 0
            var b = 0
            for index in 0...word.count {
                let c = index < word.count ? CharacterModel.code(word[index], alphabet) : 0
                trigrams[(a * size + b) * size + c] += 1
                bigrams[b * size + c] += 1
                unigrams[c] += 1
                a = b
                b = c
            }
        }
        let total = unigrams.reduce(0, +)
        let beta = 2.0
        var contexts2 = [Double](repeating: 0, count: size * size)
        var contexts1 = [Double](repeating: 0, count: size)
        for ab in 0..<(size * size) {
            for c in 0..<size { contexts2[ab] += trigrams[ab * size + c] }
        }
        for b in 0..<size {
            for c in 0..<size { contexts1[b] += bigrams[b * size + c] }
        }
        var table = [Float](repeating: 0, count: size * size * size)
        for a in 0..<size {
            for b in 0..<size {
                for c in 0..<size {
                    let unigram = (unigrams[c] + 1) / (total + Double(size))
                    let bigram = (bigrams[b * size + c] + beta * unigram) / (contexts1[b] + beta)
                    let trigram = (trigrams[(a * size + b) * size + c] + beta * bigram) / (contexts2[a * size + b] + beta)
                    table[(a * size + b) * size + c] = Float(naturalLog(trigram))
                }
            }
        }
        logProbabilities = table
    }

    /// The letter's code in the model's alphabet; 0 (the boundary) for anything else.
    @inline(__always)
    static func code(_ c: UInt32, _ alphabet: Alphabet) -> Int {
        switch alphabet {
        case .russian: return Int(Letter.code(c))
        case .latin: return c &- 0x61 < 26 ? Int(c - 0x60) : 0
        }
    }

    /// Mean log probability per letter of the word, end of word included.
    func score<C: Collection>(_ word: C) -> Float where C.Element == UInt32 {
        var a = 0
        var b = 0
        var sum: Float = 0
        var count = 0
        for c in word {
            let code = CharacterModel.code(c, alphabet)
            sum += logProbabilities[(a * size + b) * size + code]
            a = b
            b = code
            count += 1
        }
        sum += logProbabilities[(a * size + b) * size]
        return sum / Float(count + 1)
    }
}
