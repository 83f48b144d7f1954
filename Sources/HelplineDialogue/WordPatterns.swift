import HelplineText

/// Short phrases looked for inside a message, word by word: each word of a pattern is a word, or
/// with a final `*` a word's start («подожд*» is «подождите», «подожди»). A pattern is found where
/// its words stand one after another, unless a «не» stands before it and the pattern does not
/// start with «не» itself: «я не разобралась» is not «разобралась».
struct WordPatterns: Sendable {
    private enum Token: Sendable, Equatable {
        case word([UInt8])
        case start([UInt8])

        func matches(_ word: Substring) -> Bool {
            switch self {
            case .word(let bytes): word.utf8.elementsEqual(bytes)
            case .start(let bytes): word.utf8.starts(with: bytes)
            }
        }
    }

    private let patterns: [[Token]]
    private static let negation = Array("не".utf8)

    /// Patterns as written in the data, each normalized as a phrase key.
    init(_ phrases: [String]) {
        patterns = phrases.map { phrase in
            phrase.split(separator: " ").compactMap { piece -> Token? in
                let start = piece.hasSuffix("*")
                let key = DialogueRules.phraseKey(String(start ? piece.dropLast() : piece))
                guard !key.isEmpty else { return nil }
                return start ? .start(Array(key.utf8)) : .word(Array(key.utf8))
            }
        }.filter { !$0.isEmpty }
    }

    /// Whether a phrase key has one of the patterns in it.
    func found(in key: String) -> Bool {
        let words = PlainText.spaceSeparated(key)
        for pattern in patterns where pattern.count <= words.count {
            let negatable = pattern.first != .word(Self.negation)
            for start in 0...(words.count - pattern.count) where zip(pattern, words[start...]).allSatisfy({ $0.matches($1) }) {
                if negatable, start > 0, words[start - 1].utf8.elementsEqual(Self.negation) { continue }
                return true
            }
        }
        return false
    }
}
