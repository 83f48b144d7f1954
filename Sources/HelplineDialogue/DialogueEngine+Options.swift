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
        // In the wrong layout, in translit or with a typo: the labels and values, not the numbers.
        return reader.match(text, key: key, in: prepared.phrases ?? PreparedOptions.phrases(options, prepared.entries))
    }

    /// A short number typed alone (an option that does not exist), as typed.
    func bareNumber(key: String) -> String? {
        guard !key.isEmpty, key.count <= 3, key.allSatisfy(\.isNumber) else { return nil }
        return key
    }
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
