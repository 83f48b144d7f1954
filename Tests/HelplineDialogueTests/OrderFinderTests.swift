import Foundation
import HelplineText
import Testing
@testable import HelplineDialogue

/// Orders are found the way people name them, and the search is linear in the number of orders.
struct OrderFinderTests {
    static let vacuum = Order(id: "40027001-0002", title: "Робот-пылесос Dreame D10")
    static let tv = Order(id: "50000001-0001", title: "Телевизор Samsung QLED 55")
    static let phone = Order(id: "50000001-0002", title: "Смартфон Samsung Galaxy A54")
    static let lamp = Order(id: "50000001-0003", title: "Настольная лампа IKEA")
    static let flight = Order(id: "70400001-0001", title: "Авиабилет Москва — Сочи", kind: .flight)
    static let train = Order(id: "70400001-0002", title: "Поезд Москва — Казань", kind: .train)
    static let hotel = Order(id: "70400001-0006", title: "Гостиница «Заря», Казань, 2 ночи", kind: .hotel)

    private func find(_ text: String, _ orders: [Order]) throws -> [String] {
        let rules = try Fixture.rules()
        let kindWords = rules.kindWords.mapValues { $0.flatMap(WordForms.forms) }
        let generic = GenericWords(rules.titleStopwords.flatMap(WordForms.forms))
        return OrderFinder.byTitle(text, among: orders, ignoring: generic, kindWords: kindWords).map(\.id)
    }

    /// A number with the part after the dash written without its zeros stands for that order
    /// alone, and a part no order has names none; a prefix alone narrows to its orders.
    @Test(arguments: [("50000001-2", [phone.id]), ("50000001 - 03", [lamp.id]), ("заказ 50000001–1", [tv.id]),
                      ("50000001-7", []), ("50000001", [tv.id, phone.id, lamp.id]),
                      ("40027001-1", []), ("0002", [vacuum.id, phone.id])])
    func shortenedNumber(text: String, expected: [String]) {
        let orders = [Self.vacuum, Self.tv, Self.phone, Self.lamp]
        #expect(OrderFinder.byPartialNumber(text, among: orders).map(\.id) == expected)
    }

    /// In a story, one word of a quoted name of several («мастер» of «Мастер и Маргарита») may
    /// be meant in its ordinary sense and does not name the order; two words of the name, or a
    /// word outside the quotes, do. A pick from the list reads the one word.
    @Test(arguments: [("когда приедет мастер чинить", false), ("мастер и маргарита пришла мятая", true),
                      ("книга мастер порвана", true), ("маргарита", false)])
    func quotedNameInAStory(text: String, names: Bool) throws {
        let book = Order(id: "27182818-0003", title: "Книга «Мастер и Маргарита»")
        let said = OrderFinder.sayings(WordForms.forms(text), ignoring: GenericWords([]))
        let forms = { (order: Order) in OrderFinder.titleForms(order, ignoring: GenericWords([]), kindWords: [:]) }
        #expect(OrderFinder.byTitleInStory(said, among: [Self.vacuum, book], forms: forms) == (names ? [book] : []))
        #expect(OrderFinder.byTitle(said, among: [Self.vacuum, book], forms: forms) == [book])
    }

    @Test func quotedNamesOfSeveralWords() {
        #expect(OrderFinder.quotedNames("Книга «Мастер и Маргарита»").map { $0.map(\.word) } == [["мастер", "маргарита"]])
        #expect(OrderFinder.quotedNames("Отель «Волна», Сочи, 3 ночи").isEmpty)
        #expect(OrderFinder.quotedNames("Наушники Sony WH-1000XM5").isEmpty)
    }

    /// The quoted parts of a title are what the pattern `[«"“„]([^»"”“]+)[»"”“]` finds, left to
    /// right: on fixed tricky titles and on random strings of quotes, letters and spaces.
    @Test func quotedPartsAreThePatternsMatches() {
        func byPattern(_ title: String) -> [String] {
            title.matches(of: #/[«"“„]([^»"”“]+)[»"”“]/#).map { String($0.output.1) }
        }
        var titles = ["Книга «Мастер и Маргарита»", "«А» и «Б»", "\"\"x\"", "«»«x»", "«x", "x»", "„Низ“ и “верх”",
                      "«a \"b\" c»", "", "«", "»«"]
        let alphabet = Array("«»\"“”„ab ")
        var state: UInt64 = 7
        for _ in 0..<2_000 {
            var title = ""
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            for step in 0..<Int(state >> 60) {
                let bits = (state >> UInt64(4 * step % 56)) ^ UInt64(step) &* 0x9E37_79B9
                title.append(alphabet[Int(bits % UInt64(alphabet.count))])
            }
            titles.append(title)
        }
        for title in titles {
            #expect(OrderFinder.quotedParts(title) == byPattern(title), "\(title)")
        }
    }

    /// Hyphenated titles are found by either part or both.
    @Test(arguments: ["пылесос", "робот пылесос", "робот-пылесос", "пылесоса", "dreame"])
    func hyphenatedTitle(text: String) throws {
        #expect(try find(text, [Self.vacuum, Self.lamp, Self.tv]) == [Self.vacuum.id])
    }

    /// A brand's Russian spellings that transliteration does not give (`brand_readings` of the
    /// shipped rules) find its order: «сяоми», «шаоми» for «Xiaomi».
    @Test(arguments: ["сяоми", "шаоми", "ксиаоми", "чайник сяоми"])
    func brandByItsRussianSpelling(text: String) throws {
        let rules = try Fixture.rules()
        #expect(rules.brandReadings["xiaomi"]?.contains("сяоми") == true)
        let kettle = Order(id: "31415926-0002", title: "Электрический чайник Xiaomi Mi Kettle")
        let said = WordForms.words(text).map(WordForm.init)
        let found = OrderFinder.byTitle(said, among: [Self.vacuum, kettle, Self.tv], forms: { order in
            OrderFinder.titleForms(order, ignoring: GenericWords([]), kindWords: [:], brandReadings: rules.brandReadings)
        })
        #expect(found.map(\.id) == [kettle.id])
        let without = OrderFinder.byTitle(said, among: [Self.vacuum, kettle, Self.tv], forms: { order in
            OrderFinder.titleForms(order, ignoring: GenericWords([]), kindWords: [:])
        })
        #expect(without.count != 1 || text.contains("чайник"), "found by the readings, not by chance")
    }

    /// A Latin brand name in either script; two orders of the brand are both offered.
    @Test func brandInEitherScript() throws {
        #expect(try find("samsung", [Self.tv, Self.phone, Self.lamp]) == [Self.tv.id, Self.phone.id])
        #expect(try find("самсунг", [Self.tv, Self.phone, Self.lamp]) == [Self.tv.id, Self.phone.id])
        #expect(try find("телевизор самсунг", [Self.tv, Self.phone, Self.lamp]) == [Self.tv.id])
        #expect(try find("икеа", [Self.tv, Self.lamp]) == [Self.lamp.id])
    }

    /// Category words of a booking's kind, and the end of a compound word, find it.
    @Test func categoryWords() throws {
        let bookings = [Self.flight, Self.train, Self.hotel]
        #expect(try find("самолёт", bookings) == [Self.flight.id])
        #expect(try find("билет", bookings) == [Self.flight.id, Self.train.id])
        #expect(try find("отель", bookings) == [Self.hotel.id])
    }

    /// The work grows with the number of orders, not with its square: ten times the orders,
    /// about ten times the word comparisons.
    @Test func linearInTheNumberOfOrders() throws {
        func orders(_ count: Int) -> [Order] {
            (0..<count).map { Order(id: String(format: "%08d-0001", $0), title: "Товар номер \($0) модель X\($0)") }
        }
        func work(_ count: Int) -> Int {
            var work = 0
            _ = OrderFinder.byTitle("верните деньги за модель", among: orders(count), work: &work)
            return work
        }
        let small = work(100), large = work(1000)
        #expect(small > 0)
        #expect(large <= small * 11, "100 orders: \(small) comparisons, 1,000 orders: \(large)")
    }

    /// A very long message among many long titles makes at most the search's budget of word
    /// comparisons, and still finds an order named near its start; a short one reads every word.
    @Test func longMessagesAmongManyOrdersStayWithinTheBudget() throws {
        // Made-up words of seven letters, all different from their first five: no two are forms of one word.
        var state: UInt64 = 7
        func word() -> String {
            let letters = Array("бвгджзклмнпрстфхцчшщ")
            return String((0..<7).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return letters[Int(state >> 33) % letters.count]
            })
        }
        let orders = (0..<100).map { number in
            Order(id: String(format: "%08d-0001", number), title: (0..<26).map { _ in word() }.joined(separator: " "))
        }
        let named = try #require(orders[42].title.split(separator: " ").first).description
        let story = "пришла \(named) не та, " + (0..<700).map { _ in word() }.joined(separator: " ")
        var work = 0
        let found = OrderFinder.byTitle(story, among: orders, work: &work)
        #expect(found.map(\.id) == [orders[42].id])
        #expect(work <= OrderFinder.comparisonBudget, "\(work) comparisons")
        #expect(work >= OrderFinder.comparisonBudget / 2, "the budget is used, not a fixed number of words: \(work)")

        var short = 0
        _ = OrderFinder.byTitle("верните деньги за \(named)", among: orders, work: &short)
        #expect(OrderFinder.byTitle("верните деньги за \(named)", among: orders).map(\.id) == [orders[42].id])
        #expect(short < OrderFinder.comparisonBudget / 10)
    }
}
