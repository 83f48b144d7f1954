import Foundation
import HelplineIntents
import HelplineText

// Filing the appeal, and what the customer writes after it.
extension DialogueEngine {
    /// Files the appeal with `messages` (the draft, then what was typed at the message step).
    func submit(_ messages: [String], _ c: inout Conversation, now: Date) -> Turn {
        let topic = c.topic ?? rules.generalTopic
        let order = c.order.flatMap { id in c.profile.orders.first { $0.id == id } }
        let queue = rules.queue(topic: topic, order: order, profile: c.profile, now: now)
        c.ticketCount += 1
        let ticket = Ticket(id: appealNumbering.number(for: c), topic: topic, order: c.order, queue: queue,
                            etaMinutes: rules.eta(queue), messages: messages, createdAt: now)
        c.ticket = ticket
        c.draft = nil
        c.topic = topic
        c.state = .submitted
        var lines = [
            prompts.text(.ticketCreated, ["ticket": ticket.id]),
            c.order == nil
                ? prompts.text(.ticketDetailsNoOrder, ["topic": topicTitle(topic)])
                : prompts.text(wording(.ticketDetails, chosenOrders(c)), ["topic": topicTitle(topic), "order": orderDescription(c)]),
            prompts.text(.ticketQueue, ["queue": prompts.queueName(queue),
                                        "wait": prompts.queueWait(queue, etaMinutes: ticket.etaMinutes)]),
        ]
        if c.profile.premium && !c.profile.premiumSeller && queue == .regular {
            lines.append(prompts.text(.premiumBuyerNote))
        }
        lines.append(prompts.text(.ticketFollowup))
        return say(&c, lines, options: submittedOptions(), intent: nil, effects: [.openTicket(ticket)])
    }

    /// A message after the appeal: a clear question or bare small talk is answered; anything else is
    /// added to the appeal.
    func submittedTurn(_ text: String, key: String, _ analysis: Analysis?, _ c: inout Conversation) -> Turn {
        guard var ticket = c.ticket else { return startOver(&c, lead: []) }
        if isBlank(text) { return submittedStep(&c, lead: [prompts.text(.emptyText)]) }
        if let option = chosenOption(text, key: key, in: c.options),
           OptionValue(option.value, offeredAt: .submitted) == .command(.newAppeal) {
            return newAppealAfterSubmit(&c)
        }
        // «Отправить» once more (a second click, the button of the step before): the appeal has
        // gone already; the specialist would get the button's word as a message.
        if isSend(text, key: key) { return submittedStep(&c, lead: []) }
        // A message the appeal has already, sent again: not added twice.
        if ticket.messages.contains(where: { $0.trimmingWhitespace() == text.trimmingWhitespace() }) {
            return submittedStep(&c, lead: [prompts.text(.repeatInAppeal)])
        }
        let classification = classify(text, analysis)
        let score = classification.best
        // The same rule as at the message step: a clear, short information question is answered and
        // not added (it is a question to the assistant); bare small talk and control phrases
        // («спасибо», «позовите оператора»), read as surely as such a question, get their reply.
        // Everything else — longer messages, unclear ones, questions inside a story — is added to the
        // appeal and nothing is lost.
        let questions = answerableQuestions(classification)
        var answers: [String] = []
        // A problem told beside the question («а ещё книга порвана, куда написать на почту?»): the
        // question is answered and the message added, the story read for a new topic.
        var story: (text: String, classification: Classification)?
        if !questions.isEmpty {
            // «как быстро ответят?» about the appeal just filed: its own queue and wait, not every
            // channel's.
            answers = questions.map { question in
                question.id == rules.waitQuestion
                    ? prompts.text(.ticketQueue, ["queue": prompts.queueName(ticket.queue),
                                                  "wait": prompts.queueWait(ticket.queue, etaMinutes: ticket.etaMinutes)])
                    : answer(question, to: classification.analysis, for: c.profile)
            }
            guard let told = storyBesideQuestions(text, among: c.profile.orders) else {
                return submittedStep(&c, lead: answers, intent: score)
            }
            story = (told, classify(told, nil))
        }
        // Only when sure: a guess at «оператор» or «привет» must not swallow an answer to the
        // specialist («Нужен 42-й, обмен подойдёт»).
        if story == nil, let id = classification.intent, !classification.isAmbiguous, let intent = catalog.intent(id),
           classification.confidence >= rules.freeText.questionMinConfidence {
            let bare = classification.analysis.words.count <= Self.bareSmalltalkWords
            switch intent.kind {
            case .smalltalk where bare && sureSmalltalk(text, key: key, classification) != nil:
                // «спасибо», «пока»: the short reply alone — no reminder about the open appeal. Only
                // a small-talk phrase as such: «пока нет» answers the specialist and is added.
                return say(&c, smalltalk(intent), options: submittedOptions(), intent: score)
            case .control where bare: return submittedStep(&c, lead: [], intent: score)
            case .info, .smalltalk, .control, .topic: break
            }
        }
        // «хорошо, спасибо», «всё, до свидания»: a closing, answered as its thanks or goodbye.
        if story == nil, let intent = closing(key: key) {
            return say(&c, smalltalk(intent), options: submittedOptions(), intent: score)
        }
        ticket.messages.append(text)
        c.ticket = ticket
        var lines = answers + [prompts.text(.appended, ["ticket": ticket.id])]
        let told = story ?? (text, classification)
        // A message surely about another topic may be a new problem («а ещё книга пришла мятая,
        // хочу вернуть» after a delivery appeal): it is added, nothing lost, and the customer is
        // told that «Новое обращение» starts a new appeal with it (kept as that appeal's draft) —
        // unless it says it adds to this one («забыла сказать: чек сохранился»).
        let read = told.classification
        if let id = read.intent, id.rawValue != ticket.topic, !read.isAmbiguous,
           read.confidence >= rules.freeText.switchTopicMinConfidence,
           catalog.intent(id)?.kind == .topic, isStory(read.analysis) || story != nil, !additionWords.found(in: key) {
            // Kept until «Новое обращение» uses it (or the menu drops it), whatever follows.
            c.draft = [told.text]
            lines.append(prompts.text(.newAppealHint, ["new": prompts.text(.newAppealOption)]))
        }
        let turn = say(&c, lines, options: submittedOptions(), intent: score,
                       effects: [.appendToTicket(id: ticket.id, message: text)])
        // A question in a sentence or a clause of its own («а ещё книга порвана, куда написать на
        // почту?») is answered above, as at the message step.
        // (A wait asked so is about the appeal, whose wait the customer has been told.)
        guard answers.isEmpty else { return turn }
        return answering(questionsInSentences(text).filter { $0.intent.id != rules.waitQuestion }, before: turn, &c)
    }

    /// Small talk or a control phrase of at most this many words after an appeal is not added to it.
    static let bareSmalltalkWords = 4
}
