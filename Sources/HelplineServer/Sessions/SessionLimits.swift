import Foundation
import HelplineDialogue

/// Limits and timing for the sessions a daemon serves.
public struct SessionLimits: Sendable, Hashable {
    /// The most open sessions; `open` beyond it answers `overloaded`.
    public var maximumSessions: Int
    /// A session unused for this long expires (its appeals stay).
    public var sessionTTL: TimeInterval
    /// A session unused for this long is dropped from memory (it stays in the database).
    public var memoryIdleTime: TimeInterval
    /// What customers wrote in a session that ended is kept this long for `helpline review`
    /// (0: dropped at the next sweep).
    public var reviewRetention: TimeInterval

    /// Once open sessions reach nine tenths of ``maximumSessions``, a session that filed no
    /// appeal is deleted after this long unused, instead of after ``sessionTTL`` (what its
    /// customer wrote kept for review): sessions opened and left, by accident or on purpose, with
    /// or without a turn, cannot hold the daemon at its limit for a day. Sessions with appeals
    /// wait for their answers.
    public var unusedSessionTTL: TimeInterval = 600

    /// The most messages one appeal takes; a turn that would add more is refused (`appeal_full`).
    public var maximumAppealMessages = 50
    /// The most text one appeal takes, in UTF-8 bytes over all its messages.
    public var maximumAppealBytes = 128 * 1024
    /// The most appeals one session files; a turn that would file another is refused
    /// (`too_many_appeals`), so that one session cannot fill the specialists' queues.
    public var maximumAppealsPerSession = 50
    /// The most changes one session stores (its version: the greeting, then one a turn or a
    /// desk event): a message beyond it is refused (`session_full`). What a session's customer
    /// wrote is copied whole when it ends, and a conversation is some dozens of turns: the bound
    /// keeps one session from growing without end (4,000 characters a message).
    public var maximumSessionChanges = 2_000

    public init(maximumSessions: Int = 100_000, sessionTTL: TimeInterval = 24 * 3600, memoryIdleTime: TimeInterval = 600,
                reviewRetention: TimeInterval = 30 * 24 * 3600) {
        self.maximumSessions = maximumSessions
        self.sessionTTL = sessionTTL
        self.memoryIdleTime = memoryIdleTime
        self.reviewRetention = reviewRetention
    }

    /// Why a message may not be taken by a session at `version` (its stored changes): it is full.
    func refusal(atVersion version: Int) -> ProtocolError? {
        guard version >= maximumSessionChanges else { return nil }
        return ProtocolError(.sessionFull, "this session has stored \(maximumSessionChanges) changes, the most one session "
            + "may; nothing was stored. Open a new session to go on")
    }

    /// Why `turn` may not be stored over `conversation` (the state before it): it would grow the
    /// appeal past a limit. Every turn re-stores the conversation and every answer carries the
    /// appeal, so an appeal without bounds would make each turn cost more than the last.
    func refusal(of turn: Turn, over conversation: Conversation) -> ProtocolError? {
        if conversation.ticketCount >= maximumAppealsPerSession,
           turn.effects.contains(where: { if case .openTicket = $0 { true } else { false } }) {
            return ProtocolError(.tooManyAppeals, "this session has filed \(maximumAppealsPerSession) appeals, the most one "
                + "session may; nothing was filed. A new session may file again")
        }
        guard let ticket = conversation.ticket else { return nil }
        for effect in turn.effects {
            guard case .appendToTicket(let id, let message) = effect, id == ticket.id else { continue }
            let bytes = ticket.messages.reduce(message.utf8.count) { $0 + $1.utf8.count }
            if ticket.messages.count >= maximumAppealMessages || bytes > maximumAppealBytes {
                return ProtocolError(.appealFull, "the appeal has reached its limit (\(maximumAppealMessages) messages, "
                    + "\(maximumAppealBytes) bytes of text); nothing was added. Start a new appeal to write more")
            }
        }
        return nil
    }
}
