import Foundation
import HelplineDesk
import HelplineDialogue

/// Where the daemon keeps its sessions, their messages and the appeals: the one interface the
/// session service stores through. ``SessionDatabase`` (SQLite) implements it, and
/// `PostgresSessionStore` (in HelplinePostgres) for several daemons on one PostgreSQL database.
///
/// Every change is a ``SessionWrite``. ``commit(_:completion:)`` reports a write's outcome only
/// once it is durable, so an answer sent after it never describes a change a crash could lose.
package protocol SessionStore: Sendable {
    /// Stores `write`, in a transaction shared with whatever other writes are waiting, and calls
    /// `completion` once that transaction is committed (or has failed). `schedule` runs work soon on
    /// the caller's thread (its event loop), after what that thread is doing now: a store may use it
    /// to gather the writes of a burst of requests into one transaction.
    func commit(_ write: SessionWrite, schedule: @escaping @Sendable (@escaping @Sendable () -> Void) -> Void,
                completion: @escaping @Sendable (Result<WriteOutcome, any Error>) -> Void)

    /// The session `id`, unless it is missing or was last used before `notBefore`.
    func loadSession(_ id: String, notBefore: Date) async throws -> LoadedSession?

    /// The stored version of session `id`, or nil when it is not stored (closed or expired).
    func storedVersion(_ id: String) async throws -> Int?

    /// How many sessions are open and how many appeals are stored, in the whole store (every
    /// daemon on it).
    func counts() async throws -> StoreCounts

    /// Deletes the sessions last used before `cutoff` (what their customers wrote is kept as
    /// finished conversations), drops finished conversations that ended before `finishedBefore`,
    /// and returns the expired sessions' ids.
    func expireSessions(before cutoff: Date, finishedBefore: Date?, now: Date) async throws -> [String]

    /// Deletes up to `limit` sessions last used before `cutoff` that filed no appeal, and returns
    /// their ids. What the customers of those that had turns wrote is kept as finished
    /// conversations ended `now`; nothing is kept of those that only have their greeting.
    func expireSessionsWithoutAppeals(before cutoff: Date, limit: Int, now: Date) async throws -> [String]

    /// Takes the next `count` appeal sequence numbers for the caller alone: no other caller, in
    /// this process or in another daemon on the same store, is ever given them, and a restart
    /// continues past them. Durable before it returns.
    func takeAppealNumbers(_ count: Int64) async throws -> Range<Int64>

    /// Transactions committed since the store was opened.
    var transactionCount: Int { get }

    /// Whether other daemons write to this store as a matter of course, so that what one daemon
    /// counts in memory goes stale at once: the session limit and `stats` then ask the store.
    var isShared: Bool { get }

    /// Whether nothing but this store writes to its database (it holds the database's lock), so
    /// that a session in memory is never stale and need not be checked against the store.
    var isExclusive: Bool { get }

    /// Makes what is committed independent of anything but the store's main files, where the
    /// store has such a step (SQLite's write-ahead log); otherwise does nothing.
    func checkpoint() async throws

    /// Closes the store; later calls fail.
    func close() async throws

    // MARK: Inspection (tests, tools)

    /// The appeal `id`, if stored.
    func ticket(id: String) async throws -> StoredTicket?

    /// The appeals made in a session, oldest first.
    func tickets(session: String) async throws -> [Ticket]

    /// A session's messages in and out, in order.
    func messages(session: String) async throws -> [StoredMessage]

    /// Whether a session is stored (open, whatever its age).
    func hasSession(_ id: String) async throws -> Bool

    /// The desk as stored (``DeskWrite``): open appeals and those closed since `closedSince`, the
    /// specialists, the history, the notices not delivered yet.
    func loadDesk(closedSince: Date) async throws -> StoredDesk

    // MARK: A desk shared by several daemons (DeskSharing.swift; a store of one daemon keeps the defaults)

    /// How long a daemon counts as alive after its last ``deskHeartbeat()``; nil when no other
    /// daemon shares the desk.
    var deskLease: TimeInterval? { get }

    /// Runs one desk change alone among every daemon on the store: reads what changed since the
    /// caller's copy (`since`; nil reads nothing, for writes that depend on no state), and with
    /// `reap` the connections of daemons whose lease ran out; gives that to `work`, which works
    /// the change out on the copy and returns the write (a desk write, or a turn with its desk
    /// part), and stores it — the desk's version bumped, the other daemons told — or nothing.
    func changeDesk(since version: Int64?, reap: Bool, closedSince: Date,
                    _ work: @escaping @Sendable (DeskRefresh) throws -> SessionWrite?) async throws -> DeskChangeResult

    /// What changed at the desk since version `since` (0: the whole desk), without changing it.
    func deskChanges(since version: Int64, closedSince: Date) async throws -> DeskRefresh

    /// Renews this daemon's lease at the desk; says whether some daemon's lease ran out.
    func deskHeartbeat() async throws -> DeskHeartbeat

    /// Calls `changed` whenever another daemon may have changed the desk (and once listening
    /// starts), until the calling task is cancelled.
    func watchDesk(_ changed: @escaping @Sendable (Int64?) -> Void) async

    /// Gives up this daemon's lease at once (it is stopping); its leftovers are reaped by others.
    func leaveDesk() async
}

/// The store cannot be reached or did not answer in time: its server is stopped, restarting or
/// overloaded. What was asked is wholly done or not at all; the caller may retry later.
package struct StoreUnavailableError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, without values from requests.
    package var reason: String

    package init(_ reason: String) {
        self.reason = reason
    }

    package var description: String { "store unavailable: \(reason)" }
}

/// Open sessions and stored appeals.
package struct StoreCounts: Sendable, Hashable {
    package var sessions: Int
    package var tickets: Int

    package init(sessions: Int, tickets: Int) {
        self.sessions = sessions
        self.tickets = tickets
    }
}

/// A change to the stored sessions.
package enum SessionWrite: Sendable {
    /// A new session with its greeting.
    case create(Conversation, greeting: String, at: Date)
    /// One turn over the stored version ``TurnWrite/expectedVersion``.
    case turn(TurnWrite)
    /// Marks a session used (a resume), keeping it from expiring.
    case touch(session: String, at: Date)
    /// Deletes a session and its messages at `at`; its appeals stay, and what the customer wrote is
    /// kept as a finished conversation.
    case delete(session: String, at: Date)
    /// A change to the specialists' desk alone (a specialist's action, a grace period ending,
    /// notices delivered); always applied (version 0).
    case desk(DeskWrite)

    /// The session written; empty for a desk write, which belongs to no session.
    package var session: String {
        switch self {
        case .create(let conversation, _, _): conversation.id
        case .turn(let turn): turn.conversation.id
        case .touch(let session, _), .delete(let session, _): session
        case .desk: ""
        }
    }
}

/// One stored turn: the conversation after it, the message in and the reply out, the appeal
/// effects, over the version the turn was computed from (the fields of ``Fields``, read and
/// written as the write's own: `write.conversation`, `write.effects = …`).
///
/// A value, held in one shared box: a turn's write is handed from the session service to the
/// committer, into a batch and to the statements, and each copy of a box is one reference count
/// where a copy of the fields would be one for every string and array of the conversation. A
/// change to a copy copies the box first (copy on write).
@dynamicMemberLookup
package struct TurnWrite: Sendable {
    package final class Fields: @unchecked Sendable {
        // Changed only through a `TurnWrite` holding the only reference (``TurnWrite/subscript(dynamicMember:)``).
        package var conversation: Conversation
        package var expectedVersion: Int
        package var incoming: String
        package var outgoing: String
        package var effects: [Effect]
        package var at: Date
        /// Whether the profile column needs writing.
        package var profileChanged: Bool
        /// The conversation column, already encoded, so that the single database writer does not
        /// spend its time encoding.
        package var stored: String
        /// What the turn changes at the desk (an appeal filed, a follow-up, the customer closing
        /// it, notices delivered with the answer), committed with the turn or not at all.
        package var desk: DeskWrite?

        init(conversation: Conversation, expectedVersion: Int, incoming: String, outgoing: String, effects: [Effect],
             at: Date, profileChanged: Bool, stored: String, desk: DeskWrite?) {
            self.conversation = conversation
            self.expectedVersion = expectedVersion
            self.incoming = incoming
            self.outgoing = outgoing
            self.effects = effects
            self.at = at
            self.profileChanged = profileChanged
            self.stored = stored
            self.desk = desk
        }

        func copy() -> Fields {
            Fields(conversation: conversation, expectedVersion: expectedVersion, incoming: incoming, outgoing: outgoing,
                   effects: effects, at: at, profileChanged: profileChanged, stored: stored, desk: desk)
        }
    }

    private var fields: Fields

    package init(conversation: Conversation, expectedVersion: Int, incoming: String, outgoing: String, effects: [Effect],
                 at: Date, profileChanged: Bool, stored: String, desk: DeskWrite? = nil) {
        fields = Fields(conversation: conversation, expectedVersion: expectedVersion, incoming: incoming, outgoing: outgoing,
                        effects: effects, at: at, profileChanged: profileChanged, stored: stored, desk: desk)
    }

    /// A field, read in place (`write.conversation.id` copies no conversation); changing it
    /// changes this write alone, the box copied first unless this write holds the only reference.
    package subscript<Value>(dynamicMember field: ReferenceWritableKeyPath<Fields, Value>) -> Value {
        _read { yield fields[keyPath: field] }
        set {
            if !isKnownUniquelyReferenced(&fields) { fields = fields.copy() }
            fields[keyPath: field] = newValue
        }
    }
}

/// What became of one ``SessionWrite``.
package enum WriteOutcome: Sendable, Hashable {
    /// Stored; the session's version is now `version`.
    case applied(version: Int)
    /// The session is not stored (closed or expired).
    case missing
    /// The session changed since the write was computed; reload and try again.
    case conflict
    /// The write failed; nothing of it was stored.
    case failed(String)
}

/// A session as loaded from the store.
package struct LoadedSession: Sendable {
    package var conversation: Conversation
    package var version: Int
    package var updatedAt: Date

    package init(conversation: Conversation, version: Int, updatedAt: Date) {
        self.conversation = conversation
        self.version = version
        self.updatedAt = updatedAt
    }
}
