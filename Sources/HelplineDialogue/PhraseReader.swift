import HelplineText

/// Reads a whole message as one of a few short phrases — control words, option labels, «без
/// заказа» — with the same repairs free text gets: the wrong keyboard layout («yfpfl», «vty.»),
/// transliteration («nazad», «menu») and one typo («мню», «отмна»).
///
/// A message is compared as typed first; then its Russian readings; then, only when the message
/// is not made of known words (so «меня» never reads as «меню»), within a small edit distance: one
/// edit for phrases of four to eight letters, two from nine letters on.
struct PhraseReader: Sendable {
    /// Words that are never read as a typo of a phrase: the matcher's vocabulary and common words.
    private let vocabulary: Vocabulary
    private let common: Set<String>

    init(vocabulary: Vocabulary) {
        self.vocabulary = vocabulary
        common = Set(TextAnalyzer.commonWords)
    }

    /// A phrase key made ready for comparison once: its length, its characters and how far a typo
    /// of it may be.
    struct Phrase: Sendable {
        /// The ``DialogueRules/phraseKey(_:)`` of the phrase.
        let key: String
        /// Whether the key is a ``PlainText`` (then it is compared by its bytes and scalars).
        let plain: Bool
        /// The key's length in characters.
        let length: Int
        /// The key's scalars when it is plain, else its characters (one `String` each).
        let scalars: [UInt32]
        let characters: [Character]
        /// The edit distance a typo of the phrase may have; nil when only the exact phrase counts
        /// (fewer than four letters, or a digit in it).
        let typoLimit: Int?

        init(key: String) {
            self.key = key
            let count = PlainText.scalarCount(key)
            plain = count != nil
            scalars = plain ? PlainText.scalars(key) : []
            characters = plain ? [] : Array(key)
            length = count ?? characters.count
            typoLimit = length >= 4 && !key.contains(where: \.isNumber) ? (length >= 9 ? 2 : 1) : nil
        }
    }

    /// Phrases with their values, in order of precedence.
    struct Phrases<Value> {
        let entries: [(phrase: Phrase, value: Value)]

        init(_ entries: [(phrase: Phrase, value: Value)]) {
            self.entries = entries
        }

        init(keys: [(key: String, value: Value)]) {
            entries = keys.map { (Phrase(key: $0.key), $0.value) }
        }
    }

    /// One reading of a message, with what comparing it needs.
    struct Reading {
        let text: String
        let plain: Bool
        let length: Int

        init(_ text: String) {
            self.text = text
            let count = PlainText.scalarCount(text)
            plain = count != nil
            length = count ?? text.count
        }

        func equals(_ phrase: Phrase) -> Bool {
            if plain && phrase.plain {
                return length == phrase.length && PlainText.sameBytes(text, phrase.key)
            }
            return text == phrase.key
        }
    }

    /// The message's keys in order of trust: as typed (`key`, its ``DialogueRules/phraseKey(_:)``),
    /// in the Russian layout, in transliteration.
    func readings(of text: String, key: String) -> [String] {
        readingsOf(text, key: key).map(\.text)
    }

    /// ``readings(of:key:)`` ready for comparison.
    private func readingsOf(_ text: String, key: String) -> [Reading] {
        guard !key.isEmpty, !key.startsWithSlash else { return [] }
        var out = [Reading(key)]
        func add(_ reading: String) {
            let reading = Reading(reading)
            if !out.contains(where: { seen in
                seen.plain && reading.plain ? PlainText.sameBytes(seen.text, reading.text) : seen.text == reading.text
            }) {
                out.append(reading)
            }
        }
        // Text with a Cyrillic letter has no layout reading (``Readings/layout(_:)``).
        if !PlainText.hasCyrillic(text) {
            let bare = text.trimmingWhitespace().trimming(["!", "?"])
            if let layout = Readings.layout(bare) {
                let normalized = Normalizer.normalize(layout)
                if !normalized.isEmpty { add(normalized) }
            }
        }
        // Transliteration readings are made for up to three words of Latin letters only.
        if key.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x20 }) {
            let words = PlainText.spaceSeparated(key).map(String.init)
            if words.count <= 3 {
                var combos = [""]
                for word in words {
                    let options = Readings.transliterations(word, limit: 4)
                    guard !options.isEmpty else { combos = []; break }
                    combos = combos.flatMap { prefix in options.map { prefix.isEmpty ? $0 : prefix + " " + $0 } }
                }
                combos.forEach(add)
            }
        }
        return out
    }

    /// The value of the phrase the message reads as: exactly in some reading, else within the typo
    /// distance. `phrases` maps phrase keys to values; ties go to the first phrase in key order.
    func match<Value>(_ text: String, key: String, in phrases: [(key: String, value: Value)]) -> Value? {
        match(text, key: key, in: Phrases(keys: phrases))
    }

    /// ``match(_:key:in:)`` with the phrases prepared; with `typos` false, only a phrase read
    /// exactly (as typed, in the other layout or in translit) counts.
    func match<Value>(_ text: String, key: String, in phrases: Phrases<Value>, typos: Bool = true) -> Value? {
        let readings = readingsOf(text, key: key)
        for reading in readings {
            if let hit = phrases.entries.first(where: { reading.equals($0.phrase) }) { return hit.value }
        }
        guard typos else { return nil }
        for reading in readings where reading.length >= 3 {
            // Only phrases within their typo distance in length can match; when there are none,
            // nothing else about the reading matters.
            func inReach(_ phrase: Phrase) -> Int? {
                guard let limit = phrase.typoLimit, abs(phrase.length - reading.length) <= limit else { return nil }
                return limit
            }
            guard phrases.entries.contains(where: { inReach($0.phrase) != nil }), !isKnown(reading.text) else { continue }
            lazy var characters = Array(reading.text)
            lazy var scalars = PlainText.scalars(reading.text)
            for (phrase, value) in phrases.entries {
                guard let limit = inReach(phrase) else { continue }
                let distance = reading.plain && phrase.plain
                    ? Self.distance(scalars, phrase.scalars, limit: limit)
                    : Self.distance(characters, phrase.plain ? Array(phrase.key) : phrase.characters, limit: limit)
                if distance <= limit { return value }
            }
        }
        return nil
    }

    /// Whether every word of a reading is a known word (then it means itself, not a typo).
    private func isKnown(_ reading: String) -> Bool {
        PlainText.spaceSeparated(reading).allSatisfy { isKnownWord(String($0)) }
    }

    /// Whether a normalized word is one of the matcher's vocabulary or the common words.
    func isKnownWord(_ word: String) -> Bool {
        vocabulary.contains(word) || common.contains(word)
    }

    /// Optimal string alignment distance (Damerau–Levenshtein with adjacent swaps), giving up past `limit`.
    static func distance<Element: Equatable>(_ a: [Element], _ b: [Element], limit: Int) -> Int {
        if a == b { return 0 }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            current[0] = i
            var best = current[0]
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
                best = min(best, value)
            }
            if best > limit { return best }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}

extension PhraseReader.Phrases: Sendable where Value: Sendable {}

extension String {
    /// The string without the given characters at either end.
    func trimming(_ set: Set<Character>) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
