import Foundation
import HelplineIntents

/// Where a conversation stands.
public enum DialogueState: String, Sendable, Hashable, Codable {
    case chooseTopic = "choose_topic"
    case chooseOrder = "choose_order"
    case write
    case submitted
}

/// A numbered choice offered to the user. Saying its key, label or value chooses it.
public struct ReplyOption: Sendable, Hashable, Codable {
    public var key: String
    public var label: String
    /// A topic id, an order id, or a command such as `no_order`.
    public var value: String

    public init(key: String, label: String, value: String) {
        self.key = key
        self.label = label
        self.value = value
    }
}

/// The support queue an appeal waits in.
public enum Queue: String, Sendable, Hashable, Codable, CaseIterable {
    case regular
    case premiumSeller = "premium_seller"
    case travelPriority = "travel_priority"
}

extension Queue {
    /// Reads a queue's name; an unknown one is refused with the known names (not the one given,
    /// which may be anything a client sent).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let queue = Queue(rawValue: name) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "unknown queue; known: \(Queue.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = queue
    }
}

/// An appeal to a specialist.
public struct Ticket: Sendable, Hashable, Codable {
    public var id: String
    /// The topic id, or `general` when the user asked for a specialist directly.
    public var topic: String
    public var order: String?
    public var queue: Queue
    /// The wait estimate in minutes, `[low, high]`.
    public var etaMinutes: [Int]
    /// The messages to the specialist, in order, exactly as written.
    public var messages: [String]
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, topic, order, queue, messages
        case etaMinutes = "eta_minutes"
        case createdAt = "created_at"
    }

    public init(id: String, topic: String, order: String?, queue: Queue, etaMinutes: [Int],
                messages: [String], createdAt: Date) {
        self.id = id
        self.topic = topic
        self.order = order
        self.queue = queue
        self.etaMinutes = etaMinutes
        self.messages = messages
        self.createdAt = createdAt
    }
}

/// What the user sees after a turn. The daemon's protocol sends exactly these fields.
public struct Reply: Sendable, Hashable, Codable {
    public var state: DialogueState
    public var text: String
    public var options: [ReplyOption]
    /// The recognised intent of the user's last message, when it was read for one (not chosen
    /// from the options or said as a control word).
    public var intent: IntentScore?
    /// The session's appeal, once one exists.
    public var ticket: Ticket?

    public init(state: DialogueState, text: String, options: [ReplyOption] = [],
                intent: IntentScore? = nil, ticket: Ticket? = nil) {
        self.state = state
        self.text = text
        self.options = options
        self.intent = intent
        self.ticket = ticket
    }
}

/// What a turn asks the host to do besides showing the reply.
public enum Effect: Sendable, Hashable {
    /// Store a new appeal.
    case openTicket(Ticket)
    /// Add a message to an existing appeal.
    case appendToTicket(id: String, message: String)
}

/// The result of one user turn.
public struct Turn: Sendable, Hashable {
    public var reply: Reply
    public var effects: [Effect]

    public init(reply: Reply, effects: [Effect] = []) {
        self.reply = reply
        self.effects = effects
    }
}
