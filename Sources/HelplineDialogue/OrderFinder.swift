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
    static func byTitle(_ text: String, among orders: [Order], ignoring: [String] = []) -> [Order] {
        let generic = ignoring.flatMap(WordForms.words)
        func meaningful(_ text: String) -> [String] {
            WordForms.words(text).filter { word in !generic.contains { WordForms.same($0, word) } }
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
    static func byTitleAlone(_ text: String, among orders: [Order], ignoring: [String] = []) -> Order? {
        let generic = ignoring.flatMap(WordForms.words)
        let said = WordForms.words(text).filter { word in !generic.contains { WordForms.same($0, word) } }
        let candidates = byTitle(text, among: orders, ignoring: ignoring)
        guard candidates.count == 1, let order = candidates.first else { return nil }
        let title = WordForms.words(order.title)
        return said.allSatisfy { word in title.contains { WordForms.same($0, word) } } ? order : nil
    }

    /// The ASCII digits of a string, in order.
    static func digits(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { ("0"..."9").contains($0) }))
    }
}

/// Word comparison that ignores grammatical endings.
enum WordForms {
    /// The normalized words of a text that can tell orders apart (three letters or more).
    static func words(_ text: String) -> [String] {
        Normalizer.normalize(text).split(separator: " ").map(String.init)
            .filter { $0.filter(\.isLetter).count >= 3 }
    }

    /// Whether two normalized words are forms of one word: the same Snowball stem, or a shared
    /// start of five letters or more with endings of at most three letters each.
    static func same(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        if RussianStemmer.stem(a) == RussianStemmer.stem(b) { return true }
        let shared = zip(a, b).prefix { $0 == $1 }.count
        return shared >= 5 && a.count - shared <= 3 && b.count - shared <= 3
    }
}
