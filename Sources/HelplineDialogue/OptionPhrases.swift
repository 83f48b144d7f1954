import HelplineText
import Synchronization

/// The phrase keys of option texts (keys, labels, values), each worked out once: the fixed ones
/// (the menu, the numbers, the commands' options) when the engine is made, others (order labels)
/// the first time they are on screen. Shared by copies of the engine; the added ones are bounded
/// and forgotten all at once when there are too many.
final class OptionPhrases: Sendable {
    /// An option text and its phrase key: one shared object, so that a list of them is copied
    /// by a reference each.
    final class Entry: Sendable {
        /// The text as shown.
        let text: String
        /// Whether `text` is a ``PlainText``.
        let plain: Bool
        /// The text's ``DialogueRules/phraseKey(_:)``, ready for comparison.
        let phrase: PhraseReader.Phrase

        init(_ text: String) {
            self.text = text
            plain = PlainText.isPlain(text)
            phrase = PhraseReader.Phrase(key: DialogueRules.phraseKey(text))
        }
    }

    /// How many texts beyond the fixed ones are kept.
    static let capacity = 4096

    private let fixed: [ByteKey: Entry]
    private let added = Mutex<[ByteKey: Entry]>([:])

    init(fixed texts: [String]) {
        fixed = Dictionary(texts.map { (ByteKey($0), Entry($0)) }, uniquingKeysWith: { first, _ in first })
    }

    /// The entry of an option text.
    subscript(text: String) -> Entry {
        let key = ByteKey(text)
        if let entry = fixed[key] ?? added.withLock({ $0[key] }) { return entry }
        let entry = Entry(text)
        added.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = entry
        }
        return entry
    }
}
