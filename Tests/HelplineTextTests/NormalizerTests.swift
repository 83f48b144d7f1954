import Testing
@testable import HelplineText

struct NormalizerTests {
    /// Case is folded, ё becomes е, and punctuation and emoji disappear between words.
    @Test func caseYoPunctuationEmoji() {
        #expect(Normalizer.normalize("Привет!!! Где мой ЗАКАЗ?? 😡🙏") == "привет где мой заказ")
        #expect(Normalizer.normalize("Ёлка, ещё, Её") == "елка еще ее")
        #expect(Normalizer.normalize("привет,как дела…") == "привет как дела")
    }

    /// Decomposed letters are composed first (й, ё typed as base + mark), and stress marks vanish.
    @Test func unicodeComposition() {
        #expect(Normalizer.normalize("мои\u{306} е\u{308}ж") == "мой еж")
        #expect(Normalizer.normalize("зака\u{301}з") == "заказ")
    }

    /// Three or more identical letters squeeze to one; real double letters stay.
    @Test func emphasisSqueezed() {
        #expect(Normalizer.normalize("спасибооо") == "спасибо")
        #expect(Normalizer.normalize("дааааа ну пожаааалуйста") == "да ну пожалуйста")
        #expect(Normalizer.normalize("ванна касса") == "ванна касса")
        #expect(Normalizer.normalize("1000 рублей www.ozon.ru") == "1000 рублей www.ozon.ru")
    }

    /// Spaces of every kind collapse to one; currency and percent signs stay as symbols.
    @Test func spacesAndSymbols() {
        #expect(Normalizer.normalize("  2\u{00A0}490\u{202F}₽\t\nскидка 10%  ") == "2 490 ₽ скидка 10 %")
    }

    /// Order numbers, phones, e-mails and URLs come through whole and readable.
    @Test func specialTokensSurvive() {
        #expect(Normalizer.normalize("Заказ 12345678-0001, тел. +7 (495) 232−10−00; Help@Ozon.ru https://vk.com/ozon.")
            == "заказ 12345678-0001 тел +7 (495) 232-10-00 help@ozon.ru https://vk.com/ozon")
    }

    /// Normalizing twice changes nothing more; empty and symbol-only input gives empty text.
    @Test func idempotentAndEmpty() {
        for text in ["Где мой заказ 12345678 0001?!", "ult vjq pfrfp", "+7 (495) 232-10-00", "спасибооо 🎉"] {
            let once = Normalizer.normalize(text)
            #expect(Normalizer.normalize(once) == once)
        }
        #expect(Normalizer.normalize("") == "")
        #expect(Normalizer.normalize("!!! 🙂 ...") == "")
    }
}
