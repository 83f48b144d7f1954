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

    public var id: String
    public var kind: Kind
    /// The menu label for topics, a short name for the rest.
    public var title: String
    /// Whether the dialogue asks for an order after this topic.
    public var needsOrder: Bool
    /// Which order kinds the order step offers (e.g. `[goods]`, or the travel kinds). Empty means all.
    public var orderKinds: [String]
    /// The answer shown for info intents (and the refusal for `unsupported`).
    public var answer: String?
    /// Example messages the model learns from.
    public var examples: [String]
    /// Words or phrases that are strong evidence for this intent.
    public var keywords: [String]

    enum CodingKeys: String, CodingKey {
        case id, kind, title, answer, examples, keywords
        case needsOrder = "needs_order"
        case orderKinds = "order_kinds"
    }

    public init(id: String, kind: Kind, title: String, needsOrder: Bool = false, orderKinds: [String] = [],
                answer: String? = nil, examples: [String] = [], keywords: [String] = []) {
        self.id = id
        self.kind = kind
        self.title = title
        self.needsOrder = needsOrder
        self.orderKinds = orderKinds
        self.answer = answer
        self.examples = examples
        self.keywords = keywords
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        kind = try c.decode(Kind.self, forKey: .kind)
        title = try c.decode(String.self, forKey: .title)
        needsOrder = try c.decodeIfPresent(Bool.self, forKey: .needsOrder) ?? false
        orderKinds = try c.decodeIfPresent([String].self, forKey: .orderKinds) ?? []
        answer = try c.decodeIfPresent(String.self, forKey: .answer)
        examples = try c.decodeIfPresent([String].self, forKey: .examples) ?? []
        keywords = try c.decodeIfPresent([String].self, forKey: .keywords) ?? []
    }
}
