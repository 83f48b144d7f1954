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

    /// The message's keys in order of trust: as typed (`key`, its ``DialogueRules/phraseKey(_:)``),
    /// in the Russian layout, in transliteration.
    func readings(of text: String, key: String) -> [String] {
        guard !key.isEmpty, !key.hasPrefix("/") else { return [] }
        var out = [key]
        let bare = text.trimmingWhitespace().trimming(["!", "?"])
        if let layout = Readings.layout(bare) {
            let normalized = Normalizer.normalize(layout)
            if !normalized.isEmpty { out.append(normalized) }
        }
        let words = key.split(separator: " ").map(String.init)
        if words.count <= 3, words.allSatisfy({ $0.unicodeScalars.allSatisfy { ("a"..."z").contains($0) } }) {
            var combos = [""]
            for word in words {
                let options = Readings.transliterations(word, limit: 4)
                guard !options.isEmpty else { combos = []; break }
                combos = combos.flatMap { prefix in options.map { prefix.isEmpty ? $0 : prefix + " " + $0 } }
            }
            out += combos
        }
        var seen: Set<String> = []
        return out.filter { seen.insert($0).inserted }
    }

    /// The value of the phrase the message reads as: exactly in some reading, else within the typo
    /// distance. `phrases` maps phrase keys to values; ties go to the first phrase in key order.
    func match<Value>(_ text: String, key: String, in phrases: [(key: String, value: Value)]) -> Value? {
        let readings = readings(of: text, key: key)
        for reading in readings {
            if let hit = phrases.first(where: { $0.key == reading }) { return hit.value }
        }
        for reading in readings where !isKnown(reading) {
            let letters = Array(reading)
            guard letters.count >= 3 else { continue }
            for phrase in phrases {
                let target = Array(phrase.key)
                guard target.count >= 4, !phrase.key.contains(where: \.isNumber) else { continue }
                let allowed = target.count >= 9 ? 2 : 1
                if abs(target.count - letters.count) <= allowed,
                   Self.distance(letters, target, limit: allowed) <= allowed {
                    return phrase.value
                }
            }
        }
        return nil
    }

    /// Whether every word of a reading is a known word (then it means itself, not a typo).
    private func isKnown(_ reading: String) -> Bool {
        reading.split(separator: " ").allSatisfy { word in
            let word = String(word)
            return vocabulary.contains(word) || common.contains(word)
        }
    }

    /// Optimal string alignment distance (Damerau–Levenshtein with adjacent swaps), giving up past `limit`.
    static func distance(_ a: [Character], _ b: [Character], limit: Int) -> Int {
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

extension String {
    /// The string without the given characters at either end.
    func trimming(_ set: Set<Character>) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
