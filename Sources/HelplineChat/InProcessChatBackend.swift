import Foundation
import HelplineDialogue

/// A conversation with a `DialogueEngine` running in this process.
///
/// The clock and the session ids are injected, so a replay can fix both. Appeals the engine asks
/// to store (its effects) are kept here for the life of the backend.
public actor InProcessChatBackend: ChatBackend {
    public let engine: DialogueEngine
    private let clock: @Sendable () -> Date
    private let makeSessionID: @Sendable () -> String
    private var conversation: Conversation?
    /// Appeals made in this backend's sessions, oldest first, with every message added to them.
    public private(set) var tickets: [Ticket] = []

    /// - Parameters:
    ///   - clock: the time each turn happens at (default: now).
    ///   - sessionID: makes the id of each new session (default: 24 random hex digits, like the daemon's).
    public init(engine: DialogueEngine,
                clock: @escaping @Sendable () -> Date = { Date() },
                sessionID: @escaping @Sendable () -> String = InProcessChatBackend.randomSessionID) {
        self.engine = engine
        self.clock = clock
        self.makeSessionID = sessionID
    }

    /// 24 random lowercase hex digits.
    public static func randomSessionID() -> String {
        String(UUID().uuidString.lowercased().filter { $0 != "-" }.prefix(24))
    }

    public func open(profile: Profile) async throws -> SessionReply {
        let (conversation, reply) = engine.start(id: makeSessionID(), profile: profile, now: clock())
        self.conversation = conversation
        return SessionReply(session: conversation.id, reply: reply)
    }

    public func say(_ text: String) async throws -> Reply {
        guard var conversation else { throw ChatBackendError(.notOpen, "Разговор ещё не начат.") }
        let turn = engine.handle(text, in: &conversation, now: clock())
        self.conversation = conversation
        apply(turn.effects)
        return turn.reply
    }

    public func state() async throws -> SessionSnapshot {
        guard let conversation else { throw ChatBackendError(.notOpen, "Разговор ещё не начат.") }
        return SessionSnapshot(session: conversation.id, reply: engine.currentReply(of: conversation),
                               topic: conversation.topic, order: conversation.order)
    }

    public func close() async {
        conversation = nil
    }

    private func apply(_ effects: [Effect]) {
        for effect in effects {
            switch effect {
            case .openTicket(let ticket):
                tickets.append(ticket)
            case .appendToTicket(let id, let message):
                if let index = tickets.lastIndex(where: { $0.id == id }) {
                    tickets[index].messages.append(message)
                }
            }
        }
    }
}
