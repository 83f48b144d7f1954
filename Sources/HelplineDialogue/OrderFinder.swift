import Foundation
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

    /// The orders a message names by the words of their titles: each order scores the message's
    /// words found among its title's forms (``titleForms(_:ignoring:kindWords:)``), compared by
    /// stem («наушников» finds «Наушники»), and the orders with the best score are returned — one
    /// when a word tells it apart, several when the words fit them equally («samsung» with two
    /// Samsung orders). Words in `ignoring` (generic words such as «товар») never count.
    ///
    /// Linear in the number of orders: each order's title is read once and compared with the
    /// message's few words. `work` counts the word comparisons made.
    static func byTitle(_ text: String, among orders: [Order], ignoring generic: GenericWords = GenericWords([]),
                        kindWords: [String: [WordForm]] = [:], work: inout Int) -> [Order] {
        let said = sayings(text, ignoring: generic)
        guard !said.isEmpty else { return [] }
        var best = 0
        var found: [Order] = []
        for order in orders {
            let forms = titleForms(order, ignoring: generic, kindWords: kindWords)
            var score = 0
            for word in said {
                work += forms.count
                if forms.contains(where: { WordForms.names($0, word) }) { score += 1 }
            }
            if score > best {
                best = score
                found = [order]
            } else if score == best && score > 0 {
                found.append(order)
            }
        }
        return found
    }

    /// ``byTitle(_:among:ignoring:kindWords:work:)`` without counting.
    static func byTitle(_ text: String, among orders: [Order], ignoring generic: GenericWords = GenericWords([]),
                        kindWords: [String: [WordForm]] = [:]) -> [Order] {
        var work = 0
        return byTitle(text, among: orders, ignoring: generic, kindWords: kindWords, work: &work)
    }

    /// The one order a message consists of: every meaningful word of the message is one of that
    /// order's title forms («наушников», «Мастер и Маргарита», «пылесос»). Stricter than
    /// ``byTitle(_:among:ignoring:kindWords:work:)``, for messages not understood as anything else.
    static func byTitleAlone(_ text: String, among orders: [Order], ignoring generic: GenericWords = GenericWords([]),
                             kindWords: [String: [WordForm]] = [:]) -> Order? {
        let said = sayings(text, ignoring: generic)
        let candidates = byTitle(text, among: orders, ignoring: generic, kindWords: kindWords)
        guard candidates.count == 1, let order = candidates.first else { return nil }
        let forms = titleForms(order, ignoring: generic, kindWords: kindWords)
        return said.allSatisfy { word in forms.contains { WordForms.names($0, word) } } ? order : nil
    }

    /// The message's meaningful words, hyphenated ones also read apart.
    static func sayings(_ text: String, ignoring generic: GenericWords) -> [WordForm] {
        WordForms.words(text).flatMap(WordForms.parts).map(WordForm.init).filter { !generic.contains($0) }
    }

    /// The forms an order is known by: its title's words (hyphenated ones also apart and joined:
    /// «Робот-пылесос» is «робот», «пылесос», «роботпылесос»), the Russian readings of its Latin
    /// words («Samsung» is also «самсунг»), and the category words of its kind («самолет», «билет»
    /// for a flight).
    static func titleForms(_ order: Order, ignoring generic: GenericWords, kindWords: [String: [WordForm]]) -> [WordForm] {
        var words: [String] = []
        for word in WordForms.words(order.title) {
            for part in WordForms.parts(word) {
                words.append(part)
                if part.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) }) {
                    words += Readings.transliterations(part, limit: 4)
                }
            }
        }
        var seen: Set<String> = []
        let forms = words.filter { seen.insert($0).inserted }.map(WordForm.init).filter { !generic.contains($0) }
        return forms + (kindWords[order.kind.rawValue] ?? [])
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

    /// A word and, when it is hyphenated, its parts (three letters or more) and the parts joined.
    static func parts(_ word: String) -> [String] {
        guard word.contains("-") else { return [word] }
        let pieces = word.split(separator: "-").map(String.init).filter { $0.filter(\.isLetter).count >= 3 }
        return [word] + pieces + [word.replacingOccurrences(of: "-", with: "")]
    }

    /// Whether a title form is named by a word of the message: the same word in any form
    /// (``same(_:_:)-(WordForm,WordForm)``), or the end of a compound title word («билет» in
    /// «авиабилет», «чайник» in «электрочайник»; five letters or more).
    static func names(_ title: WordForm, _ said: WordForm) -> Bool {
        if same(title, said) { return true }
        return said.length >= 5 && title.length >= said.length + 3 && title.word.hasSuffix(said.stem)
            && said.stem.count >= 4
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
