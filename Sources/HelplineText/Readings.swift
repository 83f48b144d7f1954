/// Russian readings of Latin text, for callers that compare a message with a short list of known
/// phrases (control words, option labels, brand names in order titles) rather than the analyzer's
/// vocabulary: the same keyboard-layout and transliteration tables the repairs use.
///
/// ```swift
/// Readings.layout("yfpfl")                    // "назад"
/// Readings.layout("vty.")                     // "меню"
/// Readings.transliterations("nazad")          // ["назад", …]
/// Readings.transliterations("samsung")        // ["самсунг", …]
/// ```
public enum Readings {
    /// The text as the Russian layout types the same keys, lowercased, or nil when some character
    /// is not on a key of the Latin layout (spaces are kept; Cyrillic text gives nil).
    public static func layout(_ text: String) -> String? {
        // A Cyrillic letter stays non-ASCII lowercased, so it is on no key of the Latin layout.
        if PlainText.hasCyrillic(text) { return nil }
        var out: [UInt32] = []
        var words: [String] = []
        var sawLetter = false
        for part in text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
            let keys = Chars.scalars(String(part))
            let ok = keys.withUnsafeBufferPointer { KeyboardLayout.russian(from: $0, into: &out) }
            guard ok else { return nil }
            if keys.contains(where: Chars.isLatin) { sawLetter = true }
            words.append(Chars.string(out))
        }
        return sawLetter ? words.joined(separator: " ") : nil
    }

    /// Up to `limit` Russian readings of one Latin word written in transliteration, most likely
    /// first; empty when the word is not all Latin letters (and apostrophes).
    public static func transliterations(_ word: String, limit: Int = 8) -> [String] {
        let scalars = Chars.scalars(word.lowercased())
        var readings: [String] = []
        scalars.withUnsafeBufferPointer { buffer in
            guard Transliteration.applies(to: buffer) else { return }
            Transliteration.forEachReading(of: buffer, limit: limit) { reading in
                readings.append(Chars.string(reading))
                return true
            }
        }
        return readings
    }
}
