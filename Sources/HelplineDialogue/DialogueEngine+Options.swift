import Foundation
import HelplineIntents
import HelplineText

// The options on screen: which one a message chooses, and the fixed ones the steps offer.
extension DialogueEngine {
    /// The topic menu, with «Написать специалисту» after it when `specialist`.
    func menuOptions(specialist: Bool) -> [ReplyOption] {
        var options = menu
        if specialist {
            options.append(ReplyOption(key: String(options.count + 1), label: prompts.text(.specialistOption),
                                       value: .command(.specialist)))
        }
        return options
    }

    /// The options after an appeal: «Новое обращение».
    func submittedOptions() -> [ReplyOption] {
        [ReplyOption(key: "1", label: prompts.text(.newAppealOption), value: .command(.newAppeal))]
    }

    /// The option a message chooses: its key, its label or its value, ignoring case and punctuation.
    /// `key` is the message's ``DialogueRules/phraseKey(_:)``.
    func chosenOption(_ text: String, key: String, in options: [ReplyOption]) -> ReplyOption? {
        let trimmed = text.trimmingWhitespace()
        guard !key.isEmpty else { return nil }
        let trimmedPlain = PlainText.isPlain(trimmed)
        let keyPlain = PlainText.isPlain(key)
        func typed(_ option: OptionPhrases.Entry) -> Bool {
            PlainText.equal(trimmed, plain: trimmedPlain, option.text, plain: option.plain)
        }
        func keyed(_ option: OptionPhrases.Entry) -> Bool {
            PlainText.equal(key, plain: keyPlain, option.phrase.key, plain: option.phrase.plain)
        }
        let prepared = fixedOptionLists.first { $0.options == options } ?? PreparedOptions(options, optionPhrases, readable: false)
        // By index, so that each option's phrases are read where they are, not copied.
        for index in options.indices where index < prepared.entries.count {
            // Typed exactly as shown: no need to normalize (the phrase keys would be equal too).
            if typed(prepared.entries[index].value) || typed(prepared.entries[index].key)
                || keyed(prepared.entries[index].key) || keyed(prepared.entries[index].label)
                || keyed(prepared.entries[index].value) {
                return options[index]
            }
        }
        // A number said in words or with a word around it: «второй», «номер 2», «3-й заказ». Only
        // from a list to choose from: after an appeal «первый» may answer the specialist's question.
        if options.count > 1, let number = OptionNumber.spoken(key), let option = options.first(where: { $0.key == String(number) }) {
            return option
        }
        // In the wrong layout, in translit or with a typo: the labels and values, not the numbers.
        return reader.match(text, key: key, in: prepared.phrases ?? PreparedOptions.phrases(options, prepared.entries))
    }

    /// A short number typed alone (an option that does not exist), as typed.
    func bareNumber(key: String) -> String? {
        // `prefix(4)` walks at most four characters: most messages are long.
        guard !key.isEmpty, key.prefix(4).count <= 3, key.allSatisfy(\.isNumber) else { return nil }
        return key
    }

    /// A number alone or said as an option's number («номер 5», «пятый»), as digits: a pick from a
    /// list that has no such option.
    func pickedNumber(key: String) -> String? {
        bareNumber(key: key) ?? OptionNumber.spoken(key).map(String.init)
    }
}

/// An option's number as customers say it instead of typing the digit alone: an ordinal word
/// («второй», «третью»), a digit with a word for what it counts («номер 2», «пункт 3», «заказ 2»,
/// «вариант 1», «№ 2»), or a digit with an ordinal ending («2-й», «3 й»), each optionally followed by
/// «заказ», «пункт», «вариант», «товар» or «по списку». Reads a phrase key (normalized text).
enum OptionNumber {
    static func spoken(_ key: String) -> Int? {
        // Most messages are longer than any way of saying a number: no need to split them.
        guard PlainText.spaceCount(key) < maximumSpaces else { return nil }
        // Words are compared by their bytes (phrase keys are of one spelling): hashing a Cyrillic
        // `String` normalizes it first, and this runs on most short messages.
        var words = PlainText.spaceSeparated(key).map { ByteKey(String($0)) }.filter { !fillers.contains($0) }
        guard !words.isEmpty, words.count <= 4 else { return nil }
        if let last = words.last, counted.contains(last), words.count > 1 { words.removeLast() }
        if words.count >= 2, words[words.count - 2] == Self.along, words.last == Self.list { words.removeLast(2) }
        // «заказ номер 2», «пункт № 3»
        while words.count > 1, counted.contains(words[0]) || words[0] == Self.numberSign { words.removeFirst() }
        if words.count == 2, ordinalEndings.contains(words[1]) { words.removeLast() }
        guard words.count == 1, let word = words.first?.text else { return nil }
        if let number = Int(word), (1...99).contains(number), word.count <= 2 { return number }
        return numbers[ByteKey(word)]
    }

    private static let along = ByteKey("по")
    private static let list = ByteKey("списку")
    private static let numberSign = ByteKey("№")

    /// More spaces than a number said with its words and fillers around it ever has.
    private static let maximumSpaces = 8
    /// Words around a choice that say nothing of it: «давайте второй», «второй, пожалуйста».
    private static let fillers: Set<ByteKey> = Set(["давайте", "давай", "пожалуйста", "мне", "выбираю", "выберу", "беру"].map(ByteKey.init))
    /// Words for what a number counts, before or after it.
    private static let counted: Set<ByteKey> = Set(["номер", "пункт", "вариант", "заказ", "товар"].map(ByteKey.init))
    /// Endings written apart from the digit («2-й» is normalized to «2 й»).
    private static let ordinalEndings: Set<ByteKey> = Set(["й", "ой", "ый", "ий", "я", "ая", "е", "ое", "ю", "ую"].map(ByteKey.init))
    /// The ordinal words for one to ten in the forms a choice takes, and the numbers themselves
    /// («номер три»).
    private static let ordinals: [Int: Set<String>] = [
        1: ["первый", "первая", "первое", "первую", "первого"],
        2: ["второй", "вторая", "второе", "вторую", "второго"],
        3: ["третий", "третья", "третье", "третью", "третьего"],
        4: ["четвертый", "четвертая", "четвертое", "четвертую", "четвертого"],
        5: ["пятый", "пятая", "пятое", "пятую", "пятого"],
        6: ["шестой", "шестая", "шестое", "шестую", "шестого"],
        7: ["седьмой", "седьмая", "седьмое", "седьмую", "седьмого"],
        8: ["восьмой", "восьмая", "восьмое", "восьмую", "восьмого"],
        9: ["девятый", "девятая", "девятое", "девятую", "девятого"],
        10: ["десятый", "десятая", "десятое", "десятую", "десятого"],
    ].merging([1: ["один"], 2: ["два"], 3: ["три"], 4: ["четыре"], 5: ["пять"], 6: ["шесть"], 7: ["семь"],
                8: ["восемь"], 9: ["девять"], 10: ["десять"]]) { $0.union($1) }
    /// Each of those words with its number.
    private static let numbers: [ByteKey: Int] = Dictionary(
        uniqueKeysWithValues: ordinals.flatMap { number, words in words.map { (ByteKey($0), number) } })
}

/// A list of options with the phrase keys of their keys, labels and values, and the phrases a
/// message is read against (labels and values).
struct PreparedOptions: Sendable {
    typealias Entries = [(key: OptionPhrases.Entry, label: OptionPhrases.Entry, value: OptionPhrases.Entry)]

    let options: [ReplyOption]
    let entries: Entries
    /// The phrases, when the list was prepared to be read (the fixed lists); other lists make
    /// them only for a message that none of the options' texts equals.
    let phrases: PhraseReader.Phrases<ReplyOption>?

    init(_ options: [ReplyOption], _ optionPhrases: OptionPhrases, readable: Bool = true) {
        self.options = options
        entries = options.map { (optionPhrases[$0.key], optionPhrases[$0.label], optionPhrases[$0.value]) }
        phrases = readable ? Self.phrases(options, entries) : nil
    }

    static func phrases(_ options: [ReplyOption], _ entries: Entries) -> PhraseReader.Phrases<ReplyOption> {
        PhraseReader.Phrases(zip(options, entries).flatMap { option, entries in
            [(entries.label.phrase, option), (entries.value.phrase, option)]
        })
    }
}
