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
        func optionKey(_ text: String) -> String { optionKeys[text] ?? DialogueRules.phraseKey(text) }
        let exact = options.first { option in
            // Typed exactly as shown: no need to normalize (the phrase keys would be equal too).
            trimmed == option.value || trimmed == option.key
                || key == optionKey(option.key) || key == optionKey(option.label) || key == optionKey(option.value)
        }
        if let exact { return exact }
        // In the wrong layout, in translit or with a typo: the labels and values, not the numbers.
        let phrases = options.flatMap { option in
            [(key: optionKey(option.label), value: option), (key: optionKey(option.value), value: option)]
        }
        return reader.match(text, key: key, in: phrases)
    }

    /// A short number typed alone (an option that does not exist), as typed.
    func bareNumber(key: String) -> String? {
        guard !key.isEmpty, key.count <= 3, key.allSatisfy(\.isNumber) else { return nil }
        return key
    }
}
