import Foundation
import GRDB
import HelplineDialogue
import HelplineIntents

/// A row of `sessions`: one open conversation.
///
/// The conversation itself is stored whole as JSON; state, topic and order are copied into their
/// own columns so the database can be read and queried without decoding it.
struct SessionRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "sessions"

    var id: String
    /// The customer's profile, JSON.
    var profile: String
    var state: String
    var topic: String?
    var orderID: String?
    /// The whole `Conversation`, JSON.
    var conversation: String
    /// Bumped by every turn; a turn only applies over the version it was computed from.
    var version: Int
    var createdAt: Date
    var updatedAt: Date
    /// `updated_at` rounded down to ten minutes, as stored (``ExpiryFloor``).
    var updatedAtFloor: String
    /// The id of the session's newest message, the head of its chain (``MessageChain``).
    var lastMessage: Int64?

    enum CodingKeys: String, CodingKey {
        case id, profile, state, topic, conversation, version
        case orderID = "order_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case updatedAtFloor = "updated_at_floor"
        case lastMessage = "last_message"
    }

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let version = Column(CodingKeys.version)
        static let updatedAt = Column(CodingKeys.updatedAt)
        static let updatedAtFloor = Column(CodingKeys.updatedAtFloor)
    }
}

/// The `conversation` column: a ``Conversation`` without what is stored elsewhere or derivable,
/// its options written as `[key, label, value]` arrays (a third cheaper to encode than objects).
///
/// The profile has its own column and the last reply is, nearly always, the conversation's state,
/// options and appeal with a text and an intent: only those two are stored then. This keeps the JSON
/// written on every turn short. Rows written whole (a `Conversation` as JSON, profile and last
/// reply included) decode too.
package struct StoredConversation: Encodable {
    package var conversation: Conversation

    enum CodingKeys: String, CodingKey {
        case id, profile, state, topic, order, ticket, misses, options, lastReply, ticketCount, draft
        case replyText, replyIntent
    }

    package init(_ conversation: Conversation) {
        self.conversation = conversation
    }

    /// Decodes a row; `profile` stands in when the JSON has none.
    package static func decode(_ json: String, profile: @autoclosure () throws -> Profile) throws -> Conversation {
        let decoder = JSONDecoder()
        let stored = try decoder.decode(Partial.self, from: Data(json.utf8))
        var conversation = Conversation(id: stored.id, profile: try stored.profile ?? profile())
        conversation.state = stored.state
        conversation.topic = stored.topic
        conversation.order = stored.order
        conversation.ticket = stored.ticket
        conversation.misses = stored.misses
        let options = stored.options.map(\.option)
        conversation.options = options
        conversation.ticketCount = stored.ticketCount
        conversation.draft = stored.draft
        if let reply = stored.lastReply {
            conversation.lastReply = reply
        } else if let text = stored.replyText {
            conversation.lastReply = Reply(state: stored.state, text: text, options: options,
                                           intent: stored.replyIntent, ticket: stored.ticket)
        }
        return conversation
    }

    /// The stored fields, the profile and the last reply optional.
    private struct Partial: Decodable {
        var id: String
        var profile: Profile?
        var state: DialogueState
        var topic: String?
        var order: String?
        var ticket: Ticket?
        var misses: Int
        var options: [StoredOption]
        var lastReply: Reply?
        var replyText: String?
        var replyIntent: IntentScore?
        var ticketCount: Int
        var draft: [String]?
    }

    package func encode(to encoder: any Encoder) throws {
        let c = conversation
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(c.id, forKey: .id)
        try container.encode(c.state, forKey: .state)
        try container.encodeIfPresent(c.topic, forKey: .topic)
        try container.encodeIfPresent(c.order, forKey: .order)
        try container.encodeIfPresent(c.ticket, forKey: .ticket)
        try container.encode(c.misses, forKey: .misses)
        try container.encode(c.options.map(StoredOption.init), forKey: .options)
        try container.encode(c.ticketCount, forKey: .ticketCount)
        try container.encodeIfPresent(c.draft, forKey: .draft)
        if let reply = c.lastReply {
            let derivable = reply.state == c.state && reply.options == c.options && reply.ticket == c.ticket
            if derivable {
                try container.encode(reply.text, forKey: .replyText)
                try container.encodeIfPresent(reply.intent, forKey: .replyIntent)
            } else {
                try container.encode(reply, forKey: .lastReply)
            }
        }
    }
}

/// An option in the `conversation` column: `["1","Доставка","delivery"]`. Rows written before
/// hold `{"key":…,"label":…,"value":…}`, which decode too.
struct StoredOption: Codable {
    var option: ReplyOption

    init(_ option: ReplyOption) {
        self.option = option
    }

    init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            option = ReplyOption(key: try array.decode(String.self), label: try array.decode(String.self),
                                 value: try array.decode(String.self))
        } else {
            option = try ReplyOption(from: decoder)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var array = encoder.unkeyedContainer()
        try array.encode(option.key)
        try array.encode(option.label)
        try array.encode(option.value)
    }
}

/// A row of `messages`: one message in or out of a session.
struct MessageRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "messages"

    var id: Int64?
    var session: String
    var direction: StoredMessage.Direction
    var text: String
    var at: Date

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// A row of `tickets`: an appeal to a specialist. Appeals outlive their sessions.
struct TicketRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "tickets"

    var id: String
    var session: String
    var topic: String
    var orderID: String?
    var queue: String
    /// `[low, high]` minutes, JSON.
    var etaMinutes: String
    /// The messages to the specialist, JSON array of strings.
    var messages: String
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, session, topic, queue, messages
        case orderID = "order_id"
        case etaMinutes = "eta_minutes"
        case createdAt = "created_at"
    }
}

/// A stored appeal, as the database holds it.
public struct StoredTicket: Sendable, Hashable {
    public var session: String
    public var ticket: Ticket

    package init(session: String, ticket: Ticket) {
        self.session = session
        self.ticket = ticket
    }
}

/// A stored message of a session.
public struct StoredMessage: Sendable, Hashable {
    /// The `direction` column.
    public enum Direction: String, Sendable, Hashable, Codable {
        /// From the user.
        case incoming = "in"
        /// To the user.
        case outgoing = "out"
    }

    public var direction: Direction
    public var text: String
    public var at: Date

    package init(direction: Direction, text: String, at: Date) {
        self.direction = direction
        self.text = text
        self.at = at
    }
}
