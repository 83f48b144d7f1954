import Foundation
import GRDB
import HelplineDialogue

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

    enum CodingKeys: String, CodingKey {
        case id, profile, state, topic, conversation, version
        case orderID = "order_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let version = Column(CodingKeys.version)
        static let updatedAt = Column(CodingKeys.updatedAt)
    }
}

/// A row of `messages`: one message in or out of a session.
struct MessageRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "messages"

    var id: Int64?
    var session: String
    /// `in` (from the user) or `out` (to the user).
    var direction: String
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
}

/// A stored message of a session.
public struct StoredMessage: Sendable, Hashable {
    public enum Direction: String, Sendable, Hashable {
        /// From the user.
        case incoming = "in"
        /// To the user.
        case outgoing = "out"
    }

    public var direction: Direction
    public var text: String
    public var at: Date
}
