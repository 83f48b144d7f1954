import HelplineDialogue
import HelplineIntents

/// What simulated customers type: questions, option picks, order picks, messages to specialists.
///
/// Every text comes from the intent data (the intents' own example messages), so a load run speaks
/// the way the catalog expects customers to. The choice of the next text depends only on where the
/// conversation stands and on the customer's random generator, so a run is reproducible.
///
/// ```swift
/// let script = CustomerScript(engine: engine)
/// var random = SplitMix64(seed: 1)
/// var customer = CustomerScript.Customer(seed: 1)  // kept between the customer's turns
/// let text = script.nextText(state: reply.state, optionValues: reply.options.map(\.value), customer: &customer)
/// ```
public struct CustomerScript: Sendable {
    /// What the script keeps of one customer between turns: the topic it means and its random source.
    public struct Customer: Sendable {
        /// The topic the customer means: set when it picks a topic or asks a topic question,
        /// cleared with a new appeal, and read for its messages to the specialist.
        public var topic: IntentID?
        public var random: SplitMix64

        public init(seed: UInt64) {
            random = SplitMix64(seed: seed)
        }
    }

    /// Free-text questions about support topics (the topic intents' examples).
    public let topicQuestions: [String]
    /// Information questions answered at once (the info intents' examples).
    public let infoQuestions: [String]
    /// Messages to a specialist, typed in the `write` step when the customer's topic is not known.
    public let specialistMessages: [String]
    /// Messages to a specialist by topic: a customer writes about the topic it chose.
    let messagesByTopic: [IntentID: [String]]
    /// The topic of each topic question.
    let topicOfQuestion: [String: IntentID]

    /// The phrase that starts a new appeal (the first `new` control word of the rules).
    public let newAppeal: String
    /// The phrase that chooses «Без заказа» at the order step (the first `no_order` phrase).
    public let noOrder: String

    public init(engine: DialogueEngine) {
        self.init(catalog: engine.catalog, rules: engine.rules)
    }

    public init(catalog: IntentCatalog, rules: DialogueRules) {
        newAppeal = rules.commands[.new]?.first ?? "/new"
        noOrder = rules.noOrder.first ?? String(DialogueEngine.noOrderValue)
        let topics = catalog.intents.filter { $0.kind == .topic }
        let infos = catalog.intents.filter { $0.kind == .info && $0.id != "unsupported" }
        topicQuestions = topics.flatMap(\.examples)
        infoQuestions = infos.flatMap(\.examples)
        // Longer topic examples read like what people write to a specialist.
        let messages = topicQuestions.filter { $0.split(separator: " ").count >= 6 }
        specialistMessages = messages.isEmpty ? topicQuestions : messages
        var byTopic: [IntentID: [String]] = [:]
        var topicOf: [String: IntentID] = [:]
        for topic in topics {
            let long = topic.examples.filter { $0.split(separator: " ").count >= 6 }
            byTopic[topic.id] = long.isEmpty ? topic.examples : long
            for example in topic.examples { topicOf[example] = topic.id }
        }
        messagesByTopic = byTopic
        topicOfQuestion = topicOf
    }

    /// Every text the script may send, for warming caches or checking the data.
    public var allTexts: [String] {
        topicQuestions + infoQuestions + specialistMessages + [newAppeal, noOrder]
    }

    /// The customer's next message, given the state of the last reply and the `value`s of its options.
    ///
    /// - `choose_topic`: a free-text topic question (45 %), an info question (15 %), or a menu pick (40 %);
    /// - `choose_order`: an order pick (80 %, by option number), «без заказа» (15 %), an info question;
    /// - `write`: a message to the specialist, about the customer's topic;
    /// - `submitted`: a new appeal (50 %), one more message to the specialist (30 %), an info question.
    ///
    /// The messages to the specialist are about ``Customer/topic`` (any topic's when it is nil).
    public func nextText(state: DialogueState?, optionValues: [String], customer: inout Customer) -> String {
        let text = nextText(state: state, optionValues: optionValues, meaning: customer.topic, using: &customer.random)
        switch state {
        case .chooseTopic, nil:
            if let asked = topicOfQuestion[text] {
                customer.topic = asked
            } else if let key = Int(text), optionValues.indices.contains(key - 1) {
                let value = IntentID(rawValue: optionValues[key - 1])
                customer.topic = messagesByTopic[value] == nil ? nil : value
            }
        case .submitted where text == newAppeal:
            customer.topic = nil
        default:
            break
        }
        return text
    }

    /// ``nextText(state:optionValues:customer:)`` for a customer whose topic is not followed.
    public func nextText(state: DialogueState?, optionValues: [String],
                         using random: inout some RandomNumberGenerator) -> String {
        nextText(state: state, optionValues: optionValues, meaning: nil, using: &random)
    }

    private func nextText(state: DialogueState?, optionValues: [String], meaning topic: IntentID?,
                          using random: inout some RandomNumberGenerator) -> String {
        let roll = Int.random(in: 0..<100, using: &random)
        let messages = topic.flatMap { messagesByTopic[$0] } ?? specialistMessages
        switch state {
        case .chooseTopic, nil:
            if roll < 45 { return pick(topicQuestions, &random) }
            if roll < 60 { return pick(infoQuestions, &random) }
            return optionKey(optionValues, where: { _ in true }, &random) ?? pick(topicQuestions, &random)
        case .chooseOrder:
            if roll < 80, let key = optionKey(optionValues, where: { $0 != DialogueEngine.noOrderValue }, &random) {
                return key
            }
            if roll < 95 { return noOrder }
            return pick(infoQuestions, &random)
        case .write:
            // With a draft shown, most send it; the rest add to it.
            if roll < 60, let key = optionKey(optionValues, where: { $0 == DialogueEngine.sendValue }, &random) { return key }
            return pick(messages, &random)
        case .submitted:
            if roll < 50 { return newAppeal }
            if roll < 80 { return pick(messages, &random) }
            return pick(infoQuestions, &random)
        }
    }

    /// The number of a random option whose value passes `filter` (options are numbered from 1).
    private func optionKey(_ values: [String], where filter: (String) -> Bool,
                           _ random: inout some RandomNumberGenerator) -> String? {
        let eligible = values.indices.filter { filter(values[$0]) }
        guard let index = eligible.randomElement(using: &random) else { return nil }
        return String(index + 1)
    }

    private func pick(_ texts: [String], _ random: inout some RandomNumberGenerator) -> String {
        texts.randomElement(using: &random) ?? newAppeal
    }
}

/// A small, fast, seedable random generator (SplitMix64), so load runs are reproducible.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
