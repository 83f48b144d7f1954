import Testing
@testable import HelplineDialogue

/// An option's number as customers say it: in words, or with a word for what it counts.
struct OptionNumberTests {
    @Test(arguments: [
        ("второй", 2), ("вторую", 2), ("первый заказ", 1), ("третий по списку", 3), ("номер 2", 2),
        ("пункт 3", 3), ("вариант 1", 1), ("№ 2", 2), ("2 й", 2), ("3 й заказ", 3), ("заказ 2", 2),
        ("четвертый", 4), ("десятый пункт", 10), ("12", 12), ("заказ номер 2", 2), ("номер три", 3), ("два", 2),
        ("второй заказ пожалуйста", 2), ("давайте второй", 2),
    ])
    func readsSpokenNumbers(key: String, number: Int) {
        #expect(OptionNumber.spoken(key) == number)
    }

    /// Words that only look like a choice, and numbers that are not an option's, are not read.
    @Test(arguments: ["второй раз пишу", "номер телефона", "31415926", "первый раз заказываю у вас", "заказ",
                      "номер", "0 й", "номер 123", "", "второй второй"])
    func leavesOtherTextAlone(key: String) {
        #expect(OptionNumber.spoken(key) == nil)
    }
}

/// The call words (`free_text.call_words`): whole words, and starts given with a final `*`.
struct CallWordTests {
    @Test func wordsAndStarts() throws {
        var rules = try DialogueRules(bundle: .embedded)
        #expect(rules.isOnlyCallWords(["соедините", "с", "оператором", "пожалуйста"]))
        #expect(!rules.isOnlyCallWords(["соедините", "с", "оператором", "курьер", "не", "приехал"]))
        #expect(!rules.isOnlyCallWords([]))
        // Changed later, the words follow.
        rules.freeText.callWords = ["позов*", "оператора"]
        #expect(rules.isOnlyCallWords(["позовите", "оператора"]))
        #expect(!rules.isOnlyCallWords(["позовите", "оператор"]))
        #expect(!rules.isOnlyCallWords(["соедините", "с", "оператором"]))
    }
}
