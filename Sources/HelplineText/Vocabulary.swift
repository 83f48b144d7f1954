/// The words repairs may aim at, with optional frequencies (higher is more common).
///
/// Keys are normalized word tokens: adding a phrase adds each of its words, and numbers, phones
/// and the like are left out.
///
/// ```swift
/// var vocabulary = Vocabulary(words: ["Где мой заказ?"])
/// vocabulary.add("ozon", count: 5)
/// vocabulary.contains("заказ")  // true
/// ```
public struct Vocabulary: Sendable, Hashable {
    public private(set) var counts: [String: Int]

    public init() { counts = [:] }

    /// A vocabulary with these counts (a model snapshot's).
    init(counts: [String: Int]) { self.counts = counts }

    /// Builds a vocabulary from words or phrases; each occurrence of a word counts once.
    public init<S: Sequence>(words: S) where S.Element == String {
        counts = [:]
        for word in words { add(word) }
    }

    /// Adds each word of `word` (normalized) with `count` occurrences.
    public mutating func add(_ word: String, count: Int = 1) {
        let prepared = PreparedText(word)
        for token in Tokenizer.scan(prepared.scalars) where token.kind == .word {
            counts[prepared.text(token), default: 0] += count
        }
    }

    /// Whether the normalized word is in the vocabulary.
    public func contains(_ word: String) -> Bool { counts[word] != nil }
    public var isEmpty: Bool { counts.isEmpty }
    public var count: Int { counts.count }
}
