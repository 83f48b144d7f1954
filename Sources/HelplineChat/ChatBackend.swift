import Foundation
import HelplineDialogue

/// One conversation with the assistant, wherever the assistant runs: in this process or behind the
/// daemon's socket. The chat REPL and the transcript replayer drive a conversation only through this.
///
/// A backend holds one session at a time: `open` starts it, `say` is one user turn, `state` repeats
/// where the conversation stands without changing it.
public protocol ChatBackend: Sendable {
    /// Starts a conversation for `profile` and returns its session id and greeting.
    func open(profile: Profile) async throws -> SessionReply
    /// One user turn: the reply to `text`.
    func say(_ text: String) async throws -> Reply
    /// The current reply and what is known of the conversation's place, changing nothing.
    func state() async throws -> SessionSnapshot
    /// Ends the conversation and releases what the backend holds for it.
    func close() async
}

/// A session's id with the reply that opened (or resumed) it.
public struct SessionReply: Sendable, Hashable {
    public var session: String
    public var reply: Reply

    public init(session: String, reply: Reply) {
        self.session = session
        self.reply = reply
    }
}

/// Where a conversation stands: the reply on screen, and the chosen topic and order where the
/// backend knows them.
public struct SessionSnapshot: Sendable, Hashable {
    public var session: String
    public var reply: Reply
    /// The chosen topic id.
    public var topic: String?
    /// The chosen order id.
    public var order: String?

    public init(session: String, reply: Reply, topic: String?, order: String?) {
        self.session = session
        self.reply = reply
        self.topic = topic
        self.order = order
    }

    public var state: DialogueState { reply.state }
    /// The session's appeal, once one exists.
    public var ticket: Ticket? { reply.ticket }
}

/// A conversation that could not go on, and why, in words a user can read.
public struct ChatBackendError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// What kind of failure it is.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// `say` or `state` before `open`.
        public static let notOpen = Code(rawValue: "not_open")
        /// The daemon cannot be reached, or went away.
        public static let unreachable = Code(rawValue: "unreachable")
        /// The daemon no longer knows the session (expired or closed).
        public static let sessionLost = Code(rawValue: "session_lost")
        /// The daemon answered with an error.
        public static let rejected = Code(rawValue: "rejected")
        /// The daemon kept to a limit of the conversation (the appeal is full, the session has
        /// filed all its appeals): nothing changed, and the chat goes on.
        public static let limit = Code(rawValue: "limit")
    }
}
