import Testing
@testable import HelplineText

struct TokenizerTests {
    private func kinds(_ text: String) -> [String] {
        Tokenizer.tokenize(Normalizer.normalize(text)).map { "\($0.text)|\($0.kind.rawValue)" }
    }

    /// Order numbers are single tokens with a dash, a space or nothing between the parts.
    @Test func orderNumbers() {
        #expect(kinds("заказ 12345678-0001") == ["заказ|word", "12345678-0001|order_number"])
        #expect(kinds("12345678 0001") == ["12345678 0001|order_number"])
        #expect(kinds("123456780001.") == ["123456780001|order_number"])
        #expect(kinds("1234567-0001") == ["1234567|number", "0001|number"])
    }

    /// Phones in the usual spellings are single tokens.
    @Test func phones() {
        #expect(kinds("+7 (495) 232-10-00") == ["+7 (495) 232-10-00|phone"])
        #expect(kinds("звоните 8 800 234-70-70!") == ["звоните|word", "8 800 234-70-70|phone"])
        #expect(kinds("89161234567") == ["89161234567|phone"])
        #expect(kinds("7 (812) 494‑06‑06") == ["7 (812) 494-06-06|phone"])
        #expect(kinds("(495) 232-10-00") == ["(495) 232-10-00|phone"])
    }

    /// Numbers that merely look long are not phones: wrong length, wrong first digit, odd grouping.
    @Test func notPhones() {
        #expect(kinds("1 2 3 4 5 6 7 8 9 10 11").allSatisfy { $0.hasSuffix("|number") })
        #expect(kinds("49512345678") == ["49512345678|number"])
        #expect(kinds("2 490 ₽") == ["2|number", "490|number", "₽|symbol"])
    }

    /// E-mail addresses and URLs are single tokens, without trailing punctuation.
    @Test func emailsAndURLs() {
        #expect(kinds("пишите на help@ozon.ru.") == ["пишите|word", "на|word", "help@ozon.ru|email"])
        #expect(kinds("https://vk.com/ozon, www.ozon.ru") == ["https://vk.com/ozon|url", "www.ozon.ru|url"])
        #expect(kinds("сайт ozon.ru/help") == ["сайт|word", "ozon.ru/help|url"])
    }

    /// Layout keys inside a Latin word stay in it; around it they are not part of the token.
    @Test func latinWordsKeepLayoutKeys() {
        #expect(kinds("pf,sk ,tp dct[") == ["pf,sk|word", "tp|word", "dct|word"])
        #expect(kinds("hello, world.") == ["hello|word", "world|word"])
    }

    /// Letters and digits split; hyphenated Russian words stay whole; numbers keep a decimal part.
    @Test func wordsAndNumbers() {
        #expect(kinds("1990р") == ["1990|number", "р|word"])
        #expect(kinds("кто-то 1990,50") == ["кто-то|word", "1990,50|number"])
        #expect(kinds("- дефис -") == ["дефис|word"])
    }
}
