import Foundation
import HelplineIntents
import HelplineText
import Yams

/// A control word's meaning. Control words work in every state, the message step included.
public enum Command: String, Sendable, Hashable, CaseIterable, Codable {
    /// One step back.
    case back
    /// To the topic menu.
    case menu
    /// Drop the draft (the chosen topic and order).
    case cancel
    /// Start a new appeal.
    case new
    /// Another order than the one chosen («не тот заказ»): back to the orders at the message step;
    /// elsewhere the message is read as any other.
    case otherOrder = "other_order"
    /// Another topic than the one chosen («не та тема»): back to the topic menu, the draft kept, at
    /// the order and message steps; elsewhere the message is read as any other.
    case otherTopic = "other_topic"
}

/// The dialogue's rules that are data, decoded from `Intents/config/dialogue.yaml`: control words,
/// order kinds per topic, the queues' wait estimates and the Ozon Travel priority rules.
public struct DialogueRules: Sendable, Hashable {
    /// The Ozon Travel priority queue's admission rules.
    public struct TravelPriority: Sendable, Hashable, Codable {
        /// Booking kinds that always go first (hotel bookings).
        public var kinds: [String]
        /// Paid packages that go first («Приоритет», «Всё включено»); compared ignoring case and ё.
        public var packages: [String]
        /// Whether corporate clients go first.
        public var corporate: Bool
        /// Trips starting in less than this many hours go first.
        public var startsWithinHours: Double

        enum CodingKeys: String, CodingKey {
            case kinds, packages, corporate
            case startsWithinHours = "starts_within_hours"
        }

        public init(kinds: [String], packages: [String], corporate: Bool, startsWithinHours: Double) {
            self.kinds = kinds
            self.packages = packages
            self.corporate = corporate
            self.startsWithinHours = startsWithinHours
        }
    }

    /// How free text is weighed: when a message is a story worth keeping, when a guess is sure
    /// enough to act on, when a question is answered rather than sent to the specialist.
    public struct FreeText: Sendable, Hashable, Codable {
        /// A message of at least this many words (that is not answered in place) becomes the
        /// appeal's draft: the customer does not type the story again at the message step.
        public var draftMinWords: Int
        /// A story the matcher reads as off topic is still kept as the draft unless the matcher is at
        /// least this sure («какая погода завтра» is not kept; a real problem it could not place is).
        public var offTopicSure: Double = 0.9
        /// A weak guess offers another likely topic only when the matcher gives it at least this.
        public var confirmAlternativeMin: Double = 0.05
        /// A refusal (`refusals`) less sure than this is a weak guess: the likeliest topics besides it are offered.
        public var refusalMinConfidence: Double = 0.8
        /// Below this confidence a topic or answer is not acted on: the likeliest few are offered.
        public var confirmBelow: Double
        /// At the order step, a different topic at least this sure replaces the chosen one.
        public var switchTopicMinConfidence: Double
        /// At the message step and after the appeal, an information question at least this sure
        /// and at most `questionMaxWords` words long is answered instead of being sent.
        public var questionMinConfidence: Double
        /// At the message step, an information question asked as one (a «?» or `question_forms`) is
        /// answered from this confidence on.
        public var askedQuestionMinConfidence: Double = 0.8
        public var questionMaxWords: Int
        /// Information intents that are sent to the specialist rather than answered at the message step.
        public var sendInsteadOfAnswer: [IntentID]
        /// Information intents whose answer is a refusal: no «Если остались вопросы» after them.
        public var refusals: [IntentID]
        /// Small-talk intents taken, at the message step and after an appeal, only as one of their
        /// examples as written («спасибо», «пока»): a greeting or goodbye the matcher reads in
        /// «пока нет» or «помогите» must not swallow it. The others («ты бот?») only need to be sure.
        public var exactSmalltalk: [IntentID] = [.greeting, .thanks, "goodbye"]
        /// Polite ways to decline at the message step («нет, спасибо», «спасибо, не надо»): answered
        /// as thanks there, not filed as an appeal with nothing in it. After an appeal they may answer
        /// the specialist's question, and are added.
        public var declines: [String] = []
        /// Words said around thanks or a goodbye when the chat is done («хорошо, спасибо», «всё, до
        /// свидания», «спасибо, жду ответа»): after an appeal, a short message of these words and a
        /// thanks or goodbye phrase gets that phrase's reply and is not added to the appeal.
        public var closingWords: [String] = []
        /// Words that confirm the draft shown at the message step («да», «всё верно»): they send it,
        /// as «Отправить» does, instead of being added to it.
        public var confirmations: [String] = []
        /// The words a call for a specialist is made of («соедините с оператором, пожалуйста»): a
        /// word, or with a final `*` a word's start. A call made only of these says nothing for the
        /// specialist, so at the message step it is not filed as the appeal.
        public var callWords: [String] = []
        /// Replies that say nothing for a specialist («нет», «не знаю», «ок»): at the message step,
        /// alone (or with only digits), they are not filed as the appeal; the customer is asked for
        /// the question itself.
        public var emptyReplies: [String] = []
        /// Replies to the draft shown at the message step that say it is not right («нет», «не
        /// так»): the draft is not sent, and the customer is asked what to add.
        public var draftRefusals: [String] = []
        /// Words that make a message a question at the order step («а какой телефон?»), where a
        /// product word alone («телефон») looks for an order rather than asking about support.
        public var questionWords: [String] = []
        /// Words that point at an order by what is said of it («который в пути», «тот, что
        /// доставлен»): with one of them, a short message at the order step is matched against the
        /// orders' statuses when it names no title.
        public var statusPointers: [String] = []
        /// Other ways to say an order's status, by the status as profiles write it («едет» for «в
        /// пути», «не забрала» for «ожидает в пункте выдачи»): read as that status at the order step.
        public var statusSynonyms: [String: [String]] = [:]
        /// Words that point at an order without naming it («последний», «предыдущий»): orders carry
        /// no dates, so a short message of these and words that only refer to an order («самый
        /// последний, который я заказывала») is an order the list has to tell, not a topic.
        public var orderPointers: [String] = []
        /// Words that only refer to an order beside a pointer («я», «заказывала», «самый»).
        public var orderReferenceWords: [String] = []
        /// Words for an order as such («заказ», «посылка»): with them instead of a pointer, a short
        /// message of reference words («мой заказ», «по заказу») names no order either.
        public var orderWords: [String] = []
        /// «не помню номер»: at the order step the number is not needed; the list is offered again.
        public var numberForgotten: [String] = []
        /// The same as word patterns found among other words («я не знаю номер заказа»).
        public var numberForgottenWords: [String] = []
        /// «уже не актуально», «передумала»: at the message step no appeal is wanted; nothing is
        /// filed, and a draft shown is kept unsent.
        public var neverMind: [String] = []
        /// Word patterns of «no appeal after all» said in a longer message («я передумала, не
        /// отправляйте», «вопрос снят, спасибо»): a final `*` marks a word's start.
        public var neverMindWords: [String] = []
        /// Word patterns that hold the draft shown («стоп, не отправляйте», «подождите, хочу
        /// добавить»): it is not sent.
        public var draftHolds: [String] = []
        /// The names customers give topics («возврат», «доставка»), by topic id; the menu titles count
        /// too. At the message step a topic named and nothing else («возврат», «нет, это возврат»,
        /// «не гарантия, а возврат») changes the topic, the draft kept, instead of being filed.
        public var topicNames: [String: [String]] = [:]
        /// Words said around a topic's name that do not change it («нет», «это», «тема», «нужна»).
        public var topicNameFillers: [String] = []
        /// The words that make a message asked as a question (a word, or with a final `*` a word's
        /// start: «как*», «кто», «подскаж*»): a story read as an information question but asked
        /// without them or a «?» is answered and also kept as the customer's problem.
        public var questionForms: [String] = []
        /// Words that ask for a kind of help rather than tell the problem («хочу», «написать»,
        /// «жалоба», «спор»): a short message of them and a topic's or an order's words only
        /// names a topic («хочу написать жалобу»), whatever the form of each.
        public var requestWords: [String] = []
        /// Words of buying or booking something new («забронировать», «заказать»): a message with
        /// one of them («хочу забронировать ещё один отель») never picks an order by its title.
        public var newOrderWords: [String] = []
        /// Words before an order's title that say it is not the one meant («забудьте про книгу,
        /// вопрос по наушникам», «не про книгу»): at the message step the other order named is.
        public var orderDismissals: [String] = []
        /// The same said after the title, which «про» or «о» then stands before («про книгу
        /// забудьте»).
        public var orderDismissalsAfter: [String] = []
        /// Word patterns of a request (`верн*`, `хочу`): beside `never_mind_words` they make the
        /// message the appeal («передумала, верните деньги»: the purchase, not the appeal, is off).
        public var neverMindRequests: [String] = []
        /// Word patterns that mark a message after an appeal as an addition to it («забыла сказать»,
        /// «кстати», «и ещё»): never offered as a new appeal's first message.
        public var additionWords: [String] = []

        enum CodingKeys: String, CodingKey {
            case draftMinWords = "draft_min_words"
            case offTopicSure = "off_topic_sure"
            case confirmAlternativeMin = "confirm_alternative_min"
            case refusalMinConfidence = "refusal_min_confidence"
            case confirmBelow = "confirm_below"
            case switchTopicMinConfidence = "switch_topic_min_confidence"
            case questionMinConfidence = "question_min_confidence"
            case questionMaxWords = "question_max_words"
            case askedQuestionMinConfidence = "asked_question_min_confidence"
            case sendInsteadOfAnswer = "send_instead_of_answer"
            case refusals
            case exactSmalltalk = "exact_smalltalk"
            case declines
            case closingWords = "closing_words"
            case confirmations
            case callWords = "call_words"
            case emptyReplies = "empty_replies"
            case draftRefusals = "draft_refusals"
            case questionWords = "question_words"
            case statusPointers = "status_pointers"
            case orderPointers = "order_pointers"
            case statusSynonyms = "status_synonyms"
            case orderReferenceWords = "order_reference_words"
            case orderWords = "order_words"
            case numberForgotten = "number_forgotten"
            case numberForgottenWords = "number_forgotten_words"
            case neverMind = "never_mind"
            case neverMindWords = "never_mind_words"
            case draftHolds = "draft_holds"
            case topicNames = "topic_names"
            case topicNameFillers = "topic_name_fillers"
            case questionForms = "question_forms"
            case requestWords = "request_words"
            case newOrderWords = "new_order_words"
            case orderDismissals = "order_dismissals"
            case orderDismissalsAfter = "order_dismissals_after"
            case neverMindRequests = "never_mind_requests"
            case additionWords = "addition_words"
        }

        public init(draftMinWords: Int = 5, confirmBelow: Double = 0.5, switchTopicMinConfidence: Double = 0.7,
                    questionMinConfidence: Double = 0.8, questionMaxWords: Int = 12,
                    sendInsteadOfAnswer: [IntentID] = [.unsupported], refusals: [IntentID] = [.unsupported]) {
            self.draftMinWords = draftMinWords
            self.confirmBelow = confirmBelow
            self.switchTopicMinConfidence = switchTopicMinConfidence
            self.questionMinConfidence = questionMinConfidence
            self.questionMaxWords = questionMaxWords
            self.sendInsteadOfAnswer = sendInsteadOfAnswer
            self.refusals = refusals
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = FreeText()
            draftMinWords = try c.decodeIfPresent(Int.self, forKey: .draftMinWords) ?? defaults.draftMinWords
            offTopicSure = try c.decodeIfPresent(Double.self, forKey: .offTopicSure) ?? defaults.offTopicSure
            confirmAlternativeMin = try c.decodeIfPresent(Double.self, forKey: .confirmAlternativeMin) ?? defaults.confirmAlternativeMin
            refusalMinConfidence = try c.decodeIfPresent(Double.self, forKey: .refusalMinConfidence) ?? defaults.refusalMinConfidence
            confirmBelow = try c.decodeIfPresent(Double.self, forKey: .confirmBelow) ?? defaults.confirmBelow
            switchTopicMinConfidence = try c.decodeIfPresent(Double.self, forKey: .switchTopicMinConfidence)
                ?? defaults.switchTopicMinConfidence
            questionMinConfidence = try c.decodeIfPresent(Double.self, forKey: .questionMinConfidence)
                ?? defaults.questionMinConfidence
            questionMaxWords = try c.decodeIfPresent(Int.self, forKey: .questionMaxWords) ?? defaults.questionMaxWords
            askedQuestionMinConfidence = try c.decodeIfPresent(Double.self, forKey: .askedQuestionMinConfidence)
                ?? defaults.askedQuestionMinConfidence
            sendInsteadOfAnswer = try c.decodeIfPresent([IntentID].self, forKey: .sendInsteadOfAnswer)
                ?? defaults.sendInsteadOfAnswer
            refusals = try c.decodeIfPresent([IntentID].self, forKey: .refusals) ?? defaults.refusals
            exactSmalltalk = try c.decodeIfPresent([IntentID].self, forKey: .exactSmalltalk) ?? defaults.exactSmalltalk
            declines = try c.decodeIfPresent([String].self, forKey: .declines) ?? defaults.declines
            closingWords = try c.decodeIfPresent([String].self, forKey: .closingWords) ?? defaults.closingWords
            confirmations = try c.decodeIfPresent([String].self, forKey: .confirmations) ?? defaults.confirmations
            callWords = try c.decodeIfPresent([String].self, forKey: .callWords) ?? defaults.callWords
            emptyReplies = try c.decodeIfPresent([String].self, forKey: .emptyReplies) ?? defaults.emptyReplies
            draftRefusals = try c.decodeIfPresent([String].self, forKey: .draftRefusals) ?? defaults.draftRefusals
            questionWords = try c.decodeIfPresent([String].self, forKey: .questionWords) ?? defaults.questionWords
            statusPointers = try c.decodeIfPresent([String].self, forKey: .statusPointers) ?? defaults.statusPointers
            orderPointers = try c.decodeIfPresent([String].self, forKey: .orderPointers) ?? defaults.orderPointers
            statusSynonyms = try c.decodeIfPresent([String: [String]].self, forKey: .statusSynonyms) ?? defaults.statusSynonyms
            orderReferenceWords = try c.decodeIfPresent([String].self, forKey: .orderReferenceWords) ?? defaults.orderReferenceWords
            orderWords = try c.decodeIfPresent([String].self, forKey: .orderWords) ?? defaults.orderWords
            numberForgotten = try c.decodeIfPresent([String].self, forKey: .numberForgotten) ?? defaults.numberForgotten
            numberForgottenWords = try c.decodeIfPresent([String].self, forKey: .numberForgottenWords) ?? defaults.numberForgottenWords
            neverMind = try c.decodeIfPresent([String].self, forKey: .neverMind) ?? defaults.neverMind
            neverMindWords = try c.decodeIfPresent([String].self, forKey: .neverMindWords) ?? defaults.neverMindWords
            draftHolds = try c.decodeIfPresent([String].self, forKey: .draftHolds) ?? defaults.draftHolds
            topicNames = try c.decodeIfPresent([String: [String]].self, forKey: .topicNames) ?? defaults.topicNames
            topicNameFillers = try c.decodeIfPresent([String].self, forKey: .topicNameFillers) ?? defaults.topicNameFillers
            questionForms = try c.decodeIfPresent([String].self, forKey: .questionForms) ?? defaults.questionForms
            requestWords = try c.decodeIfPresent([String].self, forKey: .requestWords) ?? defaults.requestWords
            newOrderWords = try c.decodeIfPresent([String].self, forKey: .newOrderWords) ?? defaults.newOrderWords
            orderDismissals = try c.decodeIfPresent([String].self, forKey: .orderDismissals) ?? defaults.orderDismissals
            orderDismissalsAfter = try c.decodeIfPresent([String].self, forKey: .orderDismissalsAfter) ?? defaults.orderDismissalsAfter
            neverMindRequests = try c.decodeIfPresent([String].self, forKey: .neverMindRequests) ?? defaults.neverMindRequests
            additionWords = try c.decodeIfPresent([String].self, forKey: .additionWords) ?? defaults.additionWords
        }
    }

    /// The path of the rules inside a data bundle.
    public static let path = "config/dialogue.yaml"

    /// Control words and their slash forms, as written in the file.
    public var commands: [Command: [String]]
    /// Phrases that choose «Без заказа» at the order step.
    public var noOrder: [String]
    /// Generic words that never pick an order by its title («товар», «заказ»).
    public var titleStopwords: [String]
    /// The topic of appeals made by asking for a specialist directly.
    public var generalTopic: String
    /// The information intent about how soon support answers: after an appeal, and while it
    /// waits at the desk, asking it gets the appeal's own queue and wait.
    public var waitQuestion: IntentID = "response_time"
    /// Topics whose order step offers travel bookings (when the intent names no `order_kinds`).
    public var travelTopics: [IntentID]
    public var travelKinds: [String]
    public var goodsKinds: [String]
    /// Misses in a row at the topic step before a specialist is offered.
    public var missesBeforeSpecialist: Int
    /// Wait estimates in minutes, `[low, high]`.
    public var queues: [Queue: [Int]]
    public var travelPriority: TravelPriority
    public var freeText: FreeText {
        didSet { (callWords, callWordStarts) = Self.normalizedCallWords(freeText) }
    }
    /// Words that name an order of a kind without being in its title («самолет», «билет» for a
    /// flight), by order kind.
    public var kindWords: [String: [String]]
    /// Russian spellings of Latin brand names that transliteration does not give («сяоми» for
    /// Xiaomi), by the brand in lowercase: an order whose title has the brand is found by them.
    public var brandReadings: [String: [String]] = [:]
    /// Topics without an order step that ask for the order all the same when the message that
    /// chose them asks to do something with one («хочу отменить заказ»): word patterns (see
    /// `WordPatterns`) by topic.
    public var orderRequests: [IntentID: [String]] = [:]
    /// What marks a message as angry: its words, and the share of capitals among its letters.
    public var upset: Upset {
        didSet {
            upsetStarts = Self.normalizedStarts(upset)
            upsetStartsPlain = upsetStarts.allSatisfy(PlainText.isPlain)
            upsetWordStarts = PlainText.WordStarts(upsetStarts)
        }
    }
    /// The `upset` word starts, normalized once.
    private var upsetStarts: [String]
    /// Whether every one of `upsetStarts` is a ``PlainText`` (then they are looked for by bytes).
    private var upsetStartsPlain: Bool
    /// `upsetStarts` to look for by their bytes, all in one pass over a message.
    private var upsetWordStarts: PlainText.WordStarts

    /// What marks a message as angry or shouted, for a line of sympathy before the reply.
    public struct Upset: Sendable, Hashable, Codable {
        /// Word starts (normalized) that show anger: «безобраз», «достали».
        public var words: [String]
        /// A message with at least `capsMinLetters` letters, at least this share of them capitals, is shouted.
        public var capsShare: Double
        public var capsMinLetters: Int

        enum CodingKeys: String, CodingKey {
            case words
            case capsShare = "caps_share"
            case capsMinLetters = "caps_min_letters"
        }

        public init(words: [String] = [], capsShare: Double = 0.7, capsMinLetters: Int = 10) {
            self.words = words
            self.capsShare = capsShare
            self.capsMinLetters = capsMinLetters
        }
    }

    /// Normalized control phrase → command.
    private var commandIndex: [String: Command]
    private var noOrderIndex: Set<String>
    /// `call_words` normalized: whole words, and the starts given with `*`.
    private var callWords: Set<String>
    private var callWordStarts: [String]
    /// The same by bytes, when every phrase is a ``PlainText``: a plain key is found in them
    /// exactly when it is found in the indexes above.
    private var commandBytes: [ByteKey: Command]?
    private var noOrderBytes: Set<ByteKey>?

    public init(commands: [Command: [String]], noOrder: [String], titleStopwords: [String] = [], generalTopic: String,
                travelTopics: [IntentID], travelKinds: [String], goodsKinds: [String], missesBeforeSpecialist: Int,
                queues: [Queue: [Int]], travelPriority: TravelPriority, freeText: FreeText = FreeText(),
                kindWords: [String: [String]] = [:], upset: Upset = Upset()) {
        self.commands = commands
        self.noOrder = noOrder
        self.titleStopwords = titleStopwords
        self.generalTopic = generalTopic
        self.travelTopics = travelTopics
        self.travelKinds = travelKinds
        self.goodsKinds = goodsKinds
        self.missesBeforeSpecialist = missesBeforeSpecialist
        self.queues = queues
        self.travelPriority = travelPriority
        self.freeText = freeText
        self.kindWords = kindWords
        self.upset = upset
        (callWords, callWordStarts) = Self.normalizedCallWords(freeText)
        upsetStarts = Self.normalizedStarts(upset)
        upsetStartsPlain = upsetStarts.allSatisfy(PlainText.isPlain)
        upsetWordStarts = PlainText.WordStarts(upsetStarts)
        var index: [String: Command] = [:]
        for command in Command.allCases {
            for phrase in commands[command] ?? [] {
                let key = Self.phraseKey(phrase)
                if !key.isEmpty { index[key] = command }
            }
        }
        commandIndex = index
        noOrderIndex = Set(noOrder.map(Self.phraseKey).filter { !$0.isEmpty })
        commandBytes = index.keys.allSatisfy(PlainText.isPlain)
            ? Dictionary(uniqueKeysWithValues: index.map { (ByteKey($0.key), $0.value) }) : nil
        noOrderBytes = noOrderIndex.allSatisfy(PlainText.isPlain) ? Set(noOrderIndex.map(ByteKey.init)) : nil
    }

    /// Decodes and checks the rules file: every command, every queue (`[low, high]`, low ≤ high).
    public init(yaml: String) throws {
        let file: RulesFile
        do {
            file = try YAMLDecoder().decode(RulesFile.self, from: yaml)
        } catch {
            throw DataError(file: Self.path, message: "\(error)")
        }
        var commands: [Command: [String]] = [:]
        for (key, words) in file.commands {
            guard let command = Command(rawValue: key) else {
                throw DataError(file: Self.path, message: "unknown command «\(key)»; known: back, menu, cancel, new")
            }
            commands[command] = words
        }
        if let missing = Command.allCases.first(where: { (commands[$0] ?? []).isEmpty }) {
            throw DataError(file: Self.path, message: "no words for the command «\(missing.rawValue)»")
        }
        var queues: [Queue: [Int]] = [:]
        for (key, eta) in file.queues {
            guard let queue = Queue(rawValue: key) else {
                throw DataError(file: Self.path, message: "unknown queue «\(key)»")
            }
            guard eta.count == 2, eta[0] >= 0, eta[0] <= eta[1] else {
                throw DataError(file: Self.path, message: "queue «\(key)» needs [low, high] minutes")
            }
            queues[queue] = eta
        }
        if let missing = Queue.allCases.first(where: { queues[$0] == nil }) {
            throw DataError(file: Self.path, message: "no wait estimate for the queue «\(missing.rawValue)»")
        }
        self.init(commands: commands, noOrder: file.noOrder, titleStopwords: file.titleStopwords ?? [],
                  generalTopic: file.generalTopic,
                  travelTopics: file.travelTopics, travelKinds: file.travelKinds, goodsKinds: file.goodsKinds,
                  missesBeforeSpecialist: max(1, file.missesBeforeSpecialist), queues: queues,
                  travelPriority: file.travelPriority, freeText: file.freeText ?? FreeText(),
                  kindWords: file.kindWords ?? [:], upset: file.upset ?? Upset())
        brandReadings = Dictionary(uniqueKeysWithValues: (file.brandReadings ?? [:]).map { ($0.key.lowercased(), $0.value) })
        orderRequests = Dictionary(uniqueKeysWithValues: (file.orderRequests ?? [:]).map { (IntentID($0.key), $0.value) })
        if let waitQuestion = file.waitQuestion { self.waitQuestion = waitQuestion }
    }

    /// Reads `config/dialogue.yaml` from a data bundle.
    public init(bundle: DataBundle) throws {
        guard let yaml = bundle.files[Self.path] else {
            throw DataError(file: Self.path, message: "missing from the data folder")
        }
        try self.init(yaml: yaml)
    }

    /// The command a whole message means, if it is a control word or its slash form.
    public func command(for text: String) -> Command? {
        command(forKey: Self.phraseKey(text))
    }

    /// ``command(for:)`` of a message whose ``phraseKey(_:)`` is known.
    func command(forKey key: String) -> Command? {
        if key.isEmpty { return nil }
        if let commandBytes, PlainText.isPlain(key) { return commandBytes[ByteKey(key)] }
        return commandIndex[key]
    }

    /// Whether every one of a message's words (normalized) is one of the `call_words`: a call for
    /// a specialist and nothing else. False for a message without words.
    func isOnlyCallWords(_ words: [String]) -> Bool {
        !words.isEmpty && words.allSatisfy { word in
            callWords.contains(word) || callWordStarts.contains { word.hasPrefix($0) }
        }
    }

    /// Whether a whole message means «без заказа».
    public func meansNoOrder(_ text: String) -> Bool {
        meansNoOrder(key: Self.phraseKey(text))
    }

    /// ``meansNoOrder(_:)`` of a message whose ``phraseKey(_:)`` is known.
    func meansNoOrder(key: String) -> Bool {
        if let noOrderBytes, PlainText.isPlain(key) { return noOrderBytes.contains(ByteKey(key)) }
        return noOrderIndex.contains(key)
    }

    /// The order kinds a topic's order step offers: the intent's own `order_kinds`, else travel
    /// kinds for travel topics and goods kinds for the rest.
    public func orderKinds(for topic: Intent) -> Set<String> {
        if !topic.orderKinds.isEmpty { return Set(topic.orderKinds) }
        return Set(travelTopics.contains(topic.id) ? travelKinds : goodsKinds)
    }

    /// Whether a message is angry (one of the `upset` words) or shouted (mostly capitals).
    public func isUpset(_ text: String) -> Bool {
        isUpset(text, normalized: Normalizer.normalize(text))
    }

    /// ``isUpset(_:)`` of a message whose normalized form (``Normalizer/normalize(_:)``) is known.
    func isUpset(_ text: String, normalized: String) -> Bool {
        var letters = 0
        var capitals = 0
        for scalar in text.unicodeScalars {
            // ASCII and the Russian alphabet without a look at the Unicode tables.
            let value = scalar.value
            switch value {
            case 0x41...0x5A, 0x410...0x42F, 0x401:
                letters += 1
                capitals += 1
            case 0x61...0x7A, 0x430...0x44F, 0x451:
                letters += 1
            case 0..<0x80:
                break
            default:
                if scalar.properties.isAlphabetic {
                    letters += 1
                    if scalar.properties.isUppercase { capitals += 1 }
                }
            }
        }
        if letters >= upset.capsMinLetters, Double(capitals) >= upset.capsShare * Double(letters) { return true }
        if upsetStartsPlain && PlainText.isPlain(normalized) {
            // A start with a space never begins a word; any other begins one exactly when its bytes
            // follow the text's start or a space.
            return PlainText.hasWord(in: normalized, startingWithOneOf: upsetWordStarts)
        }
        let words = PlainText.spaceSeparated(normalized)
        return upsetStarts.contains { start in !start.isEmpty && words.contains { $0.hasPrefix(start) } }
    }

    /// `free_text.call_words` normalized: the whole words, and the starts given with a final `*`.
    private static func normalizedCallWords(_ freeText: FreeText) -> (words: Set<String>, starts: [String]) {
        var words: Set<String> = []
        var starts: [String] = []
        for entry in freeText.callWords {
            if entry.hasSuffix("*") {
                let start = Normalizer.normalize(String(entry.dropLast()))
                if !start.isEmpty { starts.append(start) }
            } else {
                let word = Normalizer.normalize(entry)
                if !word.isEmpty { words.insert(word) }
            }
        }
        return (words, starts)
    }

    private static func normalizedStarts(_ upset: Upset) -> [String] {
        upset.words.map(Normalizer.normalize)
    }

    /// The wait estimate of a queue, `[low, high]` minutes.
    public func eta(_ queue: Queue) -> [Int] { queues[queue] ?? [] }

    /// The queue an appeal on `topic` about `order` waits in, at time `now`.
    ///
    /// Travel topics: the Ozon Travel priority queue for corporate clients, hotel bookings,
    /// the listed packages, and trips starting in less than `startsWithinHours` (a trip already
    /// under way no longer qualifies); the regular queue otherwise. Other topics: the Premium
    /// seller queue for Premium sellers, the regular queue for everyone else (Premium buyers included).
    public func queue(topic: String, order: Order?, profile: Profile, now: Date) -> Queue {
        if travelTopics.contains(IntentID(topic)) {
            return isTravelPriority(order: order, profile: profile, now: now) ? .travelPriority : .regular
        }
        return profile.premiumSeller ? .premiumSeller : .regular
    }

    /// Whether a travel appeal qualifies for the priority queue.
    public func isTravelPriority(order: Order?, profile: Profile, now: Date) -> Bool {
        let rules = travelPriority
        if rules.corporate && profile.corporate { return true }
        guard let order else { return false }
        if rules.kinds.contains(order.kind.rawValue) { return true }
        if let package = order.package {
            let key = Self.phraseKey(package)
            if rules.packages.contains(where: { Self.phraseKey($0) == key }) { return true }
        }
        if let start = order.startsAt {
            let ahead = start.timeIntervalSince(now)
            if ahead >= 0 && ahead < rules.startsWithinHours * 3600 { return true }
        }
        return false
    }

    /// How a phrase is compared: a slash command as typed (lowercased), anything else normalized
    /// (case, punctuation and ё ignored).
    static func phraseKey(_ text: String) -> String {
        let trimmed = text.trimmingWhitespace()
        if trimmed.hasPrefix("/") { return trimmed.lowercased() }
        return Normalizer.normalize(trimmed)
    }

    /// The words of a phrase's key, in order («Забудьте про» → «забудьте», «про»).
    static func phraseWords(_ text: String) -> [String] {
        PlainText.spaceSeparated(phraseKey(text)).map(String.init)
    }
}

/// The rules file as written.
private struct RulesFile: Decodable {
    var commands: [String: [String]]
    var noOrder: [String]
    var titleStopwords: [String]?
    var generalTopic: String
    var waitQuestion: IntentID?
    var travelTopics: [IntentID]
    var travelKinds: [String]
    var goodsKinds: [String]
    var missesBeforeSpecialist: Int
    var queues: [String: [Int]]
    var travelPriority: DialogueRules.TravelPriority
    var freeText: DialogueRules.FreeText?
    var kindWords: [String: [String]]?
    var brandReadings: [String: [String]]?
    var orderRequests: [String: [String]]?
    var upset: DialogueRules.Upset?

    enum CodingKeys: String, CodingKey {
        case commands, queues
        case noOrder = "no_order"
        case titleStopwords = "title_stopwords"
        case generalTopic = "general_topic"
        case waitQuestion = "wait_question"
        case travelTopics = "travel_topics"
        case travelKinds = "travel_kinds"
        case goodsKinds = "goods_kinds"
        case missesBeforeSpecialist = "misses_before_specialist"
        case travelPriority = "travel_priority"
        case freeText = "free_text"
        case kindWords = "kind_words"
        case brandReadings = "brand_readings"
        case orderRequests = "order_requests"
        case upset
    }
}
