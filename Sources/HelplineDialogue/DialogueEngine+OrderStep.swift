import Foundation
import HelplineIntents
import HelplineText

// The order step: an order chosen from the list, named by its number or title words, or none; a
// clear change of topic.
extension DialogueEngine {
    /// Whether a message is nothing but an order's number or the title words of orders («чайник
    /// и наушники» names two: the choice is narrowed to them, not read as a topic). The number may be
    /// one of `orders` (`byNumber`) or not (`unknownNumber`: «по заказу 31415926-0002», «номер
    /// заказа 99999999-0001»): besides it the message has at most one word, or only generic words
    /// (`title_stopwords`) and short ones.
    func namesOnlyAnOrder(_ query: OrderQuery, _ classification: Classification, byNumber: [Order],
                          unknownNumber: String?, among orders: [Order]) -> Bool {
        if byNumber.count == 1 || unknownNumber != nil {
            let letterWords = classification.analysis.words.count { word in word.contains(where: \.isLetter) }
            if letterWords <= 1 || query.repairedWords.isEmpty { return true }
        }
        return !OrderFinder.byTitlesAlone(query.repairedWords, among: orders, forms: titleForms.forms).isEmpty
    }

    /// Messages of at most this many words are read for a part of an order number.
    static let partialNumberMessageWords = 4

    /// A message at the order step: an option, «без заказа», an order named in the text, another
    /// topic, a question, or not understood.
    func orderTurn(_ text: String, key: String, _ analysis: Analysis?, _ c: inout Conversation) -> Turn {
        guard let topic = chosenTopic(c) else {
            return startOver(&c, lead: [])
        }
        if isBlank(text) { return orderStep(&c, topic: topic, lead: [prompts.text(.emptyText)]) }
        let offered = eligibleOrders(for: topic, in: c.profile)
        if let option = chosenOption(text, key: key, in: c.options) {
            switch OptionValue(option.value, offeredAt: .chooseOrder) {
            case .command(.noOrder): return pickOrder(nil, &c, intent: nil)
            case .order(let id): if let order = offered.first(where: { $0.id == id }) { return pickOrder(order, &c, intent: nil) }
            default: break
            }
        }
        if rules.meansNoOrder(key: key) || reader.match(text, key: key, in: noOrderPhrases) != nil {
            return pickOrder(nil, &c, intent: nil)
        }
        if let number = pickedNumber(key: key) {
            return orderStep(&c, topic: topic, lead: [prompts.text(.noSuchOption, ["option": number])])
        }
        // «не помню номер»: the number is not needed, the list is.
        if PlainText.spaceCount(key) < 8,
           reader.match(text, key: key, in: numberForgottenPhrases) != nil || numberForgottenWords.found(in: key) {
            return orderStep(&c, topic: topic, prompt: wording(.numberNotNeeded, offered))
        }
        // «не знаю», «нет», «хз»: how to choose, rather than «не удалось определить заказ» again.
        if PlainText.spaceCount(key) < Self.emptyReplyMaxWords, key.contains(where: \.isLetter), isEmptyReply(text, key: key) {
            return orderStep(&c, topic: topic, prompt: wording(.orderHint, offered))
        }
        // «Отправить» before a choice: a story kept goes once the list is answered; without one,
        // how to choose.
        if isSend(text, key: key) {
            if !c.draftMessages.isEmpty { return orderStep(&c, topic: topic, lead: [prompts.text(.draftUnsentOrder)]) }
            return orderStep(&c, topic: topic, prompt: wording(.orderHint, offered))
        }
        let classification = classify(text, analysis)
        let score = classification.best
        let story = storyToKeep(text, key: key, classification, inTopic: true, shortAmong: c.profile.orders)
        var byNumber = OrderFinder.byNumber(text, entities: classification.entities, among: offered)
        lazy var query = orderQuery(text, classification)
        // An order number in the message that none of the offered orders has.
        lazy var unknownNumber = byNumber.isEmpty ? OrderFinder.orderNumber(in: text, entities: classification.entities) : nil
        // A part of a number in a short message («0002», «заказ номер 27182818») stands for the
        // orders whose numbers start or end with it.
        if byNumber.isEmpty, unknownNumber == nil, classification.analysis.words.count <= Self.partialNumberMessageWords {
            byNumber = OrderFinder.byPartialNumber(text, among: offered)
        }
        // «который в пути», «тот, что доставлен»: an order pointed at by its status (and no title or
        // number) is a pick, whatever topic the status words sound like.
        // Other ways to say a status are read as it («который едет»: «в пути»); a «не» before it
        // points at the other orders («тот, что не доставлен»).
        // Pointers and reference words («тот, который я…») do not count towards the message's length.
        if byNumber.isEmpty, classification.analysis.words.count <= Self.statusMessageWords + Self.statusPointerAllowance,
           classification.analysis.words.contains(where: statusPointers.contains) {
            let typed = PlainText.spaceSeparated(Normalizer.normalize(text)).map(String.init).filter { !statusPointers.contains($0) }
            let (said, negated) = statusWords(typed)
            var byStatus = typed.count { !orderReferenceWords.contains($0) } <= Self.statusMessageWords
                ? OrderFinder.byStatus(said, among: offered) : []
            if negated, !byStatus.isEmpty {
                let meant = byStatus.map(\.id)
                byStatus = offered.filter { !$0.status.isEmpty && !meant.contains($0.id) }
            }
            if !byStatus.isEmpty, OrderFinder.byTitle(query.words, among: offered, forms: titleForms.forms).isEmpty {
                // A pick; words besides the status and the pointers («что делать, если заказ не
                // пришёл») are the customer's question and are kept for the appeal.
                if saysMoreThanStatus(said, among: offered) { keep(story, &c) }
                if byStatus.count == 1, let order = byStatus.first { return pickOrder(order, &c, intent: score) }
                return orderStep(&c, topic: topic, lead: [prompts.text(wording(.orderAmbiguous, byStatus))],
                                 intent: score, only: byStatus)
            }
        }
        // «последний заказ», «самый последний, который я заказывала», «мой заказ»: an order pointed
        // at, not named. Orders carry no dates, so the list has to tell which; the words are no topic
        // of their own.
        if byNumber.isEmpty, unknownNumber == nil, classification.analysis.words.count <= Self.statusMessageWords,
           classification.analysis.words.contains(where: orderPointers.contains),
           query.repairedWords.allSatisfy({ orderReferenceWords.contains($0.word) }) {
            return orderStep(&c, topic: topic, lead: [prompts.text(wording(.orderUnrecognized, offered))], intent: score)
        }
        // The customer chose the topic: another one read from a story — surely, or at least
        // `confirm_below` sure when the story names its order («заказ … лежит в пункте выдачи, а смс
        // не пришло» at «Возвраты») — is offered beside it, not taken («курьер передал заказ соседу»
        // after «Доставка»); the one order the story names goes with whichever topic is chosen.
        if story != nil, !classification.analysis.stems.contains(where: requestStems.contains),
           let other = switchedTopic(classification, from: topic, minimum: rules.freeText.confirmBelow),
           case let named = byNumber.isEmpty ? storyOrders(query.words, among: offered) : byNumber,
           named.count == 1 || classification.confidence >= rules.freeText.switchTopicMinConfidence
            && !namesOnlyAnOrder(query, classification, byNumber: byNumber, unknownNumber: unknownNumber, among: offered) {
            if named.count == 1, let order = named.first { c.order = order.id }
            let lead = keep(story, &c, saying: []) + [prompts.text(.topicOffered, ["topic": other.title])]
            return offerTopics([other, topic], &c, lead: lead, intent: score)
        }
        // A different topic the matcher is sure of wins over a product word or an order number in
        // the same message when asked for with a request word («хочу вернуть наушники, не подошли»
        // at the tracking step); a message that only names an order («наушники», «31415926-0001»)
        // stays an order pick.
        if let other = switchedTopic(classification, from: topic, minimum: rules.freeText.switchTopicMinConfidence),
           !namesOnlyAnOrder(query, classification, byNumber: byNumber, unknownNumber: unknownNumber, among: offered) {
            keep(story, &c)
            return begin(other, &c, query: query, intent: score)
        }
        // A message that only names the order («по заказу с чайником») is the pick, not a story.
        lazy var onlyAnOrder = namesOnlyAnOrder(query, classification, byNumber: byNumber, unknownNumber: unknownNumber,
                                                among: offered)
        if byNumber.count == 1, let order = byNumber.first {
            if !onlyAnOrder { keep(story, &c) }
            return pickOrder(order, &c, intent: score)
        }
        if let number = unknownNumber {
            let lead = keep(story, &c, saying: [prompts.text(wording(.orderUnknown, offered), ["number": number])])
            return orderStep(&c, topic: topic, lead: lead, intent: score)
        }
        // A message that only names orders is a pick from the list, where «мастер» is the book;
        // in a story it may be the repairman.
        let byTitle = onlyAnOrder ? OrderFinder.byTitle(query.words, among: offered, forms: titleForms.forms)
            : storyOrders(query.words, among: offered)
        if byTitle.count == 1, let order = byTitle.first {
            if !onlyAnOrder { keep(story, &c) }
            return pickOrder(order, &c, intent: score)
        }
        if byNumber.count > 1 || byTitle.count > 1 {
            keep(story, &c)
            let several = byNumber.count > 1 ? byNumber : byTitle
            return orderStep(&c, topic: topic, lead: [prompts.text(wording(.orderAmbiguous, several))],
                             intent: score, only: several)
        }
        // A product word alone («телефон», «тот, что с телефоном») is an order looked for, not a
        // question about support's phone: a question has a «?», a question word, or two words
        // besides the generic ones.
        lazy var isQuestion = text.utf8.contains(UInt8(ascii: "?")) || query.repairedWords.count >= 2
            || classification.analysis.words.contains(where: questionWords.contains)
        // Several questions about support in one message: each answered, the step kept.
        let questions = severalQuestions(classification)
        if !questions.isEmpty, isQuestion {
            let lead = keep(story, &c, saying: answers(questions, to: classification.analysis, for: c.profile))
            return orderStep(&c, topic: topic, lead: lead, intent: score, prompt: wording(.resumeOrder, offered))
        }
        // Small talk only as sure as a question answered in place: «нет» or «ладно» here is no
        // greeting or goodbye.
        if let id = classification.intent, !classification.isAmbiguous, let intent = catalog.intent(id),
           intent.kind != .info || isQuestion,
           intent.kind != .smalltalk || classification.confidence >= rules.freeText.questionMinConfidence {
            switch intent.kind {
            case .info:
                let answered = [answer(intent, to: classification.analysis, for: c.profile)]
                let lead = keep(story, &c, answering: intent, with: answered)
                return orderStep(&c, topic: topic, lead: lead, intent: score, prompt: wording(.resumeOrder, offered))
            case .smalltalk:
                return orderStep(&c, topic: topic, lead: smalltalk(intent), intent: score,
                                 prompt: wording(.resumeOrder, offered))
            case .control:
                keep(story, &c)
                return pickOrder(nil, &c, intent: score)
            case .topic where intent.id != topic.id && classification.confidence >= rules.freeText.switchTopicMinConfidence:
                keep(story, &c)
                return begin(intent, &c, query: query, intent: score)
            case .topic where intent.id != topic.id && classification.confidence >= rules.freeText.confirmBelow:
                // Not sure enough to override the customer's own choice: both topics are offered.
                // The story kept is said first, so that the reply ends with its question.
                let lead = keep(story, &c, saying: []) + [prompts.text(.topicOffered, ["topic": intent.title])]
                return offerTopics([intent, topic], &c, lead: lead, intent: score)
            case .topic where intent.id == topic.id:
                // The chosen topic named again: its order question again, not «не удалось определить»;
                // a story about it is kept for the message step.
                let lead = keep(story, &c, saying: [prompts.text(.topicChosen, ["topic": topic.title])])
                return orderStep(&c, topic: topic, lead: lead, intent: score)
            case .topic:
                break
            }
        }
        let lead = keep(story, &c, saying: [prompts.text(wording(.orderUnrecognized, offered))])
        return orderStep(&c, topic: topic, lead: lead, intent: score)
    }

    /// The words of a message pointing at an order's status (normalized, the pointers left out), with the `status_synonyms` replaced by
    /// the statuses they stand for, and whether a «не» is left among them (then the message points
    /// at the orders without that status). «ещё» and «уже» say nothing of which.
    func statusWords(_ said: [String]) -> (words: [WordForm], negated: Bool) {
        var out: [WordForm] = []
        var negated = false
        var index = 0
        next: while index < said.count {
            for synonym in statusSynonyms where said[index...].starts(with: synonym.words) {
                out += WordForms.forms(synonym.status)
                index += synonym.words.count
                continue next
            }
            switch said[index] {
            case "не": negated = true
            case "еще", "уже": break
            // Words of three letters or more, as title and status words are compared.
            case let word where word.count(where: \.isLetter) >= 3: out.append(WordForm(word))
            default: break
            }
            index += 1
        }
        return (out, negated)
    }

    /// The longest message read for an order's status («тот, что ожидает в пункте выдачи»), not
    /// counting its pointers and reference words.
    static let statusMessageWords = 6

    /// How many pointers and reference words a message read for an order's status may have besides
    /// (`statusMessageWords`): «тот, который я не забрала из пункта выдачи».
    static let statusPointerAllowance = 3

    /// Whether the words of a message pointing at a status (``statusWords(_:)``) say more than the
    /// statuses of `orders`, the order words and the generic words.
    func saysMoreThanStatus(_ said: [WordForm], among orders: [Order]) -> Bool {
        let statuses = orders.flatMap { $0.status.isEmpty ? [] : WordForms.forms($0.status) }
        return said.contains { word in
            !orderReferenceWords.contains(word.word) && !titleStopwords.contains(word)
                && !statuses.contains { WordForms.names($0, word) }
        }
    }

    /// Back to the topic step with a choice between `topics` (the one the message reads as first,
    /// then the one chosen before), for a message that may be about another topic.
    /// The chosen topic stays noted: «назад» goes back to its order step.
    func offerTopics(_ topics: [Intent], _ c: inout Conversation, lead: [String], intent: IntentScore?) -> Turn {
        c.state = .chooseTopic
        c.misses = 0
        let options = topics.enumerated().map { index, topic in
            ReplyOption(key: String(index + 1), label: topic.title, value: .topic(topic.id))
        }
        return say(&c, lead, options: options, intent: intent)
    }

    /// Takes `order` (or none) and goes on to the message step.
    func pickOrder(_ order: Order?, _ c: inout Conversation, intent: IntentScore?) -> Turn {
        c.order = order?.id
        return writeStep(&c, intent: intent)
    }

    /// The orders a story names by their titles (``OrderFinder/byTitleInStory(_:among:forms:)``),
    /// when the message names a kind of booking by its `kind_words`, only those of that kind:
    /// «рейс в сочи задержали» is about a flight, not the hotel in Sochi (none found). An order of
    /// the kind named that the message fits by those words alone is no surer than one of another
    /// kind it fits by the title («рейс в анталью отменили» with a flight to Sochi and a tour to
    /// Antalya): then all those found stay, for the customer to choose.
    func storyOrders(_ said: [WordForm], among orders: [Order]) -> [Order] {
        let found = OrderFinder.byTitleInStory(said, among: orders, forms: titleForms.forms)
        guard !found.isEmpty else { return found }
        let named = namedKinds(said)
        guard !named.isEmpty else { return found }
        let ofKind = found.filter { named.contains($0.kind.rawValue) }
        let byTitle = ofKind.allSatisfy { order in
            let kind = Set(kindWords[order.kind.rawValue] ?? [])
            let title = titleForms.forms(order).filter { !kind.contains($0) }
            return said.contains { word in title.contains { WordForms.names($0, word) } }
        }
        return ofKind.count == found.count || byTitle ? ofKind : found
    }

    /// The order kinds a message names by their `kind_words` («рейс»: flight).
    func namedKinds(_ said: [WordForm]) -> Set<String> {
        Set(kindWords.filter { _, forms in said.contains { word in forms.contains { WordForms.names($0, word) } } }.keys)
    }

    /// The customer's orders a topic's order step offers, in profile order.
    public func eligibleOrders(for topic: Intent, in profile: Profile) -> [Order] {
        let kinds = rules.orderKinds(for: topic)
        return profile.orders.filter { kinds.contains($0.kind.rawValue) }
    }

    /// What the order search reads in a message, from the classifier's analysis of it.
    ///
    /// A message about buying or booking something new («хочу забронировать ещё один отель»)
    /// names no order by its title words: only its numbers are read.
    func orderQuery(_ text: String, _ classification: Classification) -> OrderQuery {
        orderQuery(text, classification.analysis, entities: classification.entities)
    }

    /// ``orderQuery(_:_:)`` from a message's analysis and the order numbers found in it.
    func orderQuery(_ text: String, _ analysis: Analysis, entities: [Entity]) -> OrderQuery {
        var query = OrderQuery(text, analysis, entities: entities, ignoring: titleStopwords)
        if analysis.words.contains(where: { newOrderWords.contains(ByteKey($0)) }) {
            query.words = []
            query.repairedWords = []
        }
        return query
    }
}
