import Foundation
import HelplineIntents
import HelplineText
import Synchronization

/// Finds which of a customer's orders a message names: by order number in any spelling, or by a
/// distinctive word of the order's title in any grammatical form.
enum OrderFinder {
    /// Orders whose number the message contains, written with or without the dash, with spaces,
    /// a «№» sign or other text around it. `entities` are the text layer's order numbers.
    static func byNumber(_ text: String, entities: [Entity], among orders: [Order]) -> [Order] {
        byNumber(digits: digits(text), entities: entities, among: orders)
    }

    /// ``byNumber(_:entities:among:)`` of a message whose digits are known.
    static func byNumber(digits textDigits: String, entities: [Entity], among orders: [Order]) -> [Order] {
        let entityDigits = Set(entities.filter { $0.kind == .orderNumber }.map { digits($0.value) })
        let typed = Array(textDigits.utf8)
        // Most messages have no digits: nothing to find, no order's number to read.
        guard !typed.isEmpty || !entityDigits.isEmpty else { return [] }
        return orders.filter { order in
            let number = digits(order.id)
            guard !number.isEmpty else { return false }
            return entityDigits.contains(number) || bytes(typed, contain: number)
        }
    }

    /// The first thing in the message that looks like an order number (`12345678-0001` in any
    /// spelling), as typed.
    static func orderNumber(in text: String, entities: [Entity]) -> String? {
        if let entity = entities.first(where: { $0.kind == .orderNumber }) { return entity.text }
        // Each of the twelve digits the pattern needs is a character starting with an ASCII digit.
        guard text.utf8.count(where: { (0x30...0x39).contains($0) }) >= 12 else { return nil }
        // Whole runs of digits, as typed: «2718281800003» is not shown cut to twelve digits.
        guard let match = text.firstMatch(of: #/(?:^|[^0-9])([0-9]{8,}[\s\-‐‑–—]*[0-9]{4,})/#) else { return nil }
        return String(match.output.1)
    }

    /// The orders a message names by the words of their titles: each order scores the message's
    /// words found among its title's forms (``titleForms(_:ignoring:kindWords:)``), compared by
    /// stem («наушников» finds «Наушники»), and the orders with the best score are returned — one
    /// when a word tells it apart, several when the words fit them equally («samsung» with two
    /// Samsung orders). `said` are the message's words without the generic ones
    /// (``sayings(_:ignoring:)``); the words in `ignoring` never count in the titles either.
    ///
    /// Linear in the number of orders: each order's title is read once and compared with the
    /// message's few words. `work` counts the word comparisons made.
    static func byTitle(_ said: [WordForm], among orders: [Order], ignoring generic: GenericWords = GenericWords([]),
                        kindWords: [String: [WordForm]] = [:], work: inout Int) -> [Order] {
        byTitle(said, among: orders, forms: { titleForms($0, ignoring: generic, kindWords: kindWords) }, work: &work)
    }

    /// ``byTitle(_:among:ignoring:kindWords:work:)`` with each order's ``titleForms(_:ignoring:kindWords:)``
    /// given by `forms` (e.g. read once per title: ``TitleForms``).
    static func byTitle(_ said: [WordForm], among orders: [Order], forms titleForms: (Order) -> [WordForm],
                        work: inout Int) -> [Order] {
        guard !said.isEmpty else { return [] }
        let titles = orders.map(titleForms)
        let said = said.prefix(wordsWithinBudget(formsPerWord: titles.reduce(0) { $0 + $1.count }))
        var best = 0
        var found: [Order] = []
        for (order, forms) in zip(orders, titles) {
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

    /// ``byTitle(_:among:forms:)`` for a story rather than a pick from the list: a word the
    /// customer may mean in its ordinary sense does not name an order alone. Such is one word of a
    /// name of several words in quotes («мастер» of «Мастер и Маргарита» in «когда приедет мастер
    /// для ремонта»): an order matched by nothing else is left out; two words of the name, or a
    /// word of the title outside the quotes («книга»), name it.
    static func byTitleInStory(_ said: [WordForm], among orders: [Order], forms titleForms: (Order) -> [WordForm]) -> [Order] {
        let found = byTitle(said, among: orders, forms: titleForms)
        return found.filter { order in
            let names = quotedNames(order.title)
            guard !names.isEmpty else { return true }
            let matched = titleForms(order).filter { form in said.contains { WordForms.names(form, $0) } }
            let inNames = names.map { name in matched.filter { form in name.contains { WordForms.same($0, form) } } }
            let outside = matched.contains { form in !names.contains { name in name.contains { WordForms.same($0, form) } } }
            return outside || inNames.contains { $0.count >= 2 }
        }
    }

    /// The words of each name of two or more words in quotes («…», “…”, "…") in a title.
    static func quotedNames(_ title: String) -> [[WordForm]] {
        quotedParts(title).compactMap { part in
            let words = WordForms.words(part).filter { $0.count > 1 }.map(WordForm.init)
            return words.count >= 2 ? words : nil
        }
    }

    /// The texts in quotes in a title, left to right: each from an opening mark (« " “ „) up to the
    /// first closing mark (» " ” “) after it, not empty. A scan of the title's scalars, run for every
    /// order a story names, so no pattern is compiled per call.
    static func quotedParts(_ title: String) -> [String] {
        let scalars = title.unicodeScalars
        guard scalars.contains(where: isOpeningQuote) else { return [] }
        var parts: [String] = []
        var index = scalars.startIndex
        while let opening = scalars[index...].firstIndex(where: isOpeningQuote) {
            let start = scalars.index(after: opening)
            guard let closing = scalars[start...].firstIndex(where: isClosingQuote) else { break }
            if closing > start {
                parts.append(String(scalars[start..<closing]))
                index = scalars.index(after: closing)
            } else {
                // An empty pair («""»): the closing mark may open the next part.
                index = start
            }
        }
        return parts
    }

    private static func isOpeningQuote(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "«" || scalar == "\"" || scalar == "“" || scalar == "„"
    }

    private static func isClosingQuote(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "»" || scalar == "\"" || scalar == "”" || scalar == "“"
    }

    /// The orders whose status the message's words say («в пути», «доставлен», «ожидает в пункте
    /// выдачи» for «тот, что в пункте выдачи»): every word of the status but at most one of three or
    /// more, and at least one, found among `said` (in any form). The orders that match the most
    /// words; empty when none does.
    static func byStatus(_ said: [WordForm], among orders: [Order]) -> [Order] {
        guard !said.isEmpty else { return [] }
        let statuses = orders.map { $0.status.isEmpty ? [] : WordForms.forms($0.status) }
        let said = said.prefix(wordsWithinBudget(formsPerWord: statuses.reduce(0) { $0 + $1.count }))
        var best = 0
        var found: [Order] = []
        for (order, status) in zip(orders, statuses) {
            guard !status.isEmpty else { continue }
            let matched = status.count { form in said.contains { WordForms.names(form, $0) } }
            guard matched >= 1, matched >= status.count - (status.count >= 3 ? 1 : 0) else { continue }
            if matched > best {
                best = matched
                found = [order]
            } else if matched == best {
                found.append(order)
            }
        }
        return found
    }

    /// The most word comparisons one search makes. A message's words are compared with every form
    /// of every order's title, so a customer's long message among many long titles (4,000
    /// characters, 100 orders of 200 characters) would take a fifth of a second; past the budget the
    /// message's later words are not read. Ordinary messages and profiles stay far below it.
    static let comparisonBudget = 100_000

    /// How many of a message's words a search may read when each is compared with `formsPerWord`
    /// forms: all of them unless the budget runs out, and always at least one.
    static func wordsWithinBudget(formsPerWord: Int) -> Int {
        formsPerWord == 0 ? Int.max : max(1, comparisonBudget / formsPerWord)
    }

    /// ``byTitle(_:among:ignoring:kindWords:work:)`` without counting.
    static func byTitle(_ said: [WordForm], among orders: [Order], ignoring generic: GenericWords = GenericWords([]),
                        kindWords: [String: [WordForm]] = [:]) -> [Order] {
        var work = 0
        return byTitle(said, among: orders, ignoring: generic, kindWords: kindWords, work: &work)
    }

    /// ``byTitle(_:among:forms:work:)`` without counting.
    static func byTitle(_ said: [WordForm], among orders: [Order], forms: (Order) -> [WordForm]) -> [Order] {
        var work = 0
        return byTitle(said, among: orders, forms: forms, work: &work)
    }

    /// ``byTitle(_:among:ignoring:kindWords:work:)`` for a text: its words are normalized and stemmed here.
    static func byTitle(_ text: String, among orders: [Order], ignoring generic: GenericWords = GenericWords([]),
                        kindWords: [String: [WordForm]] = [:], work: inout Int) -> [Order] {
        byTitle(sayings(WordForms.forms(text), ignoring: generic), among: orders, ignoring: generic,
                kindWords: kindWords, work: &work)
    }

    /// ``byTitle(_:among:ignoring:kindWords:work:)`` for a text, without counting.
    static func byTitle(_ text: String, among orders: [Order], ignoring generic: GenericWords = GenericWords([]),
                        kindWords: [String: [WordForm]] = [:]) -> [Order] {
        var work = 0
        return byTitle(text, among: orders, ignoring: generic, kindWords: kindWords, work: &work)
    }

    /// The one order a message consists of: every meaningful word of the message (`said`, as for
    /// ``byTitle(_:among:ignoring:kindWords:work:)``) is one of that order's title forms
    /// («наушников», «Мастер и Маргарита», «пылесос»). Stricter than ``byTitle(_:among:ignoring:kindWords:work:)``,
    /// for messages not understood as anything else.
    static func byTitleAlone(_ said: [WordForm], among orders: [Order], ignoring generic: GenericWords = GenericWords([]),
                             kindWords: [String: [WordForm]] = [:]) -> Order? {
        byTitleAlone(said, among: orders, forms: { titleForms($0, ignoring: generic, kindWords: kindWords) })
    }

    /// ``byTitleAlone(_:among:ignoring:kindWords:)`` with each order's title forms given by `forms`.
    static func byTitleAlone(_ said: [WordForm], among orders: [Order], forms titleForms: (Order) -> [WordForm]) -> Order? {
        let named = byTitlesAlone(said, among: orders, forms: titleForms)
        return named.count == 1 ? named.first : nil
    }

    /// The orders a message consists of: the orders its words fit best, when every meaningful word
    /// of it is a title form of one of them («чайник и наушники»: both). Empty otherwise.
    static func byTitlesAlone(_ said: [WordForm], among orders: [Order], forms titleForms: (Order) -> [WordForm]) -> [Order] {
        // Every word must be a title's: a message longer than a search reads is not made of titles.
        let formsPerWord = orders.reduce(0) { $0 + titleForms($1).count }
        guard said.count <= wordsWithinBudget(formsPerWord: formsPerWord) else { return [] }
        let candidates = byTitle(said, among: orders, forms: titleForms)
        guard !candidates.isEmpty else { return [] }
        let forms = candidates.flatMap(titleForms)
        return said.allSatisfy { word in forms.contains { WordForms.names($0, word) } } ? candidates : []
    }

    /// The meaningful words of a message from its words with their stems: hyphenated ones also
    /// read apart and joined, generic ones left out.
    static func sayings(_ words: [WordForm], ignoring generic: GenericWords) -> [WordForm] {
        var out: [WordForm] = []
        out.reserveCapacity(words.count)
        for form in words {
            if form.word.utf8.contains(UInt8(ascii: "-")) {
                for (index, part) in WordForms.parts(form.word).enumerated() {
                    let piece = index == 0 ? form : WordForm(part)
                    if !generic.contains(piece) { out.append(piece) }
                }
            } else if !generic.contains(form) {
                out.append(form)
            }
        }
        return out
    }

    /// The forms an order is known by: its title's words (hyphenated ones also apart and joined:
    /// «Робот-пылесос» is «робот», «пылесос», «роботпылесос»), the Russian readings of its Latin
    /// words («Samsung» is also «самсунг»; `brandReadings` adds the spellings transliteration
    /// does not give: «сяоми» for «Xiaomi»), and the category words of its kind («самолет», «билет»
    /// for a flight).
    static func titleForms(_ order: Order, ignoring generic: GenericWords, kindWords: [String: [WordForm]],
                           brandReadings: [String: [String]] = [:]) -> [WordForm] {
        var words: [String] = []
        for word in WordForms.words(order.title) {
            for part in WordForms.parts(word) {
                words.append(part)
                if part.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) }) {
                    words += Readings.transliterations(part, limit: 4)
                    words += brandReadings[part] ?? []
                }
            }
        }
        var seen: Set<String> = []
        let forms = words.filter { seen.insert($0).inserted }.map(WordForm.init).filter { !generic.contains($0) }
        return forms + (kindWords[order.kind.rawValue] ?? [])
    }

    /// The orders a part of a number stands for: a run of at least four digits that starts or
    /// ends an order's number («0002», «27182818», «заказ номер 0003»). The number's digits apart,
    /// a message reads as such a part only when short.
    ///
    /// A number whose part after the dash is written without its leading zeros («31415926-2» for
    /// `31415926-0002`) stands for that order alone, and for none when no order has that part.
    static func byPartialNumber(_ text: String, among orders: [Order]) -> [Order] {
        if let shortened = byShortenedNumber(text, among: orders) { return shortened }
        let runs = text.utf8.split { !isDigit($0) }.filter { $0.count >= minimumPartialDigits }
        guard !runs.isEmpty else { return [] }
        return orders.filter { order in
            let number = Array(digits(order.id).utf8)
            return runs.contains { run in number.starts(with: run) || number.reversed().starts(with: run.reversed()) }
        }
    }

    /// The orders whose number is written `PREFIX-N` in the text with the part after the dash
    /// shortened: the same prefix, the same value after it («31415926-2», «31415926 - 02»). Nil
    /// when the text has no number written so.
    static func byShortenedNumber(_ text: String, among orders: [Order]) -> [Order]? {
        let written = shortenedNumbers(text)
        guard !written.isEmpty else { return nil }
        return orders.filter { order in
            let parts = order.id.split(whereSeparator: { !$0.isASCII || !$0.isNumber })
            guard parts.count == 2, let suffix = Int(parts[1]) else { return false }
            return written.contains { $0.prefix.elementsEqual(parts[0].unicodeScalars) && $0.suffix == suffix }
        }
    }

    /// The numbers written `PREFIX-N` in a text: a run of four digits or more, a dash (with spaces
    /// around it or not), and a run of one to three digits. One pass over the text.
    static func shortenedNumbers(_ text: String) -> [(prefix: [Unicode.Scalar], suffix: Int)] {
        let scalars = Array(text.unicodeScalars)
        func isDigit(_ index: Int) -> Bool { index < scalars.count && ("0"..."9").contains(scalars[index]) }
        func skipSpaces(_ index: Int) -> Int {
            var index = index
            while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
            return index
        }
        var found: [(prefix: [Unicode.Scalar], suffix: Int)] = []
        var index = 0
        while index < scalars.count {
            guard isDigit(index) else { index += 1; continue }
            let start = index
            while isDigit(index) { index += 1 }
            guard index - start >= minimumPartialDigits else { continue }
            let dash = skipSpaces(index)
            guard dash < scalars.count, "-‐‑–—".unicodeScalars.contains(scalars[dash]) else { continue }
            let suffixStart = skipSpaces(dash + 1)
            var suffixEnd = suffixStart
            while isDigit(suffixEnd) { suffixEnd += 1 }
            guard (1...3).contains(suffixEnd - suffixStart) else { continue }
            let suffix = scalars[suffixStart..<suffixEnd].reduce(0) { $0 * 10 + Int($1.value - 48) }
            found.append((Array(scalars[start..<index]), suffix))
        }
        return found
    }

    /// The fewest digits a part of an order number is read from.
    static let minimumPartialDigits = 4

    /// The ASCII digits of a string, in order.
    static func digits(_ text: String) -> String {
        // An ASCII digit's byte never occurs inside another character's UTF-8 bytes.
        guard text.utf8.contains(where: isDigit) else { return "" }
        return String(decoding: text.utf8.filter(isDigit), as: UTF8.self)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// Whether the digits `number` occur together in `digits` (ASCII digits, so compared as bytes).
    private static func bytes(_ digits: [UInt8], contain number: String) -> Bool {
        let needle = Array(number.utf8)
        guard !needle.isEmpty, needle.count <= digits.count else { return needle.isEmpty }
        return (0...(digits.count - needle.count)).contains { start in
            digits[start..<(start + needle.count)].elementsEqual(needle)
        }
    }
}

/// The forms of orders' titles (``OrderFinder/titleForms(_:ignoring:kindWords:)``) for one set of
/// generic words and kind words, each title read once: a customer's orders are searched on many
/// turns. Shared by copies of the engine; bounded, and forgotten all at once when full.
final class TitleForms: Sendable {
    /// How many titles are kept.
    static let capacity = 10_000

    private let generic: GenericWords
    private let kindWords: [String: [WordForm]]
    private let brandReadings: [String: [String]]
    private let known = Mutex<[Key: [WordForm]]>([:])

    /// What the forms of an order depend on: its title (by its bytes) and its kind.
    private struct Key: Hashable {
        var title: ByteKey
        var kind: Order.Kind
    }

    init(ignoring generic: GenericWords, kindWords: [String: [WordForm]], brandReadings: [String: [String]] = [:]) {
        self.generic = generic
        self.kindWords = kindWords
        self.brandReadings = brandReadings
    }

    /// The order's title forms, as ``OrderFinder/titleForms(_:ignoring:kindWords:)`` makes them.
    func forms(_ order: Order) -> [WordForm] {
        let key = Key(title: ByteKey(order.title), kind: order.kind)
        if let forms = known.withLock({ $0[key] }) { return forms }
        let forms = OrderFinder.titleForms(order, ignoring: generic, kindWords: kindWords, brandReadings: brandReadings)
        known.withLock { known in
            if known.count >= Self.capacity { known.removeAll(keepingCapacity: true) }
            known[key] = forms
        }
        return forms
    }
}

/// What the order search reads in one message, made once per turn from the matcher's analysis:
/// the message is not normalized or stemmed again.
struct OrderQuery {
    /// The message's entities (its order numbers).
    var entities: [Entity]
    /// The digits of the message as typed and of its repaired words.
    var digits: String
    /// The message's meaningful words as typed and, when the analyzer repaired any, the repaired
    /// words after them, so an order is found by a title word typed in the wrong layout or in
    /// translit («rhjccjdrb», «krossovki»).
    var words: [WordForm]
    /// The repaired words when any repair was made, else the words as typed.
    var repairedWords: [WordForm]
    /// The message as typed, for a number written without the zeros of its second part («31415926-2»).
    var text = ""

    /// A message with nothing in it: an option chosen from the list.
    static let empty = OrderQuery(entities: [], digits: "", words: [], repairedWords: [])

    init(entities: [Entity], digits: String, words: [WordForm], repairedWords: [WordForm]) {
        self.entities = entities
        self.digits = digits
        self.words = words
        self.repairedWords = repairedWords
    }

    /// The query for `text` from the classifier's reading of it, leaving out `generic` words.
    init(_ text: String, _ classification: Classification, ignoring generic: GenericWords) {
        self.init(text, classification.analysis, entities: classification.entities, ignoring: generic)
    }

    /// The query for `text` from its analysis and the order numbers found in it, leaving out
    /// `generic` words.
    init(_ text: String, _ analysis: Analysis, entities: [Entity], ignoring generic: GenericWords) {
        self.text = text
        self.entities = entities
        // The analysis of a message cut at the matcher's length limit holds only its start.
        let typed = analysis.original == text ? WordForms.words(of: analysis) : WordForms.words(text)
        let typedForms = OrderFinder.sayings(WordForms.forms(typed, stemmedIn: analysis), ignoring: generic)
        var digits = OrderFinder.digits(text)
        if analysis.repairs.isEmpty {
            words = typedForms
            repairedWords = typedForms
        } else {
            let repaired = OrderFinder.sayings(WordForms.forms(WordForms.repairedWords(of: analysis), stemmedIn: analysis),
                                               ignoring: generic)
            words = typedForms + repaired
            repairedWords = repaired
            for word in analysis.words { digits += OrderFinder.digits(word) }
        }
        self.digits = digits
    }
}
