import HelplineText

/// The kinds of features the matcher uses; each lives in the low two bits of its feature hash,
/// so a hash alone says how to weight it.
enum FeatureGroup: Int, CaseIterable {
    /// A character n-gram of a repaired word, with `<` `>` marking the word's ends.
    case char = 0
    /// A word's stem, or an entity kind found in the message.
    case stem = 1
    /// Two adjacent stems.
    case bigram = 2
    /// One of an intent's keywords occurs in the message.
    case keyword = 3

    @inline(__always) static func of(_ hash: UInt64) -> Int { Int(hash & 3) }
}

/// Stable 64-bit hashing of text (FNV-1a with a final mix). Unlike `Hasher`, it is the same
/// in every process, so models built from the same data are identical.
package enum StableHash {
    static let offset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    @inline(__always) static func step(_ h: UInt64, _ value: UInt32) -> UInt64 {
        (h ^ UInt64(value)) &* prime
    }

    /// A SplitMix64 finalizer: spreads the bits of an FNV state.
    @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// The hash of a string's bytes, seeded by a small tag.
    package static func of(_ text: String, seed: UInt64) -> UInt64 { of(text.utf8, seed: seed) }

    /// The hash of UTF-8 bytes, seeded by a small tag.
    package static func of<Bytes: Sequence<UInt8>>(_ bytes: Bytes, seed: UInt64) -> UInt64 {
        var h = offset ^ (seed &* 0x9e37_79b9_7f4a_7c15)
        for byte in bytes { h = step(h, UInt32(byte)) }
        return mix(h)
    }

    /// A feature hash: the group in the low two bits, never zero (zero marks an empty table slot).
    @inline(__always) static func feature(_ h: UInt64, _ group: FeatureGroup) -> UInt64 {
        let tagged = (h & ~UInt64(3)) | UInt64(group.rawValue)
        return tagged == 0 ? 4 : tagged
    }
}

/// A phrase from an intent's `keywords`, as a sequence of stem hashes.
struct KeywordPattern: Sendable {
    var stems: [UInt64]
    /// The keyword feature raised when the phrase occurs (one per intent).
    var feature: UInt64
}

/// Turns an analyzed message into feature hashes: character n-grams of the repaired words,
/// stems, stem pairs, entity kinds and keyword hits.
struct FeatureExtractor: Sendable {
    let charMin: Int
    let charMax: Int
    /// Keyword patterns, found by the hash of their first stem.
    let keywordsByFirstStem: [UInt64: [KeywordPattern]]
    /// Reads words written together; nil leaves every word as the analysis gives it.
    let splitter: WordSplitter?

    private static let charSeed: UInt64 = 1
    private static let stemSeed: UInt64 = 2
    private static let bigramSeed: UInt64 = 3
    private static let keywordSeed: UInt64 = 4
    private static let entitySeed: UInt64 = 5
    private static let lengthSeed: UInt64 = 6
    private static let wordStart: UInt32 = 0x3C  // "<"
    private static let wordEnd: UInt32 = 0x3E  // ">"

    /// Word hash (``lemmaKey(_:)``) → the stem hash of the word's lemma, for the forms in the lemma table.
    let lemmaStems: [UInt64: UInt64]
    /// Words read as another word (the goods as «товар»), found by their stems' hashes.
    let reading: WordReading?

    init(charMin: Int, charMax: Int, keywords: [KeywordPattern], splitter: WordSplitter? = nil,
         lemmaStems: [UInt64: UInt64] = [:], reading: WordReading? = nil) {
        self.splitter = splitter
        self.lemmaStems = lemmaStems
        self.reading = reading
        self.charMin = max(1, charMin)
        self.charMax = max(self.charMin, charMax)
        var index: [UInt64: [KeywordPattern]] = [:]
        for pattern in keywords {
            guard let first = pattern.stems.first else { continue }
            index[first, default: []].append(pattern)
        }
        keywordsByFirstStem = index
    }

    /// An extractor from tables already built (a model snapshot's).
    init(charMin: Int, charMax: Int, keywordsByFirstStem: [UInt64: [KeywordPattern]], splitter: WordSplitter?,
         lemmaStems: [UInt64: UInt64], reading: WordReading?) {
        self.charMin = charMin
        self.charMax = charMax
        self.keywordsByFirstStem = keywordsByFirstStem
        self.splitter = splitter
        self.lemmaStems = lemmaStems
        self.reading = reading
    }

    /// The message's length in words, in buckets: greetings and thanks are short, questions longer.
    static func lengthFeature(words: Int) -> UInt64 {
        let bucket = words <= 3 ? words : words <= 6 ? 4 : words <= 12 ? 5 : 6
        return StableHash.feature(StableHash.mix(UInt64(bucket) &+ lengthSeed &* 0x9e37_79b9), .stem)
    }

    /// The hash of one stem (also used to build keyword patterns).
    static func stemHash(_ stem: String) -> UInt64 { StableHash.of(stem, seed: stemSeed) }

    private static let lemmaSeed: UInt64 = 7

    /// The key a word is looked up by in the lemma map.
    static func lemmaKey(_ word: String) -> UInt64 { StableHash.of(word, seed: lemmaSeed) }

    /// The lemma table as the extractor uses it: word hash → the stem hash of its lemma.
    static func lemmaStems(_ table: LemmaTable) -> [UInt64: UInt64] {
        var out: [UInt64: UInt64] = [:]
        out.reserveCapacity(table.forms.count)
        for (form, lemma) in table.forms {
            out[lemmaKey(form)] = stemHash(RussianStemmer.stem(lemma))
        }
        return out
    }

    /// The stem hashes of a word sequence: each word's own stem, or its lemma's when the map has the word.
    static func stemHashes(words: [String], stems: [String], lemmaStems: [UInt64: UInt64]) -> [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(stems.count)
        for i in stems.indices where !stems[i].isEmpty {
            if !lemmaStems.isEmpty, i < words.count, let lemma = lemmaStems[lemmaKey(words[i])] {
                out.append(lemma)
            } else {
                out.append(stemHash(stems[i]))
            }
        }
        return out
    }

    /// The keyword feature of an intent.
    static func keywordFeature(intent: String) -> UInt64 {
        StableHash.feature(StableHash.of(intent, seed: keywordSeed), .keyword)
    }

    /// Appends the features of `analysis` to `out` (one hash per occurrence; repeats are counted
    /// later). `length: false` leaves out the message-length feature (see `lengthFeature`).
    func extract(_ analysis: Analysis, into out: inout [UInt64], length: Bool = true) {
        var words = analysis.words
        var stems = analysis.stems
        if let splitter {
            for (i, word) in analysis.words.enumerated().reversed() {
                guard let pieces = splitter.split(word), i < stems.count else { continue }
                words.replaceSubrange(i...i, with: pieces)
                stems.replaceSubrange(i...i, with: pieces.map(RussianStemmer.stem))
            }
        }
        // A word read as another counts as that word throughout: «где мои шторы» is «где мои
        // товар», whose letters and stem the examples know, while the letters of goods they never
        // name would make the message look unknown.
        if let reading {
            for i in words.indices where i < stems.count && reading.stems.contains(Self.stemHash(stems[i])) {
                words[i] = reading.word
                stems[i] = reading.stem
            }
        }
        var scalars: [UInt32] = []
        scalars.reserveCapacity(32)
        for word in words {
            scalars.removeAll(keepingCapacity: true)
            scalars.append(Self.wordStart)
            for scalar in word.unicodeScalars { scalars.append(scalar.value) }
            scalars.append(Self.wordEnd)
            appendCharGrams(scalars, into: &out)
        }

        // Hyphenated words also count joined: «робот-пылесос» as «роботпылесос».
        for compound in analysis.compounds {
            scalars.removeAll(keepingCapacity: true)
            scalars.append(Self.wordStart)
            for scalar in compound.unicodeScalars { scalars.append(scalar.value) }
            scalars.append(Self.wordEnd)
            appendCharGrams(scalars, into: &out)
            out.append(StableHash.feature(Self.stemHash(RussianStemmer.stem(compound)), .stem))
        }

        let stemHashes = Self.stemHashes(words: words, stems: stems, lemmaStems: lemmaStems)
        for h in stemHashes {
            out.append(StableHash.feature(h, .stem))
        }
        if stemHashes.count > 1 {
            for i in 1..<stemHashes.count {
                let pair = StableHash.mix(stemHashes[i - 1] &* 31 ^ stemHashes[i] ^ Self.bigramSeed)
                out.append(StableHash.feature(pair, .bigram))
            }
        }
        if length { out.append(Self.lengthFeature(words: words.count)) }
        for entity in analysis.entities {
            out.append(StableHash.feature(StableHash.of(entity.kind.rawValue, seed: Self.entitySeed), .stem))
        }
        if !keywordsByFirstStem.isEmpty {
            for i in stemHashes.indices {
                guard let patterns = keywordsByFirstStem[stemHashes[i]] else { continue }
                for pattern in patterns where i + pattern.stems.count <= stemHashes.count {
                    var matches = true
                    for k in 1..<max(1, pattern.stems.count) where stemHashes[i + k] != pattern.stems[k] {
                        matches = false
                        break
                    }
                    if matches { out.append(pattern.feature) }
                }
            }
        }
    }

    /// Character n-grams of one word (already framed by the boundary marks).
    @inline(__always)
    private func appendCharGrams(_ s: [UInt32], into out: inout [UInt64]) {
        let count = s.count
        // A word shorter than the shortest n-gram still gives one feature: itself.
        if count < charMin {
            var h = StableHash.offset ^ Self.charSeed
            for v in s { h = StableHash.step(h, v) }
            out.append(StableHash.feature(StableHash.mix(h), .char))
            return
        }
        s.withUnsafeBufferPointer { p in
            for start in 0...(count - charMin) {
                var h = StableHash.offset ^ Self.charSeed
                let end = min(count, start + charMax)
                var i = start
                while i < end {
                    h = StableHash.step(h, p[i])
                    i += 1
                    if i - start >= charMin { out.append(StableHash.feature(StableHash.mix(h), .char)) }
                }
            }
        }
    }
}

/// Words the matcher reads as another word: any word whose stem is among `stems` is read as
/// `word` (stem `stem`).
struct WordReading: Sendable {
    var stems: Set<UInt64>
    var word: String
    var stem: String
}
