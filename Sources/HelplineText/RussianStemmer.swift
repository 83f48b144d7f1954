/// The Snowball Russian stemmer.
///
/// A direct reading of the Snowball definition (`russian.sbl`): the word's RV region starts after its
/// first vowel and R2 after the second vowel–consonant pair; endings are removed from the end in the
/// order perfective gerund, or else reflexive then adjectival/verb/noun, then a final `и`, the
/// derivational `ост(ь)` in R2, and the tidy-up of `ейш(е)`, `нн` and `ь`. Every step removes a
/// suffix, so a stem is always a prefix of the word (with `ё` read as `е`).
///
/// ```swift
/// RussianStemmer.stem("вернуть")   // "вернут"
/// RussianStemmer.stem("доставки")  // "доставк"
/// ```
public enum RussianStemmer {
    /// The stem of one lowercased word.
    ///
    /// Letters outside а–я (and ё) are kept as they are and never count as vowels, so a Latin word
    /// or a number comes back unchanged.
    public static func stem(_ word: String) -> String {
        var scalars: [UInt32] = []
        scalars.reserveCapacity(word.utf8.count)
        for scalar in word.unicodeScalars { scalars.append(scalar.value) }
        let length = scalars.withUnsafeBufferPointer { stemLength(of: $0) }
        var out = String.UnicodeScalarView()
        for index in 0..<length {
            let value = scalars[index] == 0x451 ? 0x435 : scalars[index]
            if let scalar = Unicode.Scalar(value) { out.append(scalar) }
        }
        return String(out)
    }

    /// The length of the stem of a word given as Unicode scalar values: the stem is that prefix
    /// of the word, with `ё` read as `е`.
    static func stemLength(of word: UnsafeBufferPointer<UInt32>) -> Int {
        let count = word.count
        guard count > 1 else { return count }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { codes in
            for index in 0..<count { codes[index] = Letter.code(word[index]) }
            return stemLength(codes: UnsafeBufferPointer(codes))
        }
    }

    /// The stem length for a word given as letter codes (see `Letter.code`).
    static func stemLength(codes w: UnsafeBufferPointer<UInt8>) -> Int {
        let n = w.count
        // mark_regions: pV after the first vowel; p2 after vowel, non-vowel, vowel, non-vowel.
        var pV = n
        var p2 = n
        var i = 0
        while i < n && !Letter.isVowel(w[i]) { i += 1 }
        if i < n {
            pV = i + 1
            i += 1
            while i < n && Letter.isVowel(w[i]) { i += 1 }
            if i < n {
                i += 1
                while i < n && !Letter.isVowel(w[i]) { i += 1 }
                if i < n {
                    i += 1
                    while i < n && Letter.isVowel(w[i]) { i += 1 }
                    if i < n { p2 = i + 1 }
                }
            }
        }
        guard pV < n else { return n }

        var end = n
        /// Whether the letter just before `position` lies in RV and is а or я.
        func aOrYaBefore(_ position: Int) -> Bool {
            position - 1 >= pV && (w[position - 1] == Letter.a || w[position - 1] == Letter.ya)
        }

        var gerundRemoved = false
        if let hit = Suffixes.perfectiveGerund.longest(in: w, end: end, limit: pV) {
            if hit.group == 2 || aOrYaBefore(end - hit.length) {
                end -= hit.length
                gerundRemoved = true
            }
        }
        if !gerundRemoved {
            if let hit = Suffixes.reflexive.longest(in: w, end: end, limit: pV) {
                end -= hit.length
            }
            if let hit = Suffixes.adjective.longest(in: w, end: end, limit: pV) {
                end -= hit.length
                if let participle = Suffixes.participle.longest(in: w, end: end, limit: pV),
                   participle.group == 2 || aOrYaBefore(end - participle.length) {
                    end -= participle.length
                }
            } else if let hit = Suffixes.verb.longest(in: w, end: end, limit: pV),
                      hit.group == 2 || aOrYaBefore(end - hit.length) {
                end -= hit.length
            } else if let hit = Suffixes.noun.longest(in: w, end: end, limit: pV) {
                end -= hit.length
            }
        }
        if end - 1 >= pV && w[end - 1] == Letter.i {
            end -= 1
        }
        if let hit = Suffixes.derivational.longest(in: w, end: end, limit: pV), end - hit.length >= p2 {
            end -= hit.length
        }
        if let hit = Suffixes.tidyUp.longest(in: w, end: end, limit: pV) {
            switch hit.group {
            case 1:
                end -= hit.length
                if end - 2 >= pV && w[end - 1] == Letter.n && w[end - 2] == Letter.n { end -= 1 }
            case 2:
                if end - 2 >= pV && w[end - 2] == Letter.n { end -= 1 }
            default:
                end -= 1
            }
        }
        return end
    }
}

/// Compact codes for the Russian letters, used by the stemmer and the character statistics.
enum Letter {
    /// а…я as 1…32, ё as е (6); anything else 0.
    @inline(__always)
    static func code(_ scalar: UInt32) -> UInt8 {
        if scalar >= 0x430 && scalar <= 0x44F { return UInt8(truncatingIfNeeded: scalar - 0x42F) }
        if scalar == 0x451 { return 6 }
        return 0
    }

    static let a: UInt8 = 1
    static let i: UInt8 = 9
    static let n: UInt8 = 14
    static let ya: UInt8 = 32

    /// а е и о у ы э ю я.
    @inline(__always)
    static func isVowel(_ code: UInt8) -> Bool {
        // Bit k set for the vowel with code k.
        let mask: UInt64 = (1 << 1) | (1 << 6) | (1 << 9) | (1 << 15) | (1 << 20) | (1 << 28) | (1 << 30) | (1 << 31) | (1 << 32)
        return code != 0 && (mask >> UInt64(code)) & 1 == 1
    }
}

/// A set of suffixes, grouped by their last letter, each with the group number of its action.
struct SuffixTable: Sendable {
    struct Hit {
        var length: Int
        var group: Int
    }

    /// For each last-letter code, the suffixes ending in it, longest first: (codes, group).
    private var buckets: [[([UInt8], Int)]]

    init(_ groups: [Int: [String]]) {
        buckets = Array(repeating: [], count: 33)
        for (group, suffixes) in groups {
            for suffix in suffixes {
                let codes = suffix.unicodeScalars.map { Letter.code($0.value) }
                guard let last = codes.last else { continue }
                buckets[Int(last)].append((codes, group))
            }
        }
        for index in buckets.indices { buckets[index].sort { $0.0.count > $1.0.count } }
    }

    /// The longest suffix of `word[..<end]` that lies entirely at or after `limit`.
    @inline(__always)
    func longest(in word: UnsafeBufferPointer<UInt8>, end: Int, limit: Int) -> Hit? {
        guard end > limit else { return nil }
        let last = word[end - 1]
        guard last != 0 else { return nil }
        let room = end - limit
        for (codes, group) in buckets[Int(last)] where codes.count <= room {
            let start = end - codes.count
            var matched = true
            var k = codes.count - 2
            while k >= 0 {
                if word[start + k] != codes[k] { matched = false; break }
                k -= 1
            }
            if matched { return Hit(length: codes.count, group: group) }
        }
        return nil
    }
}

/// The suffix lists of the Snowball Russian algorithm.
enum Suffixes {
    static let perfectiveGerund = SuffixTable([
        1: ["в", "вши", "вшись"],
        2: ["ив", "ивши", "ившись", "ыв", "ывши", "ывшись"],
    ])
    static let adjective = SuffixTable([
        1: ["ее", "ие", "ые", "ое", "ими", "ыми", "ей", "ий", "ый", "ой", "ем", "им", "ым", "ом",
            "его", "ого", "ему", "ому", "их", "ых", "ую", "юю", "ая", "яя", "ою", "ею"],
    ])
    static let participle = SuffixTable([
        1: ["ем", "нн", "вш", "ющ", "щ"],
        2: ["ивш", "ывш", "ующ"],
    ])
    static let reflexive = SuffixTable([1: ["ся", "сь"]])
    static let verb = SuffixTable([
        1: ["ла", "на", "ете", "йте", "ли", "й", "л", "ем", "н", "ло", "но", "ет", "ют", "ны", "ть",
            "ешь", "нно"],
        2: ["ила", "ыла", "ена", "ейте", "уйте", "ите", "или", "ыли", "ей", "уй", "ил", "ыл", "им",
            "ым", "ен", "ило", "ыло", "ено", "ят", "ует", "уют", "ит", "ыт", "ены", "ить", "ыть",
            "ишь", "ую", "ю"],
    ])
    static let noun = SuffixTable([
        1: ["а", "ев", "ов", "ие", "ье", "е", "иями", "ями", "ами", "еи", "ии", "и", "ией", "ей",
            "ой", "ий", "й", "иям", "ям", "ием", "ем", "ам", "ом", "о", "у", "ах", "иях", "ях", "ы",
            "ь", "ию", "ью", "ю", "ия", "ья", "я"],
    ])
    static let derivational = SuffixTable([1: ["ост", "ость"]])
    static let tidyUp = SuffixTable([1: ["ейш", "ейше"], 2: ["н"], 3: ["ь"]])
}
