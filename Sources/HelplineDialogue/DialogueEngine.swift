import Foundation
import HelplineIntents
import HelplineText

/// The chat's flow as a pure state machine: pick topic → pick order → write → submitted.
///
/// Like a connection state machine, the engine is a plain value: ``handle(_:in:now:)`` takes one
/// event (the user's text and the current time), updates the ``Conversation`` in place and returns
/// the ``Turn`` — the reply to show and the ``Effect``s (appeals to store) for the host to perform.
/// There is no I/O and no clock inside, so the REPL, the daemon and tests drive it alike.
///
/// ```swift
/// let engine = try DialogueEngine(bundle: .embedded)
/// var (conversation, greeting) = engine.start(id: "s1", profile: profile, now: .now)
/// let turn = engine.handle("где мой заказ 31415926-0001", in: &conversation, now: .now)
/// turn.reply.state  // .write: the topic and the order were both taken from the text
/// ```
///
/// Every text comes from data: `Intents/config/prompts.yaml` (``Prompts``), the intents' answers
/// in `Intents/*.yaml`, and the rules in `Intents/config/dialogue.yaml` (``DialogueRules``).
public struct DialogueEngine: Sendable {
    /// The option value that asks for a specialist directly (the `operator` intent's id).
    public static let specialistValue = OptionCommand.specialist.rawValue
    /// The option value of «Без заказа».
    public static let noOrderValue = OptionCommand.noOrder.rawValue
    /// The option value that starts a new appeal.
    public static let newAppealValue = OptionCommand.newAppeal.rawValue
    /// The option value that sends the draft as it is, at the message step.
    public static let sendValue = OptionCommand.send.rawValue

    public let matcher: IntentMatcher
    /// The intents: topics for the menu, answers, order steps.
    public let catalog: IntentCatalog
    /// What reads free text; the ``matcher`` unless another was injected.
    public let classifier: any IntentClassifying
    public let prompts: Prompts
    public let rules: DialogueRules
    /// How new appeals are numbered; by default after the conversation's id.
    public var appealNumbering = AppealNumbering.perSession
    /// The topic menu, in menu order (without the specialist option).
    private let menu: [ReplyOption]
    /// The phrase keys of the fixed option keys, labels and values, so that reading a choice
    /// normalizes only what the customer typed.
    private let optionKeys: [String: String]
    /// The title stop words, in the form ``OrderFinder`` compares words.
    private let titleStopwords: GenericWords
    /// The words that name an order of a kind, in the form ``OrderFinder`` compares words.
    private let kindWords: [String: [WordForm]]
    /// Reads control words, option labels and «без заказа» through layout, translit and typos.
    private let reader: PhraseReader
    /// The control words (not their slash forms) by phrase key.
    private let commandPhrases: [(key: String, value: Command)]
    /// The «без заказа» phrases by phrase key.
    private let noOrderPhrases: [(key: String, value: Bool)]

    /// An engine over a catalog, reading messages through `classifier`.
    public init(catalog: IntentCatalog, classifier: any IntentClassifying, prompts: Prompts, rules: DialogueRules) {
        self.matcher = (classifier as? IntentMatcher) ?? IntentMatcher(catalog: catalog)
        self.catalog = catalog
        self.classifier = classifier
        self.prompts = prompts
        self.rules = rules
        let menu = catalog.topics.enumerated().map { index, topic in
            ReplyOption(key: String(index + 1), label: topic.title, value: .topic(topic.id))
        }
        self.menu = menu
        var fixed = menu.flatMap { [$0.key, $0.label, $0.value] }
        fixed += (1...(menu.count + 16)).map(String.init)
        fixed += OptionCommand.allCases.map(\.rawValue)
        fixed += [Prompt.specialistOption, .noOrderOption, .newAppealOption, .sendOption].map { prompts.text($0) }
        optionKeys = Dictionary(fixed.map { ($0, DialogueRules.phraseKey($0)) }, uniquingKeysWith: { first, _ in first })
        titleStopwords = GenericWords(rules.titleStopwords.flatMap(WordForms.forms))
        kindWords = rules.kindWords.mapValues { $0.flatMap(WordForms.forms) }
        reader = PhraseReader(vocabulary: matcher.analyzer.vocabulary)
        commandPhrases = Command.allCases.flatMap { command in
            (rules.commands[command] ?? []).filter { !$0.hasPrefix("/") }.map { (DialogueRules.phraseKey($0), command) }
        }
        noOrderPhrases = rules.noOrder.map { (DialogueRules.phraseKey($0), true) }
    }

    /// An engine on a matcher with the given prompts and rules.
    public init(matcher: IntentMatcher, prompts: Prompts, rules: DialogueRules) {
        self.init(catalog: matcher.catalog, classifier: matcher, prompts: prompts, rules: rules)
    }

    /// An engine on a matcher with the prompts and rules built into the binary. Throws a
    /// `DataError` naming the file when those cannot be read, rather than running without texts.
    public init(matcher: IntentMatcher) throws {
        let bundle = DataBundle.embedded
        self.init(matcher: matcher, prompts: try Prompts(bundle: bundle), rules: try DialogueRules(bundle: bundle))
    }

    /// Builds the matcher and loads the prompts and rules from the data bundle.
    public init(bundle: DataBundle) throws {
        let prompts = try Prompts(bundle: bundle)
        let rules = try DialogueRules(bundle: bundle)
        self.init(matcher: IntentMatcher(catalog: try IntentCatalog(bundle: bundle)), prompts: prompts, rules: rules)
    }

    // MARK: - Events

    /// A new conversation and its greeting with the topic menu.
    public func start(id: String, profile: Profile, now: Date) -> (Conversation, Reply) {
        var conversation = Conversation(id: id, profile: profile)
        let name = profile.name.trimmingWhitespace()
        let greeting = name.isEmpty ? prompts.text(.greetingAnonymous) : prompts.text(.greeting, ["name": name])
        let turn = topicStep(&conversation, lead: [greeting])
        return (conversation, turn.reply)
    }

    /// One user turn: the reply and the effects to perform. Never fails: any text gets a reply.
    public func handle(_ text: String, in conversation: inout Conversation, now: Date) -> Turn {
        // The message's phrase key (trimmed, normalized) is what control words, options and
        // «без заказа» are compared by; worked out once for the whole turn.
        let key = DialogueRules.phraseKey(text)
        if let command = rules.command(forKey: key) ?? reader.match(text, key: key, in: commandPhrases) {
            return perform(command, &conversation)
        }
        var turn: Turn
        switch conversation.state {
        case .chooseTopic: turn = topicTurn(text, key: key, &conversation)
        case .chooseOrder: turn = orderTurn(text, key: key, &conversation)
        case .write: turn = writeTurn(text, key: key, &conversation, now: now)
        case .submitted: turn = submittedTurn(text, key: key, &conversation)
        }
        // An angry or all-capitals message gets a short line of sympathy before the reply.
        if rules.isUpset(text) {
            turn.reply.text = prompts.text(.sympathy) + "\n" + turn.reply.text
            conversation.lastReply = turn.reply
        }
        return turn
    }

    /// The current reply again, changing nothing.
    public func currentReply(of conversation: Conversation) -> Reply {
        conversation.lastReply ?? Reply(state: conversation.state, text: "", options: conversation.options,
                                        ticket: conversation.ticket)
    }

    // MARK: - The topic step

    private func topicTurn(_ text: String, key: String, _ c: inout Conversation) -> Turn {
        if isBlank(text) { return topicStep(&c, lead: [prompts.text(.emptyText)], options: c.options) }
        if let option = chosenOption(text, key: key, in: c.options), let value = OptionValue(option.value, offeredAt: .chooseTopic) {
            return choose(value, &c, intent: nil)
        }
        if let number = bareNumber(key: key) {
            return topicStep(&c, lead: [prompts.text(.noSuchOption, ["option": number])], options: c.options)
        }
        let classification = classifier.classify(text)
        let score = classification.best
        let story = isStory(classification.analysis) ? text : nil
        guard let id = classification.intent, let best = catalog.intent(id) else {
            let byNumber = OrderFinder.byNumber(text, entities: classification.entities, among: c.profile.orders)
            let named = byNumber.count == 1 ? byNumber.first
                : OrderFinder.byTitleAlone(Self.repairedText(text, classification.analysis), among: c.profile.orders,
                                           ignoring: titleStopwords, kindWords: kindWords)
            if let order = named {
                c.order = order.id
                c.misses = 0
                return topicStep(&c, lead: [prompts.text(.orderNoted, ["order": orderReference(order)])], intent: score)
            }
            keep(story, &c)
            c.misses += 1
            if c.misses >= rules.missesBeforeSpecialist {
                let lead = prompts.text(.missSpecialist, ["specialist": prompts.text(.specialistOption)])
                return topicStep(&c, lead: [lead], intent: score, prompt: nil)
            }
            return topicStep(&c, lead: [prompts.text(.miss)], intent: score)
        }
        var chosen = best
        // A weak guess is not acted on: the likeliest topics and a specialist are offered, and the
        // message is kept (as the draft, and the order it names) for whichever is chosen.
        if !classification.isAmbiguous, classification.confidence < rules.freeText.confirmBelow,
           best.kind == .topic || best.kind == .info {
            keep(story, &c)
            let named = OrderFinder.byNumber(text, entities: classification.entities, among: c.profile.orders)
            if named.count == 1 { c.order = named.first?.id }
            c.misses = 0
            var options = likeliest(classification).enumerated().map { index, intent in
                ReplyOption(key: String(index + 1), label: intent.title, value: .topic(intent.id))
            }
            options.append(ReplyOption(key: String(options.count + 1), label: prompts.text(.specialistOption),
                                       value: .command(.specialist)))
            return say(&c, [prompts.text(.confirmGuess)], options: options, intent: score)
        }
        if classification.isAmbiguous {
            let candidates = ambiguityCandidates(classification)
            if candidates.count >= 2 {
                keep(story, &c)
                c.misses = 0
                let options = candidates.enumerated().map { index, intent in
                    ReplyOption(key: String(index + 1), label: intent.title, value: .topic(intent.id))
                }
                return say(&c, [prompts.text(.ambiguous)], options: options, intent: score)
            }
            guard let only = candidates.first else {
                return topicStep(&c, lead: [prompts.text(.miss)], intent: score)
            }
            chosen = only
        }
        return select(chosen, &c, text: Self.orderText(text, classification.analysis),
                      entities: classification.entities, intent: score, story: story, analysis: classification.analysis)
    }

    /// The intents to offer when the best few are too close: the best and the runners-up within the
    /// catalog's margin (at least one), without small talk, at most three.
    private func ambiguityCandidates(_ classification: Classification) -> [Intent] {
        let margin = catalog.settings.ambiguityMargin
        var close = classification.alternatives.filter { classification.confidence - $0.confidence <= margin }
        if close.isEmpty { close = Array(classification.alternatives.prefix(1)) }
        var seen: Set<IntentID> = []
        return ([classification.intent] + close.map(\.id)).compactMap { id in
            guard let id, seen.insert(id).inserted, let intent = catalog.intent(id), intent.kind != .smalltalk else { return nil }
            return intent
        }.prefix(3).map { $0 }
    }

    /// The best and the next likeliest topics or answers, at most three, for a weak guess.
    private func likeliest(_ classification: Classification) -> [Intent] {
        var seen: Set<IntentID> = []
        let ids = [classification.intent] + classification.alternatives.map(\.id)
        return ids.compactMap { id in
            guard let id, seen.insert(id).inserted, let intent = catalog.intent(id),
                  intent.kind == .topic || intent.kind == .info else { return nil }
            return intent
        }.prefix(3).map { $0 }
    }

    /// Acts on an option chosen at the topic step: a topic or answer, or the specialist.
    private func choose(_ value: OptionValue, _ c: inout Conversation, intent: IntentScore?) -> Turn {
        guard case .topic(let id) = value else { return specialist(&c, topic: rules.generalTopic, intent: intent) }
        guard let chosen = catalog.intent(id) else { return topicStep(&c, lead: [prompts.text(.miss)]) }
        return select(chosen, &c, text: "", entities: [], intent: intent)
    }

    /// Acts on a recognised intent at the topic step.
    /// `story` is the message when it tells the problem: it becomes the draft if the flow goes on.
    private func select(_ intent: Intent, _ c: inout Conversation, text: String, entities: [Entity],
                        intent score: IntentScore?, story: String? = nil, analysis: Analysis? = nil) -> Turn {
        c.misses = 0
        switch intent.kind {
        case .topic:
            keep(story, &c)
            return begin(intent, &c, text: text, entities: entities, intent: score)
        case .info:
            // After a refusal, «Если остались вопросы» would read as if something had been answered.
            let resume: Prompt = rules.freeText.refusals.contains(intent.id) ? .resumeAfterRefusal : .resumeTopic
            return topicStep(&c, lead: [answer(intent, to: analysis, for: c.profile)], intent: score, prompt: resume)
        case .control:
            keep(story, &c)
            return specialist(&c, topic: rules.generalTopic, intent: score)
        case .smalltalk:
            return topicStep(&c, lead: smalltalk(intent), intent: score)
        }
    }

    /// Starts a topic: the order named in the text by number or title word (or noted before) if it
    /// fits, else the order
    /// step when the topic takes an order and the customer has such orders, else the message step.
    private func begin(_ topic: Intent, _ c: inout Conversation, text: String, entities: [Entity],
                       intent: IntentScore?) -> Turn {
        let eligible = eligibleOrders(for: topic, in: c.profile)
        let noted = eligible.first { $0.id == c.order }
        c.topic = topic.id.rawValue
        if let order = namedOrder(text, entities: entities, among: eligible) {
            c.order = order.id
            return writeStep(&c, intent: intent)
        }
        if let noted {
            c.order = noted.id
            return writeStep(&c, intent: intent)
        }
        c.order = nil
        if topic.needsOrder && !eligible.isEmpty {
            // The order list starts by naming the chosen topic (a changed one included); the
            // message step's summary names it anyway.
            let lead = [prompts.text(.topicChosen, ["topic": topic.title])]
            // Words that fit several orders («samsung», «билет») narrow the choice to those.
            let several = text.isEmpty ? [] : OrderFinder.byTitle(text, among: eligible, ignoring: titleStopwords,
                                                                   kindWords: kindWords)
            return orderStep(&c, topic: topic, lead: lead, intent: intent, only: several.count > 1 ? several : nil)
        }
        return writeStep(&c, intent: intent)
    }

    /// A topic other than `current` that the classification is sure of (at least `minimum`, not ambiguous).
    private func switchedTopic(_ classification: Classification, from current: Intent, minimum: Double) -> Intent? {
        guard let id = classification.intent, id != current.id, !classification.isAmbiguous,
              classification.confidence >= minimum, let intent = catalog.intent(id), intent.kind == .topic else { return nil }
        return intent
    }

    /// Whether a message is nothing but an order's number or its title words.
    private func namesOnlyAnOrder(_ text: String, _ classification: Classification, byNumber: [Order],
                                  among orders: [Order]) -> Bool {
        let letterWords = classification.analysis.words.count { word in word.contains(where: \.isLetter) }
        if byNumber.count == 1 && letterWords <= 1 { return true }
        return OrderFinder.byTitleAlone(Self.repairedText(text, classification.analysis), among: orders,
                                        ignoring: titleStopwords, kindWords: kindWords) != nil
    }

    /// Straight to the message step, e.g. when the customer asks for a specialist.
    private func specialist(_ c: inout Conversation, topic: String, intent: IntentScore?) -> Turn {
        c.topic = topic
        c.order = nil
        c.misses = 0
        return writeStep(&c, intent: intent)
    }

    // MARK: - The order step

    private func orderTurn(_ text: String, key: String, _ c: inout Conversation) -> Turn {
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
        if let number = bareNumber(key: key) {
            return orderStep(&c, topic: topic, lead: [prompts.text(.noSuchOption, ["option": number])])
        }
        let classification = classifier.classify(text)
        let score = classification.best
        let story = isStory(classification.analysis) ? text : nil
        let byNumber = OrderFinder.byNumber(text, entities: classification.entities, among: offered)
        // A different topic the matcher is sure of wins over a product word or an order number in
        // the same message («хочу вернуть наушники, не подошли» at the tracking step); a message
        // that only names an order («наушники», «31415926-0001») stays an order pick.
        if let other = switchedTopic(classification, from: topic, minimum: rules.freeText.switchTopicMinConfidence),
           !namesOnlyAnOrder(text, classification, byNumber: byNumber, among: offered) {
            keep(story, &c)
            return begin(other, &c, text: Self.orderText(text, classification.analysis),
                         entities: classification.entities, intent: score)
        }
        if byNumber.count == 1, let order = byNumber.first {
            keep(story, &c)
            return pickOrder(order, &c, intent: score)
        }
        if byNumber.isEmpty, let number = OrderFinder.orderNumber(in: text, entities: classification.entities) {
            return orderStep(&c, topic: topic, lead: [prompts.text(wording(.orderUnknown, offered), ["number": number])],
                             intent: score)
        }
        let byTitle = OrderFinder.byTitle(Self.orderText(text, classification.analysis), among: offered,
                                          ignoring: titleStopwords, kindWords: kindWords)
        if byTitle.count == 1, let order = byTitle.first {
            keep(story, &c)
            return pickOrder(order, &c, intent: score)
        }
        if byNumber.count > 1 || byTitle.count > 1 {
            keep(story, &c)
            let several = byNumber.count > 1 ? byNumber : byTitle
            return orderStep(&c, topic: topic, lead: [prompts.text(wording(.orderAmbiguous, several))],
                             intent: score, only: several)
        }
        if let id = classification.intent, !classification.isAmbiguous, let intent = catalog.intent(id) {
            switch intent.kind {
            case .info:
                return orderStep(&c, topic: topic, lead: [answer(intent, to: classification.analysis, for: c.profile)], intent: score,
                                 prompt: wording(.resumeOrder, offered))
            case .smalltalk:
                return orderStep(&c, topic: topic, lead: smalltalk(intent), intent: score,
                                 prompt: wording(.resumeOrder, offered))
            case .control:
                keep(story, &c)
                return pickOrder(nil, &c, intent: score)
            case .topic where intent.id != topic.id && classification.confidence >= rules.freeText.confirmBelow:
                keep(story, &c)
                return begin(intent, &c, text: Self.orderText(text, classification.analysis),
                             entities: classification.entities, intent: score)
            case .topic:
                break
            }
        }
        return orderStep(&c, topic: topic, lead: [prompts.text(wording(.orderUnrecognized, offered))], intent: score)
    }

    private func pickOrder(_ order: Order?, _ c: inout Conversation, intent: IntentScore?) -> Turn {
        c.order = order?.id
        return writeStep(&c, intent: intent)
    }

    // MARK: - The message step

    private func writeTurn(_ text: String, key: String, _ c: inout Conversation, now: Date) -> Turn {
        if isBlank(text) { return writeStep(&c, lead: [prompts.text(.emptyText)], summary: false) }
        if !c.draftMessages.isEmpty, let option = chosenOption(text, key: key, in: c.options),
           OptionValue(option.value, offeredAt: .write) == .command(.send) {
            return submit(c.draftMessages, &c, now: now)
        }
        // A clear information question is answered; the customer stays here, the draft kept.
        let classification = classifier.classify(text)
        if let question = answerableQuestion(classification) {
            return writeStep(&c, lead: [answer(question, to: classification.analysis, for: c.profile)], intent: classification.best,
                             summary: false, prompt: .resumeWrite)
        }
        return submit(c.draftMessages + [text], &c, now: now)
    }

    /// Files the appeal with `messages` (the draft, then what was typed at the message step).
    private func submit(_ messages: [String], _ c: inout Conversation, now: Date) -> Turn {
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

    // MARK: - After the appeal

    private func submittedTurn(_ text: String, key: String, _ c: inout Conversation) -> Turn {
        guard var ticket = c.ticket else { return startOver(&c, lead: []) }
        if isBlank(text) { return submittedStep(&c, lead: [prompts.text(.emptyText)]) }
        if let option = chosenOption(text, key: key, in: c.options),
           OptionValue(option.value, offeredAt: .submitted) == .command(.newAppeal) {
            return startOver(&c, lead: [prompts.text(.newAppeal)])
        }
        let classification = classifier.classify(text)
        let score = classification.best
        // The same rule as at the message step: a clear, short information question is answered and
        // not added (it is a question to the assistant); bare small talk and control phrases
        // («спасибо», «позовите оператора») get their reply. Everything else — longer messages,
        // unclear ones, questions inside a story — is added to the appeal and nothing is lost.
        if let question = answerableQuestion(classification) {
            return submittedStep(&c, lead: [answer(question, to: classification.analysis, for: c.profile)], intent: score)
        }
        if let id = classification.intent, !classification.isAmbiguous, let intent = catalog.intent(id) {
            let bare = classification.analysis.words.count <= Self.bareSmalltalkWords
            switch intent.kind {
            case .smalltalk where bare:
                // «спасибо», «пока»: the short reply alone — no reminder about the open appeal.
                return say(&c, smalltalk(intent), options: submittedOptions(), intent: score)
            case .control where bare: return submittedStep(&c, lead: [], intent: score)
            case .info, .smalltalk, .control, .topic: break
            }
        }
        ticket.messages.append(text)
        c.ticket = ticket
        return say(&c, [prompts.text(.appended, ["ticket": ticket.id])], options: submittedOptions(),
                   intent: score, effects: [.appendToTicket(id: ticket.id, message: text)])
    }

    // MARK: - Control words

    private func perform(_ command: Command, _ c: inout Conversation) -> Turn {
        switch (command, c.state) {
        case (.back, .chooseTopic):
            c.order = nil
            return topicStep(&c, lead: [prompts.text(.backAtStart)])
        case (.back, .chooseOrder):
            return startOver(&c, lead: [prompts.text(.backToTopics)], keepDraft: true)
        case (.back, .write):
            if let topic = chosenTopic(c), topic.kind == .topic, topic.needsOrder,
               !eligibleOrders(for: topic, in: c.profile).isEmpty {
                c.order = nil
                return orderStep(&c, topic: topic, lead: [prompts.text(.backToOrders)])
            }
            return startOver(&c, lead: [prompts.text(.backToTopics)], keepDraft: true)
        case (.back, .submitted):
            let id = c.ticket?.id ?? ""
            return startOver(&c, lead: [prompts.text(.backAfterSubmit, ["ticket": id])])
        case (.menu, _):
            return startOver(&c, lead: [prompts.text(.toMenu)])
        case (.cancel, .chooseTopic):
            let hadDraft = c.order != nil
            return startOver(&c, lead: [prompts.text(hadDraft ? .cancelled : .nothingToCancel)])
        case (.cancel, .chooseOrder), (.cancel, .write):
            return startOver(&c, lead: [prompts.text(.cancelled)])
        case (.cancel, .submitted):
            let id = c.ticket?.id ?? ""
            return submittedStep(&c, lead: [prompts.text(.cancelAfterSubmit, ["ticket": id])])
        case (.new, _):
            return startOver(&c, lead: [prompts.text(.newAppeal)])
        }
    }

    /// Back to the topic menu with a clean draft (unless `keepDraft`: one step back keeps what the
    /// customer wrote); a stored appeal stays stored.
    private func startOver(_ c: inout Conversation, lead: [String], keepDraft: Bool = false) -> Turn {
        c.topic = nil
        c.order = nil
        c.ticket = nil
        c.misses = 0
        if !keepDraft { c.draft = nil }
        return topicStep(&c, lead: lead)
    }

    // MARK: - Replies

    /// The topic step's reply: `lead`, then `prompt`, with the menu (and the specialist after misses).
    private func topicStep(_ c: inout Conversation, lead: [String], options: [ReplyOption]? = nil,
                           intent: IntentScore? = nil, prompt: Prompt? = .menu) -> Turn {
        c.state = .chooseTopic
        let shown = options.flatMap { $0.isEmpty ? nil : $0 } ?? menuOptions(specialist: c.misses >= rules.missesBeforeSpecialist)
        return say(&c, lead + [prompt.map { prompts.text($0) }].compactMap { $0 }, options: shown, intent: intent)
    }

    /// The order step's reply with the eligible orders and «Без заказа» as options.
    private func orderStep(_ c: inout Conversation, topic: Intent, lead: [String] = [], intent: IntentScore? = nil,
                           prompt: Prompt? = nil, only: [Order]? = nil) -> Turn {
        c.state = .chooseOrder
        c.topic = topic.id.rawValue
        let orders = only ?? eligibleOrders(for: topic, in: c.profile)
        let noOrder = prompts.text(wording(.noOrderOption, orders))
        var options = orders.enumerated().map { index, order in
            let label = order.status.isEmpty
                ? prompts.text(.orderOption, ["title": order.title, "id": order.id])
                : prompts.text(.orderOptionWithStatus, ["title": order.title, "id": order.id, "status": order.status])
            return ReplyOption(key: String(index + 1), label: label, value: .order(order.id))
        }
        options.append(ReplyOption(key: String(orders.count + 1), label: noOrder, value: .command(.noOrder)))
        let question: Prompt = prompt ?? wording(.orderQuestion, orders)
        return say(&c, lead + [prompts.text(question, ["no_order": noOrder])], options: options, intent: intent)
    }

    /// The message step's reply: what was chosen, then the request to write.
    private func writeStep(_ c: inout Conversation, lead: [String] = [], intent: IntentScore? = nil,
                           summary: Bool = true, prompt: Prompt = .write) -> Turn {
        c.state = .write
        c.misses = 0
        var lines = lead
        if summary {
            let topic = topicTitle(c.topic ?? rules.generalTopic)
            lines.append(c.order == nil
                ? prompts.text(.writeSummary, ["topic": topic])
                : prompts.text(wording(.writeSummaryOrder, chosenOrders(c)), ["topic": topic, "order": orderDescription(c)]))
        }
        let draft = c.draftMessages
        if draft.isEmpty {
            lines.append(prompts.text(prompt))
            lines.append(prompts.text(.navigationHint))
            return say(&c, lines, options: [], intent: intent)
        }
        lines.append(prompts.text(.draftShown, ["draft": draft.joined(separator: "\n")]))
        lines.append(prompts.text(.writeWithDraft, ["send": prompts.text(.sendOption)]))
        lines.append(prompts.text(.navigationHint))
        return say(&c, lines, options: [ReplyOption(key: "1", label: prompts.text(.sendOption), value: .command(.send))],
                   intent: intent)
    }

    /// A reply in the submitted state that leaves the appeal as it is.
    private func submittedStep(_ c: inout Conversation, lead: [String], intent: IntentScore? = nil) -> Turn {
        let id = c.ticket?.id ?? ""
        return say(&c, lead + [prompts.text(.resumeSubmitted, ["ticket": id])], options: submittedOptions(),
                   intent: intent)
    }

    /// Records and returns the reply.
    private func say(_ c: inout Conversation, _ lines: [String], options: [ReplyOption], intent: IntentScore?,
                     effects: [Effect] = []) -> Turn {
        let reply = Reply(state: c.state, text: lines.filter { !$0.isEmpty }.joined(separator: "\n"),
                          options: options, intent: intent, ticket: c.ticket)
        c.options = options
        c.lastReply = reply
        return Turn(reply: reply, effects: effects)
    }

    private func menuOptions(specialist: Bool) -> [ReplyOption] {
        var options = menu
        if specialist {
            options.append(ReplyOption(key: String(options.count + 1), label: prompts.text(.specialistOption),
                                       value: .command(.specialist)))
        }
        return options
    }

    private func submittedOptions() -> [ReplyOption] {
        [ReplyOption(key: "1", label: prompts.text(.newAppealOption), value: .command(.newAppeal))]
    }

    // MARK: - Helpers

    /// The customer's orders a topic's order step offers, in profile order.
    public func eligibleOrders(for topic: Intent, in profile: Profile) -> [Order] {
        let kinds = rules.orderKinds(for: topic)
        return profile.orders.filter { kinds.contains($0.kind.rawValue) }
    }

    /// Small talk or a control phrase of at most this many words after an appeal is not added to it.
    static let bareSmalltalkWords = 4

    /// The message as typed plus its repaired words, so an order is found by a title word typed in
    /// the wrong layout or in translit («rhjccjdrb», «krossovki») as well as by its number.
    static func orderText(_ text: String, _ analysis: Analysis) -> String {
        analysis.repairs.isEmpty ? text : text + " " + analysis.words.joined(separator: " ")
    }

    /// The message's words after repairs when any were made, else the message as typed.
    static func repairedText(_ text: String, _ analysis: Analysis) -> String {
        analysis.repairs.isEmpty ? text : analysis.words.joined(separator: " ")
    }

    /// The one order a message names among `orders`: by its number, else by a distinctive title word.
    private func namedOrder(_ text: String, entities: [Entity], among orders: [Order]) -> Order? {
        let byNumber = OrderFinder.byNumber(text, entities: entities, among: orders)
        if !byNumber.isEmpty { return byNumber.count == 1 ? byNumber.first : nil }
        let byTitle = OrderFinder.byTitle(text, among: orders, ignoring: titleStopwords, kindWords: kindWords)
        return byTitle.count == 1 ? byTitle.first : nil
    }

    /// The option a message chooses: its key, its label or its value, ignoring case and punctuation.
    /// `key` is the message's ``DialogueRules/phraseKey(_:)``.
    private func chosenOption(_ text: String, key: String, in options: [ReplyOption]) -> ReplyOption? {
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
    private func bareNumber(key: String) -> String? {
        guard !key.isEmpty, key.count <= 3, key.allSatisfy(\.isNumber) else { return nil }
        return key
    }

    /// Whether a message shows nothing: only spaces, line breaks, control or invisible format characters.
    private func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isWhitespace || [.control, .format].contains(scalar.properties.generalCategory)
        }
    }

    /// The information intent a message clearly asks about, when it is a question to answer rather
    /// than a message for the specialist: sure enough, short enough, and not one of the intents that
    /// are sent on (`free_text` in config/dialogue.yaml).
    private func answerableQuestion(_ classification: Classification) -> Intent? {
        let rules = rules.freeText
        guard let id = classification.intent, !classification.isAmbiguous,
              classification.confidence >= rules.questionMinConfidence,
              classification.analysis.words.count <= rules.questionMaxWords,
              !rules.sendInsteadOfAnswer.contains(id),
              let intent = catalog.intent(id), intent.kind == .info else { return nil }
        return intent
    }

    /// Whether a message tells the problem (long enough to be the appeal's first message), as
    /// opposed to naming a topic or an order.
    private func isStory(_ analysis: Analysis) -> Bool {
        analysis.words.count { word in word.contains(where: \.isLetter) } >= rules.freeText.draftMinWords
    }

    /// Adds a story to the draft.
    private func keep(_ story: String?, _ c: inout Conversation) {
        guard let story else { return }
        c.draft = c.draftMessages + [story]
    }

    /// An info intent's answer from its file: the first variant whose condition the message or
    /// the customer meets (the Travel line first for a question about Travel's phone, the seller
    /// priority first for a Premium seller), else the main answer.
    private func answer(_ intent: Intent, to analysis: Analysis? = nil, for profile: Profile? = nil) -> String {
        let words = analysis.map { Set($0.words + Normalizer.normalize($0.original).split(separator: " ").map(String.init)) } ?? []
        let flags: Set<String> = profile.map { p in
            Set([p.premium ? "premium" : nil, p.seller ? "seller" : nil, p.premiumSeller ? "premium_seller" : nil,
                 p.corporate ? "corporate" : nil].compactMap { $0 })
        } ?? []
        let chosen = intent.answerVariants.first { variant in
            variant.profile.contains(where: flags.contains)
                || variant.words.contains { prefix in
                    let prefix = Normalizer.normalize(prefix)
                    return words.contains { $0.hasPrefix(prefix) }
                }
        }
        let text = (chosen?.text ?? intent.answer)?.trimmingWhitespace() ?? ""
        return text.isEmpty ? prompts.text(.infoMissing, ["topic": intent.title]) : text
    }

    /// The short reply to small talk, or nothing when the prompts have none for this intent.
    private func smalltalk(_ intent: Intent) -> [String] {
        if let reply = prompts.smalltalk(intent.id) { return [reply] }
        if let answer = intent.answer?.trimmingWhitespace(), !answer.isEmpty { return [answer] }
        return []
    }

    /// A topic's menu label, or «Общий вопрос» for the general topic.
    private func topicTitle(_ id: String) -> String {
        if let intent = catalog.intent(IntentID(id)) { return intent.title }
        return id == rules.generalTopic ? prompts.text(.generalTopicTitle) : id
    }

    /// The intent of the conversation's chosen topic (none for the general topic).
    private func chosenTopic(_ c: Conversation) -> Intent? {
        c.topic.flatMap { catalog.intent(IntentID($0)) }
    }

    /// The booking form of an order prompt when every order in question is a travel booking:
    /// bookings are called bookings throughout the Travel flow.
    private func wording(_ prompt: Prompt, _ orders: [Order]) -> Prompt {
        guard !orders.isEmpty, orders.allSatisfy(\.kind.isTravel) else { return prompt }
        switch prompt {
        case .orderQuestion: return .bookingQuestion
        case .resumeOrder: return .resumeBooking
        case .orderUnrecognized: return .bookingUnrecognized
        case .orderUnknown: return .bookingUnknown
        case .orderAmbiguous: return .bookingAmbiguous
        case .noOrderOption: return .noBookingOption
        case .writeSummaryOrder: return .writeSummaryBooking
        case .ticketDetails: return .ticketDetailsBooking
        default: return prompt
        }
    }

    /// «№ 12345678-0001 (Наушники …)» for the chosen order.
    private func orderDescription(_ c: Conversation) -> String {
        guard let id = c.order else { return "" }
        guard let order = c.profile.orders.first(where: { $0.id == id }) else { return id }
        return orderReference(order)
    }

    /// The chosen order as a list of one (none when there is none).
    private func chosenOrders(_ c: Conversation) -> [Order] {
        c.order.flatMap { id in c.profile.orders.first { $0.id == id } }.map { [$0] } ?? []
    }

    private func orderReference(_ order: Order) -> String {
        prompts.text(.orderRef, ["id": order.id, "title": order.title])
    }
}
