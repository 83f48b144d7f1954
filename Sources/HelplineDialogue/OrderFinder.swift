import HelplineText

/// Finds which of a customer's orders a message names: by order number in any spelling, or by a
/// distinctive word of the order's title in any grammatical form.
enum OrderFinder {
    /// Orders whose number the message contains, written with or without the dash, with spaces,
    /// a «№» sign or other text around it. `entities` are the text layer's order numbers.
    static func byNumber(_ text: String, entities: [Entity], among orders: [Order]) -> [Order] {
        let textDigits = digits(text)
        let entityDigits = Set(entities.filter { $0.kind == .orderNumber }.map { digits($0.value) })
        return orders.filter { order in
            let number = digits(order.id)
            guard !number.isEmpty else { return false }
            return entityDigits.contains(number) || textDigits.contains(number)
        }
    }

    /// The first thing in the message that looks like an order number (`12345678-0001` in any
    /// spelling), as typed.
    static func orderNumber(in text: String, entities: [Entity]) -> String? {
        if let entity = entities.first(where: { $0.kind == .orderNumber }) { return entity.text }
        guard let match = text.firstMatch(of: #/[0-9]{8}[\s\-‐‑–—]*[0-9]{4}/#) else { return nil }
        return String(match.output)
    }

    /// The orders one of whose distinctive title words the message contains: a title word found
    /// in no other offered order's title, compared by stem («наушников» finds «Наушники»).
    /// Words in `ignoring` (generic words such as «товар») never count.
    static func byTitle(_ text: String, among orders: [Order], ignoring generic: GenericWords = GenericWords([])) -> [Order] {
        func meaningful(_ text: String) -> [WordForm] {
            WordForms.forms(text).filter { !generic.contains($0) }
        }
        let said = meaningful(text)
        guard !said.isEmpty else { return [] }
        let titles = orders.map { meaningful($0.title) }
        return orders.indices.compactMap { index in
            let distinctive = titles[index].filter { word in
                !titles.indices.contains { other in
                    other != index && titles[other].contains { WordForms.same($0, word) }
                }
            }
            let named = distinctive.contains { word in said.contains { WordForms.same($0, word) } }
            return named ? orders[index] : nil
        }
    }

    /// The one order a message consists of: every meaningful word of the message is a word of that
    /// order's title and at least one is distinctive («наушников», «Мастер и Маргарита»). Stricter
    /// than ``byTitle(_:among:ignoring:)``, for messages that were not understood as anything else.
    static func byTitleAlone(_ text: String, among orders: [Order], ignoring generic: GenericWords = GenericWords([])) -> Order? {
        let said = WordForms.forms(text).filter { !generic.contains($0) }
        let candidates = byTitle(text, among: orders, ignoring: generic)
        guard candidates.count == 1, let order = candidates.first else { return nil }
        let title = WordForms.forms(order.title)
        return said.allSatisfy { word in title.contains { WordForms.same($0, word) } } ? order : nil
    }

    /// The ASCII digits of a string, in order.
    static func digits(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { ("0"..."9").contains($0) }))
    }
}

/// A normalized word with its Snowball stem, computed once.
struct WordForm: Sendable, Hashable {
    var word: String
    var stem: String
    /// The word's length in characters.
    var length: Int

    init(_ word: String) {
        self.word = word
        stem = RussianStemmer.stem(word)
        length = word.count
    }
}

/// Words that never tell orders apart, indexed so that checking a word against all of them costs
/// two set lookups (and, for words of five letters or more, a look at the long ones).
struct GenericWords: Sendable, Hashable {
    private let words: Set<String>
    private let stems: Set<String>
    /// The words that can share a five-letter start with another word.
    private let long: [WordForm]

    init(_ forms: [WordForm]) {
        words = Set(forms.map(\.word))
        stems = Set(forms.map(\.stem))
        long = forms.filter { $0.length >= 5 }
    }

    /// Whether `word` is a form of one of the words (``WordForms/same(_:_:)-(WordForm,WordForm)``).
    func contains(_ word: WordForm) -> Bool {
        if words.contains(word.word) || stems.contains(word.stem) { return true }
        guard word.length >= 5 else { return false }
        return long.contains { WordForms.same($0, word) }
    }
}

/// Word comparison that ignores grammatical endings.
enum WordForms {
    /// The normalized words of a text that can tell orders apart (three letters or more).
    static func words(_ text: String) -> [String] {
        Normalizer.normalize(text).split(separator: " ").map(String.init)
            .filter { $0.filter(\.isLetter).count >= 3 }
    }

    /// ``words(_:)`` with their stems.
    static func forms(_ text: String) -> [WordForm] {
        words(text).map(WordForm.init)
    }

    /// Whether two normalized words are forms of one word: the same Snowball stem, or a shared
    /// start of five letters or more with endings of at most three letters each.
    static func same(_ a: String, _ b: String) -> Bool {
        same(WordForm(a), WordForm(b))
    }

    /// ``same(_:_:)`` on words whose stems are known.
    static func same(_ a: WordForm, _ b: WordForm) -> Bool {
        if a.word == b.word || a.stem == b.stem { return true }
        let shared = zip(a.word, b.word).prefix { $0 == $1 }.count
        return shared >= 5 && a.length - shared <= 3 && b.length - shared <= 3
    }
}
