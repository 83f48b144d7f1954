import Foundation
import HelplineDialogue
import HelplineIntents
import HelplineText
import Yams

/// The desk's rules that are data, decoded from `Intents/config/desk.yaml`: the queues' ranks and
/// longest waits, the specialists' roles, the grace period, the estimate's window, the phrases that
/// close an appeal or ask about the wait, and the texts the customer is told.
///
/// The queues' average waits (the seed's 5–10 minutes in the chat, 1–3 for Premium sellers) are
/// not repeated here: they come from `config/dialogue.yaml` (``DialogueRules/queues``).
///
/// ```swift
/// let rules = try DeskRules(bundle: .embedded)
/// rules.rank(.premiumSeller) > rules.rank(.regular)   // true
/// rules.maxWait(.regular)                             // 1200 seconds
/// ```
public struct DeskRules: Sendable, Hashable {
    /// How one queue is served.
    public struct QueueRule: Sendable, Hashable {
        /// Higher ranks are served first.
        public var rank: Int
        /// After this many seconds of waiting an appeal is served before every appeal that has
        /// waited less, whatever its queue; `nil` for a queue with no higher-ranked one.
        public var maxWaitSeconds: Double?

        public init(rank: Int, maxWaitSeconds: Double? = nil) {
            self.rank = rank
            self.maxWaitSeconds = maxWaitSeconds
        }
    }

    /// The path of the rules inside a data bundle.
    public static let path = "config/desk.yaml"

    public var queues: [Queue: QueueRule]
    /// What specialists of each role serve.
    public var roles: [String: ServiceScope]
    /// How long a specialist with no connection keeps their appeals.
    public var graceSeconds: Double
    /// How many recent handling times per queue the estimate looks at.
    public var window: Int
    /// Fewer handling times than this, and the estimate is the queue's average.
    public var minSamples: Int
    /// The queues' average waits in minutes, `[low, high]` (from `config/dialogue.yaml`).
    public var averages: [Queue: [Int]]
    public var prompts: DeskPrompts
    /// The topics appeals can be on (the catalog's topics and the general topic), once
    /// ``checkTopics(_:)`` has been given them; empty until then, and then topics go unchecked.
    public private(set) var topics: Set<String> = []
    /// Whole messages (normalized) that close the appeal.
    private var closePhrases: Set<String>
    /// Whole messages (normalized) that ask about the wait.
    private var waitPhrases: Set<String>

    public init(queues: [Queue: QueueRule], roles: [String: ServiceScope], graceSeconds: Double, window: Int,
                minSamples: Int, averages: [Queue: [Int]], customerCloses: [String], waitQuestions: [String],
                prompts: DeskPrompts) {
        self.queues = queues
        self.roles = roles
        self.graceSeconds = graceSeconds
        self.window = max(1, window)
        self.minSamples = max(1, minSamples)
        self.averages = averages
        self.prompts = prompts
        closePhrases = Set(customerCloses.map(Self.phraseKey).filter { !$0.isEmpty })
        waitPhrases = Set(waitQuestions.map(Self.phraseKey).filter { !$0.isEmpty })
    }

    /// Reads `config/desk.yaml`, and the queues' averages from `config/dialogue.yaml`, from a bundle.
    public init(bundle: DataBundle) throws {
        guard let yaml = bundle.files[Self.path] else {
            throw DataError(file: Self.path, message: "missing from the data folder")
        }
        try self.init(yaml: yaml, averages: try DialogueRules(bundle: bundle).queues)
    }

    /// Decodes and checks the desk file. Every error names the key at fault, e.g.
    /// «`queues.regular.max_wait_minutes` is required: …».
    public init(yaml: String, averages: [Queue: [Int]]) throws {
        let file: DeskFile
        do {
            file = try YAMLDecoder().decode(DeskFile.self, from: yaml)
        } catch let error as DecodingError {
            throw DataError(file: Self.path, message: DecodingPath.describe(error))
        } catch {
            throw DataError(file: Self.path, message: "\(error)")
        }
        func fail(_ message: String) -> DataError { DataError(file: Self.path, message: message) }

        var queues: [Queue: QueueRule] = [:]
        for (key, rule) in file.queues.sorted(by: { $0.key < $1.key }) {
            guard let queue = Queue(rawValue: key) else {
                throw fail("`queues.\(key)`: unknown queue; known: \(Queue.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let minutes = rule.maxWaitMinutes, !(minutes > 0) {
                throw fail("`queues.\(key).max_wait_minutes` must be more than 0")
            }
            queues[queue] = QueueRule(rank: rule.rank, maxWaitSeconds: rule.maxWaitMinutes.map { $0 * 60 })
        }
        for queue in Queue.allCases where queues[queue] == nil {
            throw fail("missing key `queues.\(queue.rawValue)`")
        }
        for queue in Queue.allCases {
            guard let rule = queues[queue], rule.maxWaitSeconds == nil else { continue }
            if let higher = Queue.allCases.first(where: { (queues[$0]?.rank ?? .min) > rule.rank }) {
                throw fail("`queues.\(queue.rawValue).max_wait_minutes` is required: the queue ranks below "
                    + "«\(higher.rawValue)» and would wait for as long as that one has appeals")
            }
        }
        if file.roles.isEmpty { throw fail("`roles` names no role") }
        for (name, role) in file.roles.sorted(by: { $0.key < $1.key }) where role.serves.isEmpty {
            throw fail("`roles.\(name).serves` is empty: the role would serve nothing")
        }
        guard file.graceSeconds >= 0 else { throw fail("`grace_seconds` must be 0 or more") }
        guard file.estimate.window >= 1 else { throw fail("`estimate.window` must be at least 1") }
        guard (1...file.estimate.window).contains(file.estimate.minSamples) else {
            throw fail("`estimate.min_samples` must be from 1 to `estimate.window`")
        }
        if file.customerCloses.isEmpty { throw fail("`customer_closes` is empty") }
        if file.waitQuestions.isEmpty { throw fail("`wait_questions` is empty") }
        for key in file.texts.keys.sorted() where DeskPrompt(rawValue: key) == nil {
            throw fail("`texts.\(key)`: unknown text; known: \(DeskPrompt.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        for key in DeskPrompt.allCases where (file.texts[key.rawValue] ?? "").isEmpty {
            throw fail("missing key `texts.\(key.rawValue)`")
        }
        for (key, text) in file.texts.sorted(by: { $0.key < $1.key }) {
            if let unknown = DeskPrompts.placeholderNames(in: text).first(where: { !DeskPrompts.placeholders.contains($0) }) {
                throw fail("`texts.\(key)` has the placeholder {\(unknown)}, which is never filled; known: "
                    + DeskPrompts.placeholders.sorted().map { "{\($0)}" }.joined(separator: ", "))
            }
        }
        guard file.minuteForms.count == 3 else { throw fail("`minute_forms` needs three forms (one, few, many)") }
        guard file.appealForms.count == 3 else { throw fail("`appeal_forms` needs three forms (one, few, many)") }
        for queue in Queue.allCases where averages[queue]?.count != 2 {
            throw DataError(file: DialogueRules.path, message: "no wait estimate for the queue «\(queue.rawValue)»")
        }

        self.init(queues: queues, roles: file.roles.mapValues { ServiceScope($0.serves) },
                  graceSeconds: file.graceSeconds, window: file.estimate.window, minSamples: file.estimate.minSamples,
                  averages: averages, customerCloses: file.customerCloses, waitQuestions: file.waitQuestions,
                  prompts: DeskPrompts(texts: file.texts, minuteForms: file.minuteForms, appealForms: file.appealForms))
    }

    /// Refuses roles that name a topic outside `known` (the catalog's topics and the general topic),
    /// naming the role and the line; then keeps `known`, so that a transfer to another topic is
    /// refused too.
    public mutating func checkTopics(_ known: Set<String>) throws {
        defer { topics = known }
        for name in roles.keys.sorted() {
            for (index, line) in (roles[name]?.lines ?? []).enumerated() {
                let (key, topics) = line.topics.map { ("topics", $0) } ?? ("except_topics", line.exceptTopics)
                if let unknown = topics.first(where: { !known.contains($0) }) {
                    throw DataError(file: Self.path,
                                    message: "`roles.\(name).serves[\(index)].\(key)`: unknown topic «\(unknown)»")
                }
            }
        }
    }

    /// A queue's rank: higher is served first.
    public func rank(_ queue: Queue) -> Int { queues[queue]?.rank ?? 0 }

    /// How long an appeal of `queue` waits before it is served ahead of the higher queues.
    public func maxWait(_ queue: Queue) -> Double? { queues[queue]?.maxWaitSeconds }

    /// The queue's average wait in minutes, `[low, high]`: the estimate while there is no history.
    public func average(_ queue: Queue) -> [Int] { averages[queue] ?? [] }

    /// Whether a whole message closes the appeal («спасибо, вопрос решён»).
    public func isCustomerClosing(_ text: String) -> Bool {
        let key = Self.phraseKey(text)
        if closePhrases.contains(key) { return true }
        // A short message that says one of the phrases among other words («спасибо большое, вопрос
        // решён», «вопрос решён, закрывайте»), as whole words, with nothing that turns it round
        // («не», «нет», «но»: «вопрос решён, но не полностью»).
        let words = key.split(separator: " ")
        guard words.count <= Self.closingMessageWords, !words.contains(where: { ["не", "нет", "но"].contains($0) }) else {
            return false
        }
        let padded = " " + key + " "
        return closePhrases.contains { padded.contains(" " + $0 + " ") }
    }

    /// The longest message read as closing the appeal for a phrase it contains.
    static let closingMessageWords = 7

    /// Whether a whole message asks how long the wait is («сколько ждать?»).
    public func isWaitQuestion(_ text: String) -> Bool {
        waitPhrases.contains(Self.phraseKey(text))
    }

    /// A slash command as typed (lowercased, trimmed); anything else normalized: case,
    /// punctuation and ё ignored.
    static func phraseKey(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("/") { return trimmed.lowercased() }
        return Normalizer.normalize(trimmed)
    }
}

/// The desk file as written. Unknown keys are refused, so a misspelt optional key is named
/// instead of being read as absent.
private struct DeskFile: Decodable {
    struct QueueEntry: Decodable {
        var rank: Int
        var maxWaitMinutes: Double?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case rank
            case maxWaitMinutes = "max_wait_minutes"
        }

        init(from decoder: any Decoder) throws {
            try DecodingPath.refuseUnknownKeys(decoder, known: CodingKeys.allCases.map(\.rawValue))
            let c = try decoder.container(keyedBy: CodingKeys.self)
            rank = try c.decode(Int.self, forKey: .rank)
            maxWaitMinutes = try c.decodeIfPresent(Double.self, forKey: .maxWaitMinutes)
        }
    }

    struct Role: Decodable {
        var serves: [ServiceLine]

        enum CodingKeys: String, CodingKey, CaseIterable { case serves }

        init(from decoder: any Decoder) throws {
            try DecodingPath.refuseUnknownKeys(decoder, known: CodingKeys.allCases.map(\.rawValue))
            serves = try decoder.container(keyedBy: CodingKeys.self).decode([ServiceLine].self, forKey: .serves)
        }
    }

    struct Estimate: Decodable {
        var window: Int
        var minSamples: Int

        enum CodingKeys: String, CodingKey, CaseIterable {
            case window
            case minSamples = "min_samples"
        }

        init(from decoder: any Decoder) throws {
            try DecodingPath.refuseUnknownKeys(decoder, known: CodingKeys.allCases.map(\.rawValue))
            let c = try decoder.container(keyedBy: CodingKeys.self)
            window = try c.decode(Int.self, forKey: .window)
            minSamples = try c.decode(Int.self, forKey: .minSamples)
        }
    }

    var queues: [String: QueueEntry]
    var roles: [String: Role]
    var graceSeconds: Double
    var estimate: Estimate
    var customerCloses: [String]
    var waitQuestions: [String]
    var texts: [String: String]
    var minuteForms: [String]
    var appealForms: [String]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case queues, roles, estimate, texts
        case graceSeconds = "grace_seconds"
        case customerCloses = "customer_closes"
        case waitQuestions = "wait_questions"
        case minuteForms = "minute_forms"
        case appealForms = "appeal_forms"
    }

    init(from decoder: any Decoder) throws {
        try DecodingPath.refuseUnknownKeys(decoder, known: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        queues = try c.decode([String: QueueEntry].self, forKey: .queues)
        roles = try c.decode([String: Role].self, forKey: .roles)
        graceSeconds = try c.decode(Double.self, forKey: .graceSeconds)
        estimate = try c.decode(Estimate.self, forKey: .estimate)
        customerCloses = try c.decode([String].self, forKey: .customerCloses)
        waitQuestions = try c.decode([String].self, forKey: .waitQuestions)
        texts = try c.decode([String: String].self, forKey: .texts)
        minuteForms = try c.decode([String].self, forKey: .minuteForms)
        appealForms = try c.decode([String].self, forKey: .appealForms)
    }
}
