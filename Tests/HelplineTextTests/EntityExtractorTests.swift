import Testing
@testable import HelplineText

struct EntityExtractorTests {
    private func values(_ text: String, _ kind: Entity.Kind) -> [String] {
        EntityExtractor.extract(from: text).filter { $0.kind == kind }.map(\.value)
    }

    /// Every spelling of an order number gives the canonical NNNNNNNN-NNNN.
    @Test func orderNumbers() {
        for text in ["12345678-0001", "заказ 12345678 0001", "№123456780001", "12345678 - 0001", "12345678–0001"] {
            #expect(values(text, .orderNumber) == ["12345678-0001"], "\(text)")
        }
        #expect(values("1234567-0001 и 123456789-0001", .orderNumber).isEmpty)
    }

    /// Every common spelling of a Russian phone gives +7 and ten digits; the text is kept as written.
    @Test func phones() {
        let spellings = [
            "+7 495 232−10−00": "+74952321000",
            "7 (812) 494−06−06": "+78124940606",
            "8 (800)234−70−70": "+78002347070",
            "8-800-234-70-70": "+78002347070",
            "+7(916)1234567": "+79161234567",
            "89161234567": "+79161234567",
            "8 916 123 45 67": "+79161234567",
            "+7 916 123‑45‑67": "+79161234567",
            "(495) 232-10-00": "+74952321000",
        ]
        for (text, value) in spellings {
            let entities = EntityExtractor.extract(from: "звоните " + text + ", пожалуйста")
            #expect(entities.map(\.value) == [value], "\(text)")
            #expect(entities.first?.text == text)
        }
        #expect(values("код 123 45 67, заказ 12345678-0001, сумма 1 234 567", .phone).isEmpty)
    }

    /// E-mail addresses are found and lowercased.
    @Test func emails() {
        let entities = EntityExtractor.extract(from: "Пишите: Press@Ozon.RU или ir@ozon.ru.")
        #expect(entities.map(\.value) == ["press@ozon.ru", "ir@ozon.ru"])
        #expect(entities.first?.text == "Press@Ozon.RU")
        #expect(values("это не @почта и не a@b", .email).isEmpty)
    }

    /// Money amounts in roubles in the usual spellings, as decimal strings.
    @Test func money() {
        let spellings = [
            "1990 руб": "1990", "2 490 ₽": "2490", "1990р": "1990", "1 990 рублей": "1990",
            "2490₽": "2490", "99,90 р": "99.90", "1,5 тыс. руб": "1500", "1 250 000 рублей": "1250000",
            "100,00 руб": "100",
        ]
        for (text, value) in spellings {
            let entities = EntityExtractor.extract(from: "верните " + text + " пожалуйста")
            #expect(entities.map(\.value) == [value], "\(text)")
            #expect(entities.first?.text == text)
        }
        #expect(values("итого 99,90 р.", .money) == ["99.90"])
        #expect(values("купил 3 вещи", .money).isEmpty)
        #expect(values("2 490", .money).isEmpty)
    }

    /// URLs are found with their original case.
    @Test func urls() {
        #expect(values("группа https://vk.com/Ozon и ozon.ru", .url) == ["https://vk.com/Ozon", "ozon.ru"])
    }
}
