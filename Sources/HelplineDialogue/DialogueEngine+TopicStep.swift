import Foundation
import HelplineIntents
import HelplineText

// The topic step: a menu choice, or free text read for a topic, an answer, small talk or a specialist.
extension DialogueEngine {
    /// A message at the topic step: an option, a number not on screen, or free text to classify.
    /// Whether the topic step's options are a few topics offered for one message (after «Уточните…»
    /// or a weak guess), not the menu.
    func isOffer(_ c: Conversation) -> Bool {
        c.state == .chooseTopic && !c.options.isEmpty && c.options.count < menuOptions(specialist: false).count
    }

    /// The question above topics offered again: «…или напишите специалисту» only when a specialist
    /// is among them.
    func offeredAgain(_ c: Conversation) -> String {
        let specialist = c.options.contains { OptionValue($0.value, offeredAt: .chooseTopic) == .command(.specialist) }
        return prompts.text(specialist ? .confirmGuess : .chooseOffered)
    }

    /// The one topic of the menu whose order step takes `order`'s kind, if only one does.
    func onlyTopic(taking order: Order) -> Intent? {
        let taking = catalog.topics.filter { $0.needsOrder && rules.orderKinds(for: $0).contains(order.kind.rawValue) }
        return taking.count == 1 ? taking.first : nil
    }

    /// One topic offered as a guess, with «Написать специалисту» (`confirm_guess`), after `lead`.
    func offer(_ topic: Intent, _ c: inout Conversation, lead: [String], intent: IntentScore?) -> Turn {
        let options = [ReplyOption(key: "1", label: topic.title, value: .topic(topic.id)),
                       ReplyOption(key: "2", label: prompts.text(.specialistOption), value: .command(.specialist))]
        return say(&c, lead + [prompts.text(.confirmGuess)], options: options, intent: intent)
    }

    func topicTurn(_ text: String, key: String, _ analysis: Analysis?, _ c: inout Conversation) -> Turn {
        if isBlank(text) { return topicStep(&c, lead: [prompts.text(.emptyText)], options: c.options) }
        if let option = chosenOption(text, key: key, in: c.options), let value = OptionValue(option.value, offeredAt: .chooseTopic) {
            return choose(value, &c, intent: nil)
        }
        if let number = pickedNumber(key: key) {
            return topicStep(&c, lead: [prompts.text(.noSuchOption, ["option": number])], options: c.options)
        }
        // «да» to a guess of one topic («Хотим убедиться…» with that topic and a specialist) chooses
        // it. Among several topics a «да» says none of them, and the choices are offered again.
        if isOffer(c), let guess = onlyTopicOffered(c), PlainText.spaceCount(key) < 3,
           reader.match(text, key: key, in: confirmationPhrases) != nil {
            return choose(guess, &c, intent: nil)
        }
        // «да, москва сочи», «да, первое»: a yes with a few words more to the choices offered — the
        // option those words choose, or, with one topic offered, that topic with the one order the
        // words name by title. Other words after a yes («да, но это про возврат») are read as any
        // message.
        if isOffer(c), let rest = afterYes(key), PlainText.spaceCount(rest) < 4,
           !PlainText.spaceSeparated(rest).contains(where: { $0 == "не" || $0 == "но" }) {
            if let option = chosenOption(rest, key: rest, in: c.options), let value = OptionValue(option.value, offeredAt: .chooseTopic) {
                return choose(value, &c, intent: nil)
            }
            if let guess = onlyTopicOffered(c),
               case let named = OrderFinder.byTitle(rest, among: c.profile.orders, ignoring: titleStopwords, kindWords: kindWords),
               named.count == 1, let order = named.first {
                c.order = order.id
                return choose(guess, &c, intent: nil)
            }
        }
        // «Без заказа» while topics are offered («Уточните…», a guess) answers no question of
        // theirs: the order is dropped and the same choices stay, rather than the words being read
        // as a topic of their own.
        if isOffer(c), rules.meansNoOrder(key: key) {
            c.order = nil
            return say(&c, [prompts.text(.offerAgain)], options: c.options, intent: nil)
        }
        // An order named alone while topics are offered («чайник», «31415926-0002»): it goes with
        // the topic chosen, and the same choices stay.
        if isOffer(c), PlainText.spaceCount(key) < 3 {
            let byNumber = OrderFinder.byNumber(text, entities: [], among: c.profile.orders)
            let named = byNumber.isEmpty
                ? OrderFinder.byTitle(text, among: c.profile.orders, ignoring: titleStopwords, kindWords: kindWords) : byNumber
            if named.count == 1, let order = named.first {
                c.order = order.id
                return say(&c, [prompts.text(.orderNoted, ["order": orderReference(order)]), offeredAgain(c)],
                           options: c.options, intent: nil)
            }
        }
        // «Отправить» with a story kept: it goes once a topic is chosen, as the customer is told
        // (the menu, or the choices offered, again); not a miss.
        if !c.draftMessages.isEmpty, isSend(text, key: key) {
            let offer = isOffer(c)
            return topicStep(&c, lead: [prompts.text(.draftUnsent)], options: offer ? c.options : nil, prompt: offer ? nil : .menu)
        }
        // «ок», «ясно» after an answer: nothing missed, the menu again. «у меня вопрос», «помогите»:
        // nothing to read a topic in yet — «Слушаем вас.» and the menu, counted as a miss, so that
        // a customer who keeps not saying it is offered a specialist.
        if !isOffer(c) {
            if onlyClosingWords(key: key) {
                let unsent = c.draftMessages.isEmpty ? [] : [prompts.text(.draftUnsent)]
                return topicStep(&c, lead: [prompts.text(.acknowledged)] + unsent)
            }
            // Only a short reply with a letter: a number alone is an order's number or an option.
            if PlainText.spaceCount(key) < Self.emptyReplyMaxWords, key.contains(where: \.isLetter), isEmptyReply(text, key: key) {
                c.misses += 1
                guard c.misses >= rules.missesBeforeSpecialist else { return topicStep(&c, lead: [prompts.text(.listening)]) }
                let lead = prompts.text(.missSpecialist, ["specialist": prompts.text(.specialistOption)])
                return topicStep(&c, lead: [lead], prompt: nil)
            }
        }
        let classification = classify(text, analysis)
        let score = classification.best
        var story = storyToKeep(text, key: key, classification, shortAmong: c.profile.orders)
        // With a story kept from before («меню» after it), a question that reads as a topic («где
        // мой чайник?») is kept beside it: the appeal shown next has both, and neither is lost.
        if story == nil, !c.draftMessages.isEmpty, classification.analysis.words.count >= 2, isPutAsQuestion(text, key: key),
           let id = classification.intent, catalog.intent(id)?.kind == .topic {
            story = text
        }
        // Small talk the matcher is not sure of («нет» read as a greeting) is not answered.
        guard let id = classification.intent, let best = catalog.intent(id),
              best.kind != .smalltalk || classification.isAmbiguous
                || classification.confidence >= rules.freeText.confirmBelow else {
            let byNumber = OrderFinder.byNumber(text, entities: classification.entities, among: c.profile.orders)
            let named = byNumber.count == 1 ? byNumber.first
                : OrderFinder.byTitleAlone(orderQuery(text, classification).repairedWords, among: c.profile.orders,
                                           forms: titleForms.forms)
            if let order = named {
                c.order = order.id
                c.misses = 0
                return topicStep(&c, lead: [prompts.text(.orderNoted, ["order": orderReference(order)])], intent: score)
            }
            // A story (or a short statement kept) that names one of the customer's orders by its
            // title («книга мастер и маргарита пришла мятая», «чайник течёт») is about that order,
            // however off topic its words sound: the order is noted, the story kept, and the topic
            // asked for. One word of a booking's title is not enough: titles have towns in them,
            // which stories name for other reasons («какая погода в сочи» with a flight to Sochi).
            let said = orderQuery(text, classification).words
            if isStory(classification.analysis) || story != nil, byNumber.isEmpty,
               case let byTitle = storyOrders(said, among: c.profile.orders),
               byTitle.count == 1, let order = byTitle.first,
               case let forms = titleForms.forms(order),
               said.count(where: { word in forms.contains { WordForms.names($0, word) } })
                >= (order.kind == .goods ? 1 : 2) {
                c.order = order.id
                c.misses = 0
                let readable = wrongLayoutReading(text, classification.analysis) ?? text
                let lead = keep(readable, &c, saying: [prompts.text(.orderNoted, ["order": orderReference(order)])])
                // An order only one topic takes (a flight: Ozon Travel) tells the topic: it is
                // offered, with a specialist, rather than the whole menu.
                if let topic = onlyTopic(taking: order) { return offer(topic, &c, lead: lead, intent: score) }
                return topicStep(&c, lead: lead, intent: score)
            }
            // A kind of booking named with the customer's bookings of that topic («поезд в сочи»
            // with two trains and a flight): the one topic that takes them is offered, whichever
            // booking is meant. (A town alone, «какая погода в сочи», names none.)
            if byNumber.isEmpty, !namedKinds(said).isEmpty, case let named = storyOrders(said, among: c.profile.orders),
               let first = named.first, let topic = onlyTopic(taking: first),
               named.allSatisfy({ onlyTopic(taking: $0)?.id == topic.id }) {
                c.misses = 0
                return offer(topic, &c, lead: keep(story, &c, saying: []), intent: score)
            }
            keep(story, &c)
            // An order number alone that is none of the customer's: said so, not «не удалось понять».
            if byNumber.isEmpty, let number = OrderFinder.orderNumber(in: text, entities: classification.entities),
               !isStory(classification.analysis) {
                c.misses = 0
                return topicStep(&c, lead: [prompts.text(.orderNotFound, ["number": number])], intent: score)
            }
            // Choices offered a turn ago («Уточните…», a guess) stay offered after a reply that is
            // none of them («да»): the menu in their place would give their numbers other meanings.
            if isOffer(c), story == nil {
                return say(&c, [prompts.text(.offerAgain)], options: c.options, intent: score)
            }
            c.misses += 1
            // A story not understood is still kept, and the customer is told so.
            if c.misses >= rules.missesBeforeSpecialist {
                let lead = prompts.text(.missSpecialist, ["specialist": prompts.text(.specialistOption)])
                return topicStep(&c, lead: keep(story, &c, saying: [lead]), intent: score, prompt: nil)
            }
            return topicStep(&c, lead: keep(story, &c, saying: [prompts.text(.miss)]), intent: score)
        }
        var chosen = best
        // A weak guess is not acted on: the likeliest topics and a specialist are offered, and the
        // message is kept (as the draft, and the order it names) for whichever is chosen. A refusal
        // in doubt is such a guess too, whichever way the margin falls: less sure than
        // `refusal_min_confidence`, or one of the close candidates of an ambiguous message — the
        // customer is offered the topics besides it, never «Вне компетенции поддержки» as a choice.
        let refusals = rules.freeText.refusals
        let refusalInDoubt = !likeliest(classification).isEmpty
            && (refusals.contains(best.id) && classification.confidence < rules.freeText.refusalMinConfidence
                || classification.isAmbiguous && ambiguityCandidates(classification).contains { refusals.contains($0.id) })
        // So is an ambiguous message read first as small talk, with no topic or answer beside it sure
        // enough to act on («чайник»: thanks 0.40, tracking 0.33): the order it names is noted for
        // the topic chosen, rather than the runner-up taken on a guess.
        let smalltalkInDoubt = classification.isAmbiguous && best.kind == .smalltalk && !likeliest(classification).isEmpty
            && !classification.alternatives.contains { alternative in
                alternative.confidence >= rules.freeText.confirmBelow
                    && alternative.id.flatMap(catalog.intent).map { $0.kind == .topic || $0.kind == .info } == true
            }
        // So is a message that only names orders («мой чайник», «по чайнику», «чайник и наушники»)
        // read as a topic less surely than a switch of topic needs: the order says nothing of which.
        lazy var namesOnlyOrders = classification.analysis.words.count <= Self.orderOnlyMaxWords
            && !OrderFinder.byTitlesAlone(orderQuery(text, classification).repairedWords, among: c.profile.orders,
                                          forms: titleForms.forms).isEmpty
        let orderInDoubt = !classification.isAmbiguous && best.kind == .topic
            && classification.confidence < rules.freeText.switchTopicMinConfidence && namesOnlyOrders
        if !classification.isAmbiguous && classification.confidence < rules.freeText.confirmBelow || refusalInDoubt
            || smalltalkInDoubt || orderInDoubt, best.kind == .topic || best.kind == .info || smalltalkInDoubt {
            // A short message read as a problem the dialogue could not place («наушники
            // сломались») is kept too: it is what the customer came with.
            let letterWords = classification.analysis.words.count { word in word.count(where: \.isLetter) >= 3 }
            keep(story ?? (letterWords >= Self.weakGuessStoryWords && !isOnlyACall(classification, key: key)
                           && tellsProblem(classification.analysis, among: c.profile.orders) ? text : nil), &c)
            noteOrder(text, classification, &c)
            c.misses = 0
            var options = likeliest(classification).enumerated().map { index, intent in
                ReplyOption(key: String(index + 1), label: intent.title, value: .topic(intent.id))
            }
            options.append(ReplyOption(key: String(options.count + 1), label: prompts.text(.specialistOption),
                                       value: .command(.specialist)))
            return say(&c, [prompts.text(.confirmGuess)], options: options, intent: score)
        }
        // Several questions about support in one message («какой телефон и почта поддержки?»):
        // each answered, rather than asking which one was meant.
        let questions = severalQuestions(classification)
        if !questions.isEmpty {
            let lead = keep(story, &c, saying: answers(questions, to: classification.analysis, for: c.profile))
            return topicStep(&c, lead: lead, intent: score, prompt: .resumeTopic)
        }
        // Questions in sentences of their own, when looking for them settled the topic.
        var asked: [(intent: Intent, analysis: Analysis)]?
        if classification.isAmbiguous {
            let candidates = ambiguityCandidates(classification)
            // A story and a question in sentences of their own («Заказ висит в пути две недели.
            // Дайте номер телефона»): the whole reads as both, but each sentence as one. The
            // question is answered and the one topic is chosen, rather than asking which was meant.
            let topics = candidates.filter { $0.kind == .topic }
            if candidates.count >= 2, topics.count == 1 {
                let inSentences = questionsInSentences(text)
                if !inSentences.isEmpty, candidates.allSatisfy({ candidate in
                    candidate.kind == .topic || inSentences.contains { $0.intent.id == candidate.id }
                }) {
                    asked = inSentences
                    chosen = topics[0]
                }
            }
            if asked == nil, candidates.count >= 2 {
                keep(story, &c)
                noteOrder(text, classification, &c)
                c.misses = 0
                let options = candidates.enumerated().map { index, intent in
                    ReplyOption(key: String(index + 1), label: intent.title, value: .topic(intent.id))
                }
                return say(&c, [prompts.text(.ambiguous)], options: options, intent: score)
            }
            if asked == nil {
                guard let only = candidates.first else {
                    return topicStep(&c, lead: [prompts.text(.miss)], intent: score)
                }
                chosen = only
            }
        }
        let turn = select(chosen, &c, message: (text, classification), intent: score, story: story)
        // A question asked in a sentence of its own beside the story is answered too.
        guard chosen.kind == .topic || chosen.kind == .control else { return turn }
        return answering(asked ?? questionsInSentences(text), before: turn, &c)
    }

    /// Notes the one order a message names, by number or else by title words («провод перестал
    /// заряжать…»), for whichever topic is chosen next from the options offered for it.
    func noteOrder(_ text: String, _ classification: Classification, _ c: inout Conversation) {
        let byNumber = OrderFinder.byNumber(text, entities: classification.entities, among: c.profile.orders)
        if byNumber.count == 1 {
            c.order = byNumber.first?.id
        } else if byNumber.isEmpty {
            let byTitle = storyOrders(orderQuery(text, classification).words, among: c.profile.orders)
            if byTitle.count == 1 { c.order = byTitle.first?.id }
        }
    }

    /// The intents to offer when the best few are too close: the best and the runners-up within the
    /// catalog's margin (at least one), without small talk, at most three.
    func ambiguityCandidates(_ classification: Classification) -> [Intent] {
        let margin = catalog.settings.ambiguityMargin
        var close = classification.alternatives.filter { classification.confidence - $0.confidence <= margin }
        if close.isEmpty { close = Array(classification.alternatives.prefix(1)) }
        var seen: Set<IntentID> = []
        return ([classification.intent] + close.map(\.id)).compactMap { id in
            guard let id, seen.insert(id).inserted, let intent = catalog.intent(id), intent.kind != .smalltalk else { return nil }
            return intent
        }.prefix(3).map { $0 }
    }

    /// A message of at most this many words is looked at as naming orders only.
    static let orderOnlyMaxWords = 4

    /// A weakly guessed message of at least this many words of three letters or more is kept for the appeal.
    static let weakGuessStoryWords = 2

    /// The words of a phrase key after a yes that starts it («да, первое» → «первое»): one of the
    /// one-word `confirmations`; nil for any other key, or a yes alone.
    func afterYes(_ key: String) -> String? {
        guard let space = key.utf8.firstIndex(of: UInt8(ascii: " ")) else { return nil }
        let first = key[..<space]
        guard yesWords.contains(ByteKey(String(first))) else { return nil }
        let rest = String(key[key.utf8.index(after: space)...])
        return rest.isEmpty ? nil : rest
    }

    /// The one topic among the options offered, when there is exactly one.
    func onlyTopicOffered(_ c: Conversation) -> OptionValue? {
        let topics = c.options.compactMap { option -> OptionValue? in
            guard let value = OptionValue(option.value, offeredAt: .chooseTopic), case .topic = value else { return nil }
            return value
        }
        return topics.count == 1 ? topics[0] : nil
    }

    /// The best and the next likeliest topics or answers, at most three, for a weak guess; an answer
    /// that is a refusal («Вне компетенции поддержки») is not offered as a choice.
    func likeliest(_ classification: Classification) -> [Intent] {
        var seen: Set<IntentID> = []
        let floor = rules.freeText.confirmAlternativeMin
        let ids = [classification.intent] + classification.alternatives.filter { $0.confidence >= floor }.map(\.id)
        return ids.compactMap { id in
            guard let id, seen.insert(id).inserted, let intent = catalog.intent(id),
                  intent.kind == .topic || intent.kind == .info, !rules.freeText.refusals.contains(id) else { return nil }
            return intent
        }.prefix(3).map { $0 }
    }

    /// Acts on an option chosen at the topic step: a topic or answer, or the specialist.
    func choose(_ value: OptionValue, _ c: inout Conversation, intent: IntentScore?) -> Turn {
        guard case .topic(let id) = value else { return specialist(&c, topic: rules.generalTopic, intent: intent) }
        guard let chosen = catalog.intent(id) else { return topicStep(&c, lead: [prompts.text(.miss)]) }
        return select(chosen, &c, message: nil, intent: intent)
    }

    /// Acts on a recognised intent at the topic step. `message` is the text and the classifier's
    /// reading of it when the intent was read from free text (none for an option chosen from the
    /// list); `story` is the message when it tells the problem: it becomes the draft if the flow goes on.
    func select(_ intent: Intent, _ c: inout Conversation, message: (text: String, classification: Classification)?,
                intent score: IntentScore?, story: String? = nil) -> Turn {
        // Small talk moves nothing on: after misses, «ну помогите же» read as a greeting keeps the
        // count, and with it «Написать специалисту» on the menu.
        if intent.kind != .smalltalk { c.misses = 0 }
        switch intent.kind {
        case .topic:
            keep(story, &c)
            let query = message.map { orderQuery($0.text, $0.classification) } ?? .empty
            return begin(intent, &c, query: query, intent: score)
        case .info:
            // A story with a question in it is answered and kept: «курьер третий день не едет, как с
            // ним связаться?» is also the appeal's first message if the customer goes on.
            // After a refusal, «Если остались вопросы» would read as if something had been answered.
            let answered = [answer(intent, to: message?.classification.analysis, for: c.profile)]
            // The order the story names, for the topic chosen next («Мне пришла не та книга. …»).
            if story != nil, let message { noteOrder(message.text, message.classification, &c) }
            let resume: Prompt = rules.freeText.refusals.contains(intent.id) ? .resumeAfterRefusal : .resumeTopic
            // Asked in other words while topics were offered: the same choices after the answer,
            // not the menu (an offered answer chosen is the end of the offer).
            if isOffer(c), message != nil, !c.options.contains(where: { $0.value == intent.id.rawValue }) {
                return say(&c, keep(story, &c, answering: intent, with: answered) + [offeredAgain(c)], options: c.options,
                           intent: score)
            }
            return topicStep(&c, lead: keep(story, &c, answering: intent, with: answered), intent: score, prompt: resume)
        case .control:
            keep(story, &c)
            // «соедините с оператором, чайник пришёл без инструкции»: the order goes with it.
            if let message { noteOrder(message.text, message.classification, &c) }
            return specialist(&c, topic: rules.generalTopic, intent: score)
        case .smalltalk:
            // «спасибо, жду» with a story kept: the customer is told it has not gone yet.
            let unsent = c.draftMessages.isEmpty ? [] : [prompts.text(.draftUnsent)]
            return topicStep(&c, lead: smalltalk(intent) + unsent, intent: score)
        }
    }

    /// Starts a topic: the order the message names by number or title word (or noted before) if it
    /// fits, else the order step when the topic takes an order and the customer has such orders,
    /// else the message step.
    func begin(_ topic: Intent, _ c: inout Conversation, query: OrderQuery, intent: IntentScore?) -> Turn {
        let eligible = eligibleOrders(for: topic, in: c.profile)
        // The order chosen for another topic does not follow the customer to a topic without an
        // order step («Карта Ozon» after the headphones' delivery) unless the message names it.
        let switching = c.topic != nil && c.topic != topic.id.rawValue
        // «хочу отменить заказ»: a topic without an order step asks for the order all the same.
        // The request may be the story kept before the topic was chosen from a list.
        let asksOrder = topic.needsOrder
            || orderRequests[topic.id] != nil && ([query.text] + c.draftMessages).contains { asksToActOnOrder(topic, $0) }
        let noted = switching && !asksOrder ? nil : eligible.first { $0.id == c.order }
        c.topic = topic.id.rawValue
        // The orders the message's words fit, worked out once for naming one and for narrowing the list.
        lazy var byTitle = storyOrders(query.words, among: eligible)
        var byNumber = OrderFinder.byNumber(digits: query.digits, entities: query.entities, among: eligible)
        // «где мой заказ 31415926-2»: a number written without the zeros of its second part.
        if byNumber.isEmpty, let shortened = OrderFinder.byShortenedNumber(query.text, among: eligible) { byNumber = shortened }
        let named = byNumber.isEmpty ? (byTitle.count == 1 ? byTitle.first : nil) : (byNumber.count == 1 ? byNumber.first : nil)
        if let order = named {
            c.order = order.id
            return writeStep(&c, intent: intent)
        }
        if let noted {
            c.order = noted.id
            return writeStep(&c, intent: intent)
        }
        c.order = nil
        if asksOrder && !eligible.isEmpty {
            // The order list starts by naming the chosen topic (a changed one included); the
            // message step's summary names it anyway.
            var lead = [prompts.text(.topicChosen, ["topic": topic.title])]
            // A number the customer gave that is none of these orders is said so above the list.
            if byNumber.isEmpty, let number = query.entities.first(where: { $0.kind == .orderNumber })?.text {
                lead.append(prompts.text(wording(.orderUnknown, eligible), ["number": number]))
            }
            // Words that fit several orders («samsung», «билет») narrow the choice to those.
            let several = byTitle
            return orderStep(&c, topic: topic, lead: lead, intent: intent, only: several.count > 1 ? several : nil)
        }
        // A number that is none of the customer's orders is said so, not passed over in silence.
        if byNumber.isEmpty, let number = query.entities.first(where: { $0.kind == .orderNumber })?.text,
           OrderFinder.byNumber(digits: query.digits, entities: query.entities, among: c.profile.orders).isEmpty {
            return writeStep(&c, lead: [prompts.text(.orderNotFound, ["number": number])], intent: intent)
        }
        return writeStep(&c, intent: intent)
    }

    /// Whether a message asks to do something with an order (`order_requests`) under a topic
    /// that has no order step of its own.
    func asksToActOnOrder(_ topic: Intent, _ text: String) -> Bool {
        guard !topic.needsOrder, let patterns = orderRequests[topic.id], !text.isEmpty else { return false }
        return patterns.found(in: DialogueRules.phraseKey(text))
    }

    /// Whether the conversation's topic has an order step: its own, or one asked for by the
    /// message that chose it (an order was chosen under a topic with `order_requests`).
    func hasOrderStep(_ topic: Intent, _ c: Conversation) -> Bool {
        topic.needsOrder || (c.order != nil && orderRequests[topic.id] != nil)
    }

    /// A topic other than `current` that the classification is sure of (at least `minimum`, not ambiguous).
    func switchedTopic(_ classification: Classification, from current: Intent, minimum: Double) -> Intent? {
        guard let id = classification.intent, id != current.id, !classification.isAmbiguous,
              classification.confidence >= minimum, let intent = catalog.intent(id), intent.kind == .topic else { return nil }
        return intent
    }

    /// Straight to the message step, e.g. when the customer asks for a specialist.
    func specialist(_ c: inout Conversation, topic: String, intent: IntentScore?) -> Turn {
        c.topic = topic
        // The order the customer named at the topic step («Запомнили заказ …») stays with the question.
        if let order = c.order, !c.profile.orders.contains(where: { $0.id == order }) { c.order = nil }
        c.misses = 0
        return writeStep(&c, intent: intent)
    }
}
