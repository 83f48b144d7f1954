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
        // «да», «всё верно» to the draft shown: it is sent as it is, nothing added to it.
        if !c.draftMessages.isEmpty, PlainText.spaceSeparated(key).count <= 3,
           reader.match(text, key: key, in: confirmationPhrases) != nil {
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
        if let smalltalk = sureSmalltalk(text, key: key, classification, declining: true) {
            return writeStep(&c, lead: self.smalltalk(smalltalk), intent: classification.best, summary: false,
                             prompt: .resumeWrite)
        }
        // «оператор», «специалист» alone, or a longer call with nothing else in it («соедините с
        // оператором, пожалуйста»): this step is the way to the specialist already.
        if let id = classification.intent, catalog.intent(id)?.kind == .control, !classification.isAmbiguous,
           controlPhrases.contains(key) || (classification.confidence >= rules.freeText.questionMinConfidence
                                            && classification.analysis.words.count <= Self.bareControlWords)
            || (classification.analysis.words.count <= rules.freeText.questionMaxWords
                && rules.isOnlyCallWords(classification.analysis.words)) {
            return writeStep(&c, lead: [prompts.text(.alreadyWriting)], intent: classification.best, summary: false,
                             prompt: .resumeWrite)
        }
        return submit(c.draftMessages + [text], &c, now: now)
    }

    /// A call for a specialist of at most this many words («оператор», «живой человек») is not
    /// filed as the appeal at the message step.
    static let bareControlWords = 3

    /// The small-talk intent a message is, and nothing else. A greeting, thanks or goodbye
    /// (`exact_smalltalk`) only as one of those intents' examples — as typed, in the other layout,
    /// in translit or with a typo — or, when `declining` (the message step), one of the
    /// `declines` («нет, спасибо»), as thanks: «пока нет» or «помогите» is no such message, whatever
    /// the matcher guesses. Other small talk («ты бот?») read as surely and as short as an
    /// information question answered in place.
    func sureSmalltalk(_ text: String, key: String, _ classification: Classification, declining: Bool = false) -> Intent? {
        // Small talk is short: a longer message is not looked for among the phrases at all.
        guard classification.analysis.words.count <= rules.freeText.questionMaxWords else { return nil }
        if let phrase = reader.match(text, key: key, in: smalltalkPhrases) {
            return phrase.decline && !declining ? nil : catalog.intent(phrase.intent)
        }
        guard let id = classification.intent, !classification.isAmbiguous,
              classification.confidence >= rules.freeText.questionMinConfidence,
              classification.analysis.words.count <= rules.freeText.questionMaxWords,
              let intent = catalog.intent(id), intent.kind == .smalltalk,
              !rules.freeText.exactSmalltalk.contains(intent.id) else { return nil }
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

/// A small-talk phrase taken only as written: an example of a greeting, thanks or goodbye, or a
/// polite decline (read as thanks, at the message step only).
struct SmalltalkPhrase: Sendable {
    var intent: IntentID
    var decline: Bool
}
