/// One intent, as declared by one file in `Intents/`.
public struct Intent: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A support topic on the chat's menu.
        case topic
        /// An information request answered at once from the seed's facts.
        case info
        /// Steers the conversation (`operator`).
        case control
        /// Greeting, thanks, goodbye.
        case smalltalk
    }

    public var id: IntentID
    public var kind: Kind
    /// The menu label for topics, a short name for the rest.
    public var title: String
    /// Whether the dialogue asks for an order after this topic.
    public var needsOrder: Bool
    /// Which order kinds the order step offers (e.g. `[goods]`, or the travel kinds). Empty means all.
    public var orderKinds: [String]
    /// The answer shown for info intents (and the refusal for `unsupported`).
    public var answer: String?
    /// Other answers for info intents, each with the condition that selects it; the first whose
    /// condition holds is shown instead of ``answer`` (the dialogue checks the conditions).
    public var answerVariants: [AnswerVariant]
    /// Example messages the model learns from.
    public var examples: [String]
    /// Words or phrases that are strong evidence for this intent.
    public var keywords: [String]

    enum CodingKeys: String, CodingKey {
        case id, kind, title, answer, examples, keywords
        case answerVariants = "answers"
        case needsOrder = "needs_order"
        case orderKinds = "order_kinds"
    }

    public init(id: IntentID, kind: Kind, title: String, needsOrder: Bool = false, orderKinds: [String] = [],
                answer: String? = nil, answerVariants: [AnswerVariant] = [], examples: [String] = [],
                keywords: [String] = []) {
        self.id = id
        self.kind = kind
        self.title = title
        self.needsOrder = needsOrder
        self.orderKinds = orderKinds
        self.answer = answer
        self.answerVariants = answerVariants
        self.examples = examples
        self.keywords = keywords
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(IntentID.self, forKey: .id)
        kind = try c.decode(Kind.self, forKey: .kind)
        title = try c.decode(String.self, forKey: .title)
        needsOrder = try c.decodeIfPresent(Bool.self, forKey: .needsOrder) ?? false
        orderKinds = try c.decodeIfPresent([String].self, forKey: .orderKinds) ?? []
        answer = try c.decodeIfPresent(String.self, forKey: .answer)
        answerVariants = try c.decodeIfPresent([AnswerVariant].self, forKey: .answerVariants) ?? []
        examples = try c.decodeIfPresent([String].self, forKey: .examples) ?? []
        keywords = try c.decodeIfPresent([String].self, forKey: .keywords) ?? []
    }
}

/// An answer shown instead of an intent's main one when its condition holds: the message has a
/// word starting with one of `words` (normalized, ё as е), or the customer has one of the
/// `profile` flags (`premium`, `seller`, `premium_seller`, `corporate`). With both, either is enough.
public struct AnswerVariant: Sendable, Hashable, Codable {
    public var words: [String]
    public var profile: [String]
    public var text: String

    enum CodingKeys: String, CodingKey {
        case words, profile, text
    }

    public init(words: [String] = [], profile: [String] = [], text: String) {
        self.words = words
        self.profile = profile
        self.text = text
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        words = try c.decodeIfPresent([String].self, forKey: .words) ?? []
        profile = try c.decodeIfPresent([String].self, forKey: .profile) ?? []
        text = try c.decode(String.self, forKey: .text)
    }
}
