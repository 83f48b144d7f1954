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

