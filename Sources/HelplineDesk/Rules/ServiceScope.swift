import HelplineDialogue

/// What a specialist serves: a list of lines, each a set of topics and a set of queues. An appeal
/// is served when one line has both its topic and its queue.
///
/// ```swift
/// // Every Premium seller's appeal, and the general queue's seller questions.
/// let seller = ServiceScope([ServiceLine(queues: [.premiumSeller]),
///                            ServiceLine(topics: ["seller"], queues: [.regular])])
/// seller.serves(topic: "delivery", queue: .premiumSeller)  // true
/// seller.serves(topic: "delivery", queue: .regular)        // false
/// ```
public struct ServiceScope: Sendable, Hashable, Codable {
    public var lines: [ServiceLine]

    public init(_ lines: [ServiceLine]) {
        self.lines = lines
    }

    /// Every topic in every queue.
    public static let everything = ServiceScope([ServiceLine()])

    /// Whether an appeal on `topic` waiting in `queue` is served.
    public func serves(topic: String, queue: Queue) -> Bool {
        lines.contains { $0.serves(topic: topic, queue: queue) }
    }

    /// Whether some line takes appeals of `queue`, on some topic.
    public func serves(queue: Queue) -> Bool {
        lines.contains { $0.queues?.contains(queue) ?? true }
    }

    public init(from decoder: any Decoder) throws {
        lines = try decoder.singleValueContainer().decode([ServiceLine].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(lines)
    }
}

/// One line of a ``ServiceScope``: topics (listed, or all but some, or all) in queues (listed, or all).
public struct ServiceLine: Sendable, Hashable, Codable {
    /// The topics served; `nil` is every topic but ``exceptTopics``.
    public var topics: [String]?
    /// Topics left out when ``topics`` is `nil`.
    public var exceptTopics: [String]
    /// The queues served; `nil` is every queue.
    public var queues: [Queue]?

    enum CodingKeys: String, CodingKey {
        case topics, queues
        case exceptTopics = "except_topics"
    }

    public init(topics: [String]? = nil, exceptTopics: [String] = [], queues: [Queue]? = nil) {
        self.topics = topics
        self.exceptTopics = exceptTopics
        self.queues = queues
    }

    public func serves(topic: String, queue: Queue) -> Bool {
        if let queues, !queues.contains(queue) { return false }
        if let topics { return topics.contains(topic) }
        return !exceptTopics.contains(topic)
    }

    public init(from decoder: any Decoder) throws {
        try DecodingPath.refuseUnknownKeys(decoder, known: ["topics", "except_topics", "queues"])
        let c = try decoder.container(keyedBy: CodingKeys.self)
        topics = try c.decodeIfPresent([String].self, forKey: .topics)
        exceptTopics = try c.decodeIfPresent([String].self, forKey: .exceptTopics) ?? []
        queues = try c.decodeIfPresent([Queue].self, forKey: .queues)
        if topics != nil && !exceptTopics.isEmpty {
            throw DecodingError.dataCorruptedError(forKey: .exceptTopics, in: c,
                debugDescription: "give either `topics` or `except_topics`, not both")
        }
        if topics?.isEmpty == true {
            throw DecodingError.dataCorruptedError(forKey: .topics, in: c,
                debugDescription: "an empty list serves nothing; leave `topics` out to serve every topic")
        }
        if queues?.isEmpty == true {
            throw DecodingError.dataCorruptedError(forKey: .queues, in: c,
                debugDescription: "an empty list serves nothing; leave `queues` out to serve every queue")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(topics, forKey: .topics)
        if !exceptTopics.isEmpty { try c.encode(exceptTopics, forKey: .exceptTopics) }
        try c.encodeIfPresent(queues, forKey: .queues)
    }
}
