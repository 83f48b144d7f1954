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
    /// Whether `classifier` is `matcher` (not a stand-in of a test): messages are then analyzed
    /// once a turn, for the phrase key and the classification both.
    let classifiesWithMatcher: Bool
    /// The intents: topics for the menu, answers, order steps.
    public let catalog: IntentCatalog
    /// What reads free text; the ``matcher`` unless another was injected.
    public let classifier: any IntentClassifying
    public let prompts: Prompts
    public let rules: DialogueRules
    /// How new appeals are numbered; by default after the conversation's id.
    public var appealNumbering = AppealNumbering.perSession
    /// The topic menu, in menu order (without the specialist option).
    let menu: [ReplyOption]
    /// The phrase keys of option keys, labels and values, so that reading a choice normalizes
    /// only what the customer typed: the fixed ones made at load, others once each.
    let optionPhrases: OptionPhrases
    /// The title stop words, in the form ``OrderFinder`` compares words.
    let titleStopwords: GenericWords
    /// The words that name an order of a kind, in the form ``OrderFinder`` compares words.
    let kindWords: [String: [WordForm]]
    /// The answer variants' word starts normalized, by the words as written.
    let answerPrefixes: [ByteKey: String]
    /// The option lists every conversation shows (the menu, the submitted state's), prepared once.
    let fixedOptionLists: [PreparedOptions]
    /// The forms of the customers' order titles, each title read once.
    let titleForms: TitleForms
    /// Reads control words, option labels and «без заказа» through layout, translit and typos.
    let reader: PhraseReader
    /// The control words (not their slash forms) by phrase key.
    let commandPhrases: PhraseReader.Phrases<Command>
    /// The new-appeal phrases of two words or more, as phrase keys with a space after them (the
    /// start of a longer message), longest first, with their word counts.
    let newAppealLeads: [(key: [UInt8], words: Int)]
    /// The «без заказа» phrases by phrase key.
    let noOrderPhrases: PhraseReader.Phrases<Bool>
    /// The examples of the small-talk intents taken only as written (`exact_smalltalk`: «спасибо»,
    /// «пока», «добрый день»), by phrase key: after an appeal and at the message step only these
    /// (as typed, in the other layout, in translit or with a typo) are such small talk, so that
    /// «пока нет» or «помогите», whatever the matcher guesses, still reach the specialist.
    /// After them, the `declines` («нет, спасибо»), read as thanks at the message step only: one
    /// list, so that a message is read once for both.
    let smalltalkPhrases: PhraseReader.Phrases<SmalltalkPhrase>
    /// The `confirmations` («да», «всё верно»): they send the draft at the message step.
    let confirmationPhrases: PhraseReader.Phrases<Bool>
    /// The phrase keys of the control intents' examples («оператор», «позовите специалиста»): at
    /// the message step such a message alone is not filed as the appeal.
    let controlPhrases: Set<String>
    /// The `empty_replies` («нет», «не знаю»): at the message step not an appeal.
    let emptyReplyPhrases: PhraseReader.Phrases<Bool>
    /// The `draft_refusals` («нет», «не так»): the draft shown is not sent.
    let draftRefusalPhrases: PhraseReader.Phrases<Bool>
    /// The most words of a `draft_refusals` phrase: longer messages are not looked for among them.
    let draftRefusalWords: Int
    /// The `closing_words` as phrase keys, compared by their bytes: said around thanks or a
    /// goodbye when the chat is done.
    let closingWords: Set<ByteKey>
    /// The one-word `confirmations` («да», «ок», «ага»): a yes that may start a longer answer.
    let yesWords: Set<ByteKey>
    /// The words a message may be made of and say nothing of a problem («здравствуйте, у меня
    /// вопрос»): the closing words and the words of the empty replies and of the greetings, thanks
    /// and goodbyes taken as written (`exact_smalltalk`).
    let contentlessWords: Set<ByteKey>
    /// The `never_mind_requests`.
    let neverMindRequests: WordPatterns
    let additionWords: WordPatterns
    /// The `order_requests` by topic.
    let orderRequests: [IntentID: WordPatterns]
    /// The phrase keys of the `other_topic` control phrases with a space each side, looked for
    /// inside longer messages at the message step.
    let otherTopicKeys: [[UInt8]]
    /// The longest word of each `other_topic` phrase: a message without any of them has none of
    /// the phrases, and is not searched for them.
    let otherTopicAnchors: [[UInt8]]
    /// The `question_words`, normalized.
    let questionWords: Set<String>
    /// The `status_pointers`, normalized.
    let statusPointers: Set<String>
    /// The `status_synonyms` as normalized words, each with the status it stands for, longest first.
    let statusSynonyms: [(words: [String], status: String)]
    /// The stems of the words of `status_synonyms`.
    let statusSynonymStems: Set<String>
    /// The `order_pointers` and `order_words`, normalized: a short message with one of them and
    /// otherwise only ``orderReferenceWords`` or generic words names no order.
    let orderPointers: Set<String>
    /// The words a message pointing at an order may have besides its pointer: the `order_pointers`,
    /// `order_reference_words` and `status_pointers`, normalized.
    let orderReferenceWords: Set<String>
    /// The `number_forgotten` phrases by phrase key.
    let numberForgottenPhrases: PhraseReader.Phrases<Bool>
    /// The `never_mind` phrases by phrase key.
    let neverMindPhrases: PhraseReader.Phrases<Bool>
    /// The `never_mind_words` and `draft_holds` patterns.
    let neverMindWords: WordPatterns
    /// The `number_forgotten_words` patterns.
    let numberForgottenWords: WordPatterns
    let draftHolds: WordPatterns
    /// The topics' names (`topic_names` and the menu titles) by phrase key, their fillers left out.
    let topicNamePhrases: PhraseReader.Phrases<IntentID>
    /// The same names as the stems of their words, compared to a message's stems.
    let topicNameStems: [(stems: [String], id: IntentID)]
    /// The `topic_name_fillers` as phrase-key words, and word starts (those written with a final `*`).
    let topicNameFillers: (words: Set<ByteKey>, starts: [[UInt8]])
    /// The `question_forms`, normalized: whole words, and word starts (those written with a final `*`).
    let questionForms: (words: Set<ByteKey>, starts: [[UInt8]])
    /// The stems of `request_words`.
    let requestStems: Set<String>
    /// The `new_order_words`, normalized, compared by their bytes (the analyzer's words are of one
    /// spelling; hashing a Cyrillic `String` normalizes it first).
    let newOrderWords: Set<ByteKey>
    /// The `order_dismissals`, as phrase-key words.
    let orderDismissals: [[String]]
    /// The `order_dismissals_after`, as phrase-key words.
    let orderDismissalsAfter: [[String]]
    /// The message step's «Отправить», normalized: typed again after the appeal went, it adds nothing.
    let sendKey: String
    /// «Отправить» as `PhraseReader` reads it (another layout, translit, a typo): after the appeal
    /// went, such a word adds nothing either.
    let sendPhrases: PhraseReader.Phrases<Bool>
    /// The message step's line for a held draft (`write_with_held_draft`), by which a reply shows it.
    let heldDraftLine: String
    /// ``heldDraftLine``'s bytes, looked for in the last reply.
    let heldDraftBytes: [UInt8]

    /// An engine over a catalog, reading messages through `classifier`.
    public init(catalog: IntentCatalog, classifier: any IntentClassifying, prompts: Prompts, rules: DialogueRules) {
        let own = classifier as? IntentMatcher
        self.matcher = own ?? IntentMatcher(catalog: catalog)
        classifiesWithMatcher = own != nil
        self.catalog = catalog
        self.classifier = classifier
        self.prompts = prompts
        self.rules = rules
        let menu = catalog.topics.enumerated().map { index, topic in
            ReplyOption(key: String(index + 1), label: topic.title, value: .topic(topic.id))
        }
        self.menu = menu
        sendKey = DialogueRules.phraseKey(prompts.text(.sendOption))
        sendPhrases = PhraseReader.Phrases(keys: [(sendKey, true)])
        heldDraftLine = prompts.text(.writeWithHeldDraft, ["send": prompts.text(.sendOption)])
        heldDraftBytes = Array(heldDraftLine.utf8)
        var fixed = menu.flatMap { [$0.key, $0.label, $0.value] }
        fixed += (1...(menu.count + 16)).map(String.init)
        fixed += OptionCommand.allCases.map(\.rawValue)
        fixed += [Prompt.specialistOption, .noOrderOption, .newAppealOption, .sendOption].map { prompts.text($0) }
        let optionPhrases = OptionPhrases(fixed: fixed)
        self.optionPhrases = optionPhrases
        let prefixes = catalog.intents.flatMap { $0.answerVariants.flatMap(\.words) }
        answerPrefixes = Dictionary(prefixes.map { (ByteKey($0), Normalizer.normalize($0)) }, uniquingKeysWith: { first, _ in first })
        let specialist = ReplyOption(key: String(menu.count + 1), label: prompts.text(.specialistOption), value: .command(.specialist))
        fixedOptionLists = [
            menu, menu + [specialist],
            [ReplyOption(key: "1", label: prompts.text(.newAppealOption), value: .command(.newAppeal))],
            [ReplyOption(key: "1", label: prompts.text(.sendOption), value: .command(.send))],
        ].map { PreparedOptions($0, optionPhrases) }
        titleStopwords = GenericWords(rules.titleStopwords.flatMap(WordForms.forms))
        kindWords = rules.kindWords.mapValues { $0.flatMap(WordForms.forms) }
        titleForms = TitleForms(ignoring: titleStopwords, kindWords: kindWords, brandReadings: rules.brandReadings)
        reader = PhraseReader(vocabulary: matcher.analyzer.vocabulary)
        commandPhrases = PhraseReader.Phrases(keys: Command.allCases.flatMap { command in
            (rules.commands[command] ?? []).filter { !$0.hasPrefix("/") }.map { (DialogueRules.phraseKey($0), command) }
        })
        newAppealLeads = (rules.commands[.new] ?? []).filter { !$0.hasPrefix("/") }.compactMap { phrase in
            let words = DialogueRules.phraseWords(phrase)
            return words.count >= 2 ? (Array((words.joined(separator: " ") + " ").utf8), words.count) : nil
        }.sorted { $0.key.count > $1.key.count }
        noOrderPhrases = PhraseReader.Phrases(keys: rules.noOrder.map { (DialogueRules.phraseKey($0), true) })
        let exact = Set(rules.freeText.exactSmalltalk)
        let examples = catalog.intents.filter { $0.kind == .smalltalk && exact.contains($0.id) }
            .flatMap { intent in intent.examples.map { (DialogueRules.phraseKey($0), SmalltalkPhrase(intent: intent.id, decline: false)) } }
        let declines = rules.freeText.declines.map { (DialogueRules.phraseKey($0), SmalltalkPhrase(intent: .thanks, decline: true)) }
        smalltalkPhrases = PhraseReader.Phrases(keys: examples + declines)
        confirmationPhrases = PhraseReader.Phrases(keys: rules.freeText.confirmations.map { (DialogueRules.phraseKey($0), true) })
        controlPhrases = Set(catalog.intents.filter { $0.kind == .control }.flatMap(\.examples).map(DialogueRules.phraseKey))
        emptyReplyPhrases = PhraseReader.Phrases(keys: rules.freeText.emptyReplies.map { (DialogueRules.phraseKey($0), true) })
        draftRefusalPhrases = PhraseReader.Phrases(keys: rules.freeText.draftRefusals.map { (DialogueRules.phraseKey($0), true) })
        closingWords = Set(rules.freeText.closingWords.map { ByteKey(DialogueRules.phraseKey($0)) })
        yesWords = Set(rules.freeText.confirmations.map(DialogueRules.phraseKey).filter { !$0.contains(" ") }.map { ByteKey($0) })
        contentlessWords = closingWords.union((rules.freeText.emptyReplies + examples.map(\.0))
            .flatMap(DialogueRules.phraseWords).map { ByteKey($0) })
        draftRefusalWords = rules.freeText.draftRefusals.map { PlainText.spaceSeparated(DialogueRules.phraseKey($0)).count }.max() ?? 0
        otherTopicKeys = (rules.commands[.otherTopic] ?? []).filter { !$0.hasPrefix("/") }
            .map { Array((" " + DialogueRules.phraseKey($0) + " ").utf8) }
        let anchors = Set((rules.commands[.otherTopic] ?? []).filter { !$0.hasPrefix("/") }.compactMap { phrase in
            PlainText.spaceSeparated(DialogueRules.phraseKey(phrase)).max { $0.utf8.count < $1.utf8.count }.map(String.init)
        })
        otherTopicAnchors = anchors.sorted().map { Array($0.utf8) }
        questionWords = Set(rules.freeText.questionWords.map(Normalizer.normalize))
        statusPointers = Set(rules.freeText.statusPointers.map(Normalizer.normalize))
        var synonyms: [(words: [String], status: String)] = []
        for (status, phrases) in rules.freeText.statusSynonyms {
            for phrase in phrases {
                let words = PlainText.spaceSeparated(Normalizer.normalize(phrase)).map(String.init)
                synonyms.append((words: words, status: status))
            }
        }
        // Longest first, so that «ещё не пришёл» is read before «не пришёл»; ties in a fixed order.
        statusSynonyms = synonyms.sorted { (a: (words: [String], status: String), b: (words: [String], status: String)) -> Bool in
            if a.words.count != b.words.count { return a.words.count > b.words.count }
            return a.words.joined(separator: " ") < b.words.joined(separator: " ")
        }
        statusSynonymStems = Set(synonyms.flatMap { $0.words.map { WordForm($0).stem } })
        orderPointers = Set((rules.freeText.orderPointers + rules.freeText.orderWords).map(Normalizer.normalize))
        orderReferenceWords = Set((rules.freeText.orderPointers + rules.freeText.orderWords + rules.freeText.orderReferenceWords
            + rules.freeText.statusPointers).map(Normalizer.normalize))
        numberForgottenPhrases = PhraseReader.Phrases(keys: rules.freeText.numberForgotten.map { (DialogueRules.phraseKey($0), true) })
        neverMindPhrases = PhraseReader.Phrases(keys: rules.freeText.neverMind.map { (DialogueRules.phraseKey($0), true) })
        neverMindWords = WordPatterns(rules.freeText.neverMindWords)
        numberForgottenWords = WordPatterns(rules.freeText.numberForgottenWords)
        draftHolds = WordPatterns(rules.freeText.draftHolds)
        neverMindRequests = WordPatterns(rules.freeText.neverMindRequests)
        additionWords = WordPatterns(rules.freeText.additionWords)
        orderRequests = rules.orderRequests.mapValues(WordPatterns.init)
        let fillers = rules.freeText.topicNameFillers
        let fillerWords = Set(fillers.filter { !$0.hasSuffix("*") }.map { ByteKey(DialogueRules.phraseKey($0)) })
        let fillerStarts = fillers.filter { $0.hasSuffix("*") }.map { Array(DialogueRules.phraseKey(String($0.dropLast())).utf8) }
        topicNameFillers = (fillerWords, fillerStarts)
        // A name is compared without its fillers, as a message is: «по доставке» is «доставке».
        var names: [(words: [String], id: IntentID)] = []
        for topic in catalog.topics {
            for name in [topic.title] + (rules.freeText.topicNames[topic.id.rawValue] ?? []) {
                let words = DialogueRules.phraseWords(name).filter { word in
                    !fillerWords.contains(ByteKey(word)) && !fillerStarts.contains { word.utf8.starts(with: $0) }
                }
                if !words.isEmpty { names.append((words, topic.id)) }
            }
        }
        topicNamePhrases = PhraseReader.Phrases(keys: names.map { ($0.words.joined(separator: " "), $0.id) })
        topicNameStems = names.map { (stems: $0.words.map { WordForm($0).stem }, id: $0.id) }
        let forms = rules.freeText.questionForms
        questionForms = (Set(forms.filter { !$0.hasSuffix("*") }.map { ByteKey(Normalizer.normalize($0)) }),
                         forms.filter { $0.hasSuffix("*") }.map { Array(Normalizer.normalize(String($0.dropLast())).utf8) })
        requestStems = Set(rules.freeText.requestWords.map { WordForm(Normalizer.normalize($0)).stem })
        newOrderWords = Set(rules.freeText.newOrderWords.map { ByteKey(Normalizer.normalize($0)) })
        orderDismissals = rules.freeText.orderDismissals.map(DialogueRules.phraseWords).filter { !$0.isEmpty }
        orderDismissalsAfter = rules.freeText.orderDismissalsAfter.map(DialogueRules.phraseWords).filter { !$0.isEmpty }
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
        let (key, analysis) = read(text)
        if let command = rules.command(forKey: key) ?? reader.match(text, key: key, in: commandPhrases),
           let turn = perform(command, &conversation) {
            return turn
        }
        if let turn = newAppealWithMessage(text, key: key, &conversation) { return turn }
        var turn: Turn
        switch conversation.state {
        case .chooseTopic: turn = topicTurn(text, key: key, analysis, &conversation)
        case .chooseOrder: turn = orderTurn(text, key: key, analysis, &conversation)
        case .write: turn = writeTurn(text, key: key, analysis, &conversation, now: now)
        case .submitted: turn = submittedTurn(text, key: key, analysis, &conversation)
        }
        // An angry or all-capitals message gets a short line of sympathy before the reply. The phrase
        // key is the message normalized, unless it is a slash command (kept as typed).
        // Not before a refusal: «постараемся помочь» would contradict «с этим поддержка помочь не сможет».
        let refused = turn.reply.intent?.id.map { rules.freeText.refusals.contains($0) } ?? false
        if !refused, rules.isUpset(text, normalized: key.startsWithSlash ? Normalizer.normalize(text) : key) {
            turn.reply.text = prompts.text(.sympathy) + "\n" + turn.reply.text
            conversation.lastReply = turn.reply
        }
        return turn
    }

    /// The message's phrase key (``DialogueRules/phraseKey(_:)``) and, when the engine reads
    /// messages with its own matcher, the matcher's analysis of it, made once for the turn: for a
    /// message without surrounding spaces that the matcher reads whole, the phrase key is the
    /// analysis' normalized text (the same `Normalizer` pass).
    func read(_ text: String) -> (key: String, analysis: Analysis?) {
        // A short number alone is a pick from a list (or a number not on it) at every step: the
        // steps that would classify it make the analysis themselves.
        guard classifiesWithMatcher, !Self.isShortNumber(text) else { return (DialogueRules.phraseKey(text), nil) }
        let analysis = matcher.analyze(text)
        guard analysis.original.utf8.count == text.utf8.count, text.hasNoSurroundingWhitespace, !text.startsWithSlash else {
            return (DialogueRules.phraseKey(text), analysis)
        }
        return (analysis.normalized, analysis)
    }

    /// Whether a text is one to three ASCII digits and nothing else.
    static func isShortNumber(_ text: String) -> Bool {
        let bytes = text.utf8
        return (1...3).contains(bytes.count) && bytes.allSatisfy { (0x30...0x39).contains($0) }
    }

    /// The classification of the turn's message, from its analysis when ``read(_:)`` made one.
    func classify(_ text: String, _ analysis: Analysis?) -> Classification {
        if let analysis { return matcher.classify(analysis: analysis) }
        return classifier.classify(text)
    }

    /// The current reply again, changing nothing.
    public func currentReply(of conversation: Conversation) -> Reply {
        conversation.lastReply ?? Reply(state: conversation.state, text: "", options: conversation.options,
                                        ticket: conversation.ticket)
    }

    /// Whether a message shows nothing: only spaces, line breaks, control or invisible format characters.
    func isBlank(_ text: String) -> Bool {
        // Most texts start with a printable ASCII character or a Cyrillic letter (lead byte 0xD0 or
        // 0xD1: U+0400–U+047F): no scalar properties to look up.
        if let first = text.utf8.first, first > 0x20, first < 0x7F || first == 0xD0 || first == 0xD1 { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isWhitespace || [.control, .format].contains(scalar.properties.generalCategory)
        }
    }
}
