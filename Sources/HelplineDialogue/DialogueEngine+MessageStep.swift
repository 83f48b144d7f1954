import Foundation
import HelplineIntents
import HelplineText

// The message step: the text for the specialist, the story kept as the draft, questions answered
// in place.
extension DialogueEngine {
    /// A message at the message step: «Отправить» files the draft, a clear question is answered, anything
    /// else is the message to the specialist.
    func writeTurn(_ text: String, key: String, _ analysis: Analysis?, _ c: inout Conversation, now: Date) -> Turn {
        if isBlank(text) { return writeStep(&c, lead: [prompts.text(.emptyText)], summary: false) }
        if !c.draftMessages.isEmpty, let option = chosenOption(text, key: key, in: c.options),
           OptionValue(option.value, offeredAt: .write) == .command(.send) {
            return submit(c.draftMessages, &c, now: now)
        }
        // A number alone while «Отправить» is on screen is a pick from a list that is not there
        // (the order list's reflex), not a message for the specialist.
        if !c.options.isEmpty, let number = pickedNumber(key: key) {
            if !c.draftMessages.isEmpty, let option = c.options.first(where: { $0.key == number }),
               OptionValue(option.value, offeredAt: .write) == .command(.send) {
                return submit(c.draftMessages, &c, now: now)
            }
            return writeStep(&c, lead: [prompts.text(.noSuchOption, ["option": number])], summary: false)
        }
        // «Без заказа» is about the order, not a message: the question is then about none.
        if rules.meansNoOrder(key: key) {
            c.order = nil
            return writeStep(&c)
        }
        // A clear information question is answered; the customer stays here, the draft kept.
        let classification = classify(text, analysis)
        if let question = answerableQuestion(classification) {
            return writeStep(&c, lead: [answer(question, to: classification.analysis, for: c.profile)], intent: classification.best,
                             summary: false, prompt: .resumeWrite)
        }
        // A short greeting, thanks or goodbye, read as surely as a question, is not an appeal of
        // its own: «спасибо» is answered here, and the customer can still write (or send the draft).
        if let smalltalk = sureSmalltalk(classification, key: key) {
            return writeStep(&c, lead: self.smalltalk(smalltalk), intent: classification.best, summary: false,
                             prompt: .resumeWrite)
        }
        return submit(c.draftMessages + [text], &c, now: now)
    }

    /// The small-talk intent (greeting, thanks, goodbye) a message is, and nothing else: one of
    /// the small-talk examples as written (its phrase `key`), read as that intent as surely as an
    /// information question answered in place. «пока нет» or «помогите» is no such message, whatever
    /// the matcher guesses.
    func sureSmalltalk(_ classification: Classification, key: String) -> Intent? {
        guard smalltalkPhrases.contains(key), let id = classification.intent, !classification.isAmbiguous,
              classification.confidence >= rules.freeText.questionMinConfidence,
              let intent = catalog.intent(id), intent.kind == .smalltalk else { return nil }
        return intent
    }

    /// Whether a message tells the problem (long enough to be the appeal's first message), as
    /// opposed to naming a topic or an order.
    func isStory(_ analysis: Analysis) -> Bool {
        analysis.words.count { word in word.contains(where: \.isLetter) } >= rules.freeText.draftMinWords
    }

    /// Adds a story to the draft.
    func keep(_ story: String?, _ c: inout Conversation) {
        guard let story else { return }
        c.draft = c.draftMessages + [story]
    }
}
