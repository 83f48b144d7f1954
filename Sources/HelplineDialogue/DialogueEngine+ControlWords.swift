import Foundation
import HelplineIntents
import HelplineText

// Control words («назад», «меню», «отмена», «новое обращение»), in every state.
extension DialogueEngine {
    /// Acts on a control word in the conversation's current state; nil when the word means nothing
    /// there (then the message is read as any other).
    func perform(_ command: Command, _ c: inout Conversation) -> Turn? {
        switch (command, c.state) {
        case (.otherOrder, .write):
            // The order chosen was not the one meant: its list again, the draft kept.
            guard c.order != nil, let topic = chosenTopic(c), topic.kind == .topic, hasOrderStep(topic, c) else { return nil }
            let orders = eligibleOrders(for: topic, in: c.profile)
            c.order = nil
            return orderStep(&c, topic: topic, lead: [prompts.text(wording(.otherOrder, orders))])
        case (.otherOrder, _):
            return nil
        case (.otherTopic, .chooseOrder), (.otherTopic, .write):
            // The topic chosen was not the one meant: the menu again, the draft kept.
            return startOver(&c, lead: [prompts.text(.otherTopic)], keepDraft: true)
        case (.otherTopic, _):
            return nil
        case (.back, .chooseTopic):
            // After two topics were offered at the order step, back to that step.
            if let topic = chosenTopic(c), topic.kind == .topic, topic.needsOrder,
               !eligibleOrders(for: topic, in: c.profile).isEmpty {
                return orderStep(&c, topic: topic, lead: [prompts.text(.backToOrders)])
            }
            c.order = nil
            return topicStep(&c, lead: [prompts.text(.backAtStart)])
        case (.back, .chooseOrder):
            return startOver(&c, lead: [prompts.text(.backToTopics)], keepDraft: true)
        case (.back, .write):
            if let topic = chosenTopic(c), topic.kind == .topic, hasOrderStep(topic, c),
               !eligibleOrders(for: topic, in: c.profile).isEmpty {
                c.order = nil
                return orderStep(&c, topic: topic, lead: [prompts.text(.backToOrders)])
            }
            return startOver(&c, lead: [prompts.text(.backToTopics)], keepDraft: true)
        case (.back, .submitted):
            let id = c.ticket?.id ?? ""
            return startOver(&c, lead: [prompts.text(.backAfterSubmit, ["ticket": id])])
        case (.menu, _):
            // The menu is a way to another topic, not a cancel («отмена» is): a draft is kept, and
            // said to be kept.
            let kept = c.draftMessages.isEmpty ? [] : [prompts.text(.storyKept)]
            return startOver(&c, lead: [prompts.text(.toMenu)] + kept, keepDraft: true)
        case (.cancel, .chooseTopic):
            let hadDraft = c.order != nil
            return startOver(&c, lead: [prompts.text(hadDraft ? .cancelled : .nothingToCancel)])
        case (.cancel, .chooseOrder), (.cancel, .write):
            return startOver(&c, lead: [prompts.text(.cancelled)])
        case (.cancel, .submitted):
            let id = c.ticket?.id ?? ""
            return submittedStep(&c, lead: [prompts.text(.cancelAfterSubmit, ["ticket": id])])
        case (.new, .submitted):
            // A new problem told after the appeal (see ``submittedTurn``) is carried into the new one.
            return newAppealAfterSubmit(&c)
        case (.new, _):
            // Before an appeal is filed, a new one starts from the menu with what was written kept.
            let kept = c.draftMessages.isEmpty ? [] : [prompts.text(.storyKept)]
            return startOver(&c, lead: [prompts.text(.newAppeal)] + kept, keepDraft: true)
        }
    }

    /// After an appeal, a new-appeal phrase with more words after it («новое обращение по
    /// чайнику», «у меня другой вопрос: где мой заказ?»): a new appeal, with the rest of the message
    /// read at the topic step as the first message of it. Nil for anything else, or when the rest
    /// cannot be cut from the message as written (then the message is read as any other).
    func newAppealWithMessage(_ text: String, key: String, _ c: inout Conversation) -> Turn? {
        guard c.state == .submitted else { return nil }
        for lead in newAppealLeads where key.utf8.starts(with: lead.key) {
            guard let rest = Self.text(text, afterWords: lead.words) else { continue }
            let (restKey, analysis) = read(rest)
            // The rest must be what the phrase key has after the phrase, so no word is lost; a rest
            // that starts with «не» («новое обращение не надо, просто добавлю…») takes the phrase back.
            guard !restKey.isEmpty, restKey.utf8.elementsEqual(key.utf8.dropFirst(lead.key.count)),
                  !restKey.utf8.starts(with: "не ".utf8) else { continue }
            _ = startOver(&c, lead: [])
            return startAppeal(with: rest, key: restKey, analysis, &c)
        }
        return nil
    }

    /// «Новое обращение» after an appeal: a new problem told after it (kept as the draft, see
    /// ``submittedTurn``) is read at the topic step as the new appeal's first message — its topic
    /// and order taken as if it had been written first; without one, the menu.
    func newAppealAfterSubmit(_ c: inout Conversation) -> Turn {
        guard let story = c.draftMessages.last else { return startOver(&c, lead: [prompts.text(.newAppeal)]) }
        _ = startOver(&c, lead: [], keepDraft: true)
        let (key, analysis) = read(story)
        return startAppeal(with: story, key: key, analysis, &c)
    }

    /// The topic step's turn for `text` at the start of a new appeal, led by «Начнём новое обращение.».
    private func startAppeal(with text: String, key: String, _ analysis: Analysis?, _ c: inout Conversation) -> Turn {
        var turn = topicTurn(text, key: key, analysis, &c)
        turn.reply.text = prompts.text(.newAppeal) + "\n" + turn.reply.text
        c.lastReply = turn.reply
        return turn
    }

    /// What follows the first `count` words of `text` (runs of letters and digits), without the
    /// spaces and punctuation before it; nil when nothing does.
    package static func text(_ text: String, afterWords count: Int) -> String? {
        var words = 0
        var inWord = false
        var index = text.unicodeScalars.startIndex
        while index < text.unicodeScalars.endIndex {
            let isWordScalar = text.unicodeScalars[index].properties.isAlphabetic || text.unicodeScalars[index].properties.numericType != nil
            if isWordScalar, !inWord {
                if words == count { break }
                words += 1
            }
            inWord = isWordScalar
            index = text.unicodeScalars.index(after: index)
        }
        guard words == count, index < text.unicodeScalars.endIndex else { return nil }
        return String(text.unicodeScalars[index...])
    }

    /// Back to the topic menu with a clean draft (unless `keepDraft`: one step back keeps what the
    /// customer wrote); a stored appeal stays stored.
    func startOver(_ c: inout Conversation, lead: [String], keepDraft: Bool = false) -> Turn {
        c.topic = nil
        c.order = nil
        c.ticket = nil
        c.misses = 0
        if !keepDraft { c.draft = nil }
        return topicStep(&c, lead: lead)
    }
}
