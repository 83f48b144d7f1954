import Foundation
import HelplineDialogue

/// A change the turn journal keeps: a new session or a turn, as the rows the SQLite store writes
/// for it, in plain values.
enum JournalEntry: Sendable, Equatable {
    case create(SessionRow)
    case turn(TurnRow)

    /// The entry for `write`, if the journal keeps such writes: sessions opened, and turns that do
    /// not change the specialists' desk.
    init?(_ write: SessionWrite) throws {
        switch write {
        case .create(let conversation, let greeting, let at):
            self = .create(try SessionRow(conversation, greeting: greeting, at: at))
        case .turn(let turn) where turn.desk == nil:
            self = .turn(try TurnRow(turn))
        case .turn, .touch, .delete, .desk:
            return nil
        }
    }

    /// The session the entry is for.
    var session: String {
        switch self {
        case .create(let row): row.session
        case .turn(let row): row.session
        }
    }

    /// The session's version once the entry is applied.
    var version: Int {
        switch self {
        case .create: 1
        case .turn(let row): row.expectedVersion + 1
        }
    }
}

/// A new session's row and greeting.
struct SessionRow: Sendable, Equatable {
    var session: String
    /// The `profile` column.
    var profile: String
    var state: String
    var topic: String?
    var order: String?
    /// The `conversation` column.
    var conversation: String
    var greeting: String
    /// The time it was opened, as stored (``StoredDate/text(_:)``).
    var at: String

    init(session: String, profile: String, state: String, topic: String?, order: String?, conversation: String,
         greeting: String, at: String) {
        self.session = session
        self.profile = profile
        self.state = state
        self.topic = topic
        self.order = order
        self.conversation = conversation
        self.greeting = greeting
        self.at = at
    }

    init(_ conversation: Conversation, greeting: String, at: Date) throws {
        self.init(
            session: conversation.id, profile: try SessionDatabase.json(conversation.profile), state: conversation.state.rawValue,
            topic: conversation.topic, order: conversation.order, conversation: try SessionDatabase.conversationColumn(conversation),
            greeting: greeting, at: StoredDate.text(at))
    }
}

/// A turn's rows: the session's new columns, the two messages and the appeal's changes.
struct TurnRow: Sendable, Equatable {
    var session: String
    var state: String
    var topic: String?
    var order: String?
    /// The `conversation` column.
    var conversation: String
    var expectedVersion: Int
    var incoming: String
    var outgoing: String
    /// The turn's time as stored (``StoredDate/text(_:)``).
    var at: String
    /// The `profile` column, when the turn changed the profile.
    var profile: String?
    var effects: [EffectRow]

    init(session: String, state: String, topic: String?, order: String?, conversation: String, expectedVersion: Int,
         incoming: String, outgoing: String, at: String, profile: String?, effects: [EffectRow]) {
        self.session = session
        self.state = state
        self.topic = topic
        self.order = order
        self.conversation = conversation
        self.expectedVersion = expectedVersion
        self.incoming = incoming
        self.outgoing = outgoing
        self.at = at
        self.profile = profile
        self.effects = effects
    }

    init(_ turn: TurnWrite) throws {
        let conversation = turn.conversation
        self.init(
            session: conversation.id, state: conversation.state.rawValue, topic: conversation.topic, order: conversation.order,
            conversation: turn.stored, expectedVersion: turn.expectedVersion, incoming: turn.incoming, outgoing: turn.outgoing,
            at: StoredDate.text(turn.at), profile: turn.profileChanged ? try SessionDatabase.json(conversation.profile) : nil,
            effects: turn.effects.map(EffectRow.init))
    }
}

/// An appeal's row changed by a turn, in the `tickets` table's terms.
enum EffectRow: Sendable, Equatable {
    /// A new appeal; `etaMinutes` and `messages` are the JSON columns, `createdAt` as stored.
    case open(id: String, topic: String, order: String?, queue: String, etaMinutes: String, messages: String, createdAt: String)
    /// A message added to the appeal `id`.
    case append(id: String, message: String)

    init(_ effect: Effect) {
        switch effect {
        case .openTicket(let ticket):
            // The two JSON columns as `JSONEncoder` would write them (JSONWriter's property tests).
            var eta = JSONWriter(capacity: 16)
            eta.intArray(ticket.etaMinutes)
            var messages = JSONWriter(capacity: 256)
            messages.stringArray(ticket.messages)
            self = .open(id: ticket.id, topic: ticket.topic, order: ticket.order, queue: ticket.queue.rawValue,
                         etaMinutes: String(decoding: eta.bytes, as: UTF8.self),
                         messages: String(decoding: messages.bytes, as: UTF8.self), createdAt: StoredDate.text(ticket.createdAt))
        case .appendToTicket(let id, let message):
            self = .append(id: id, message: message)
        }
    }
}
