import Foundation
import HelplineDesk
import HelplineDialogue
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Synchronization

/// The specialists' desk as the daemon serves it: the pure ``Desk`` kept in memory and in the
/// session store, changed one operation at a time, every change committed before it is answered
/// and before its effects (events to specialists, notices to customers, timers) are performed.
///
/// Specialists work through a ``DeskConnection`` — the desk socket makes one per connection, and
/// in-process callers make their own:
///
/// ```swift
/// let desk = try DeskService(database: database, rules: try DeskRules(bundle: .embedded))
/// let sessions = try SessionService(database: database, engine: engine, desk: desk)
/// let maria = desk.connect()
/// _ = await maria.send(.signIn(.init(id: "sp-7", name: "Мария", serves: .role("general"))))
/// if case .appeal(let view?) = await maria.send(.next) {
///     _ = await maria.send(.reply(appeal: view.appeal.id, text: "Курьер приедет завтра с 10 до 14."))
/// }
/// for await event in maria.events { … }   // new appeals, follow-ups, appeals closed by customers
/// ```
///
/// A customer's turn that changes the desk (an appeal filed, a follow-up, the customer closing
/// it) takes the desk after its session's slot and commits both in one transaction
/// (``SessionService``).
///
/// On a store shared by several daemons (PostgreSQL) they share one desk: each keeps a copy, and
/// every change runs in a store transaction that first waits for the other daemons' changes to
/// end, brings the copy up to date with what they changed (``DeskRefresh``), works the change
/// out on it and stores it with the desk's version bumped; the other daemons are told and bring
/// their copies up to date, send the events their specialists get and push the notices their
/// customers' connections get. Each daemon renews a lease; the connections of a daemon whose
/// lease runs out count as gone, so its specialists' grace periods run on the others.
public final class DeskService: Sendable {
    /// The rules in force (``replaceRules(_:)`` swaps them).
    public var rules: DeskRules { desk.rules }
    let store: any SessionStore
    let clock: @Sendable () -> Date
    let logger: Logger
    /// One change at a time, from working it out until it is committed.
    let gate = DeskGate()
    /// Customers' notices not delivered yet.
    let notices: PendingNotices
    /// Customer connections by session, for pushing notices.
    let customers = CustomerChannels()
    /// The desk socket's connections open now (kept by ``DeskConnectionHandler``).
    let connectionCount = Atomic<Int>(0)
    let committed: NIOLockedValueBox<Committed>
    /// The last figures for `stats`, the desk's revision and the time they are of.
    let lastStats = NIOLockedValueBox<(revision: UInt64, at: Date, stats: DeskStats)?>(nil)
    /// Specialists' connections by specialist id.
    let connections = NIOLockedValueBox<[String: [ObjectIdentifier: DeskConnection]]>([:])
    let nextNoticeID: NIOLockedValueBox<Int64>
    let timer = NIOLockedValueBox<WakeUp?>(nil)
    /// Specialists' connections closing (their leaving being stored), by a number of their own.
    let leaving = NIOLockedValueBox<(next: Int, tasks: [Int: Task<Void, Never>])>((0, [:]))
    /// Whether other daemons share the desk (``SessionStore/deskLease``).
    let shared: Bool
    /// On a shared desk: the lease's heartbeat and the watch for other daemons' changes.
    let sharing = NIOLockedValueBox<[Task<Void, Never>]>([])
    /// On a shared desk: a refresh running, and whether another was asked for meanwhile.
    let refreshing = NIOLockedValueBox<(running: Bool, again: Bool)>((false, false))

    /// Closed appeals stay in memory (for `show`) this long after closing; the store keeps them.
    public static let closedRetention: TimeInterval = 24 * 3600

    /// How much of the chat before filing a new appeal carries (its latest messages).
    public static let historyLimit = ChatHistoryLimit()

    /// An answer for a change that could not be stored.
    static let storageFailure = DeskError(DeskErrorCode(rawValue: "internal"),
                                          "the request could not be completed; try again")

    /// The desk as of its last committed change, with its appeals by session.
    struct Committed: Sendable {
        /// Every change to it (an operation, a refresh, new rules, closed appeals let go) counts.
        var desk: Desk { didSet { revision &+= 1 } }
        /// How many times `desk` has changed.
        var revision: UInt64 = 0
        var bySession: [String: Set<String>] = [:]
        /// On a shared desk, the version the copy is at.
        var version: Int64 = 0

        mutating func index(_ appeals: some Sequence<DeskAppeal>) {
            for appeal in appeals { bySession[appeal.session, default: []].insert(appeal.id) }
        }
    }

    struct WakeUp: Sendable {
        var at: Date
        var task: Task<Void, Never>
    }

    /// Opens the desk stored in `database` (see ``init(store:rules:stored:logger:clock:)``).
    public convenience init(database: SessionDatabase, rules: DeskRules,
                            logger: Logger = Logger(label: "helpline.desk"),
                            clock: @escaping @Sendable () -> Date = { Date() }) throws {
        let stored = try database.loadDeskNow(closedSince: clock().addingTimeInterval(-Self.closedRetention))
        self.init(store: database, rules: rules, stored: stored, logger: logger, clock: clock)
    }

    /// The desk as loaded from `store`, after a restart: every specialist is away and gets the
    /// grace period from now to come back before their appeals return to the queue.
    package init(store: any SessionStore, rules: DeskRules, stored: StoredDesk,
                 logger: Logger = Logger(label: "helpline.desk"), clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.clock = clock
        self.logger = logger
        shared = stored.version != nil
        var desk = Desk(rules: rules, state: stored.state)
        let loaded = desk
        // A shared desk's specialists may be connected to other daemons: only those of daemons
        // whose lease runs out are counted as gone.
        let effects = shared ? desk.nextWakeUp.map { [DeskEffect.wakeUp(at: $0)] } ?? [] : desk.restarted(at: clock())
        var committed = Committed(desk: desk, version: stored.version ?? 0)
        committed.index(desk.appeals.values)
        self.committed = NIOLockedValueBox(committed)
        notices = PendingNotices(stored.notices)
        nextNoticeID = NIOLockedValueBox((stored.notices.map(\.id).max() ?? 0) + 1)
        let restarted = DeskWrite(from: loaded, to: desk, changed: [])
        if !restarted.isEmpty {
            // Queued before any later change, so stored in order.
            store.commit(.desk(restarted), schedule: Self.background) { [logger] result in
                if case .success(.applied) = result { return }
                logger.error("could not store the specialists' grace periods after the restart",
                             metadata: ["result": LogText.escaped(result)])
            }
        }
        perform(effects, notices: [])
    }

    /// Opens the desk stored in `store`.
    /// On a shared store the daemon takes its lease first, and then keeps it and watches for the
    /// other daemons' changes until ``leave()``.
    package static func open(store: any SessionStore, rules: DeskRules, logger: Logger = Logger(label: "helpline.desk"),
                             clock: @escaping @Sendable () -> Date = { Date() }) async throws -> DeskService {
        if store.deskLease != nil { _ = try await store.deskHeartbeat() }
        let stored = try await store.loadDesk(closedSince: clock().addingTimeInterval(-closedRetention))
        let desk = DeskService(store: store, rules: rules, stored: stored, logger: logger, clock: clock)
        if desk.shared { desk.startSharing() }
        return desk
    }

    /// Runs work soon on a thread that may wait for the database.
    static let background: @Sendable (@escaping @Sendable () -> Void) -> Void = { work in
        DispatchQueue.global().async(execute: work)
    }

    // MARK: Reading

    /// The desk as of its last committed change.
    public var desk: Desk {
        committed.withLockedValue { $0.desk }
    }

    /// The figures for `stats`. They walk every appeal and the waits' history, so the last ones
    /// are answered again while the desk has not changed and less than ``statsReuse`` has passed:
    /// a client asking for them in a loop must not take the event loops from the specialists.
    public func stats() -> DeskStats {
        let now = clock()
        let revision = committed.withLockedValue { $0.revision }
        if let last = lastStats.withLockedValue({ $0 }), last.revision == revision,
           abs(now.timeIntervalSince(last.at)) < Self.statsReuse {
            return last.stats
        }
        let (desk, current) = committed.withLockedValue { ($0.desk, $0.revision) }
        let stats = desk.stats(now: now)
        lastStats.withLockedValue { $0 = (current, now, stats) }
        return stats
    }

    /// How long unchanged desk figures are answered again.
    static let statsReuse: TimeInterval = 1

    /// The customer's place and wait for an appeal, as «сколько ждать?» is answered.
    public func waitStatus(appeal: String) throws(DeskError) -> WaitStatus {
        try desk.waitStatus(appeal: appeal, now: clock())
    }

    /// The session's open appeal: `preferred` (the conversation's current appeal) if it is open,
    /// else the latest open appeal the session filed.
    func openAppeal(of session: String, preferring preferred: String?) -> DeskAppeal? {
        committed.withLockedValue { committed in
            guard let ids = committed.bySession[session] else { return nil }
            let open = ids.compactMap { committed.desk.appeals[$0] }.filter { $0.state != .closed }
            if let preferred, let appeal = open.first(where: { $0.id == preferred }) { return appeal }
            return open.max { $0.sequence < $1.sequence }
        }
    }

    /// Whether the session filed an appeal at the desk (its connections are then pushed notices).
    func hasAppeals(session: String) -> Bool {
        committed.withLockedValue { $0.bySession[session] != nil }
    }

    /// The customer's notices not delivered yet (what a session's next answer carries).
    public func pendingNotices(session: String) -> [CustomerNotice] {
        notices.peek(session: session).map(\.notice)
    }

    // MARK: Connections

    /// A new specialist connection whose events arrive in ``DeskConnection/events``.
    public func connect() -> DeskConnection {
        DeskConnection(desk: self, sink: nil)
    }

    /// A new specialist connection whose events go to `sink` (the desk socket's).
    package func connect(sink: @escaping @Sendable (DeskEvent) -> Void) -> DeskConnection {
        DeskConnection(desk: self, sink: sink)
    }

    func register(_ connection: DeskConnection, as specialist: String) {
        connections.withLockedValue { $0[specialist, default: [:]][ObjectIdentifier(connection)] = connection }
    }

    func unregister(_ connection: DeskConnection, as specialist: String) {
        connections.withLockedValue { registry in
            registry[specialist]?[ObjectIdentifier(connection)] = nil
            if registry[specialist]?.isEmpty == true { registry[specialist] = nil }
        }
    }

    /// The specialist signed out: none of their connections is signed in any more.
    func signedOut(_ specialist: String) {
        let gone = connections.withLockedValue { $0.removeValue(forKey: specialist).map { Array($0.values) } ?? [] }
        for connection in gone { connection.forgetSignIn() }
    }

    /// Closes a connection whose socket went, in the background; ``settle()`` waits for it.
    func leave(_ connection: DeskConnection) {
        leaving.withLockedValue { leaving in
            let key = leaving.next
            leaving.next += 1
            leaving.tasks[key] = Task { [weak self] in
                await connection.close()
                self?.leaving.withLockedValue { _ = $0.tasks.removeValue(forKey: key) }
            }
        }
    }

    /// Waits until the connections that went have been closed (before the database closes).
    func settle() async {
        while let task = leaving.withLockedValue({ $0.tasks.values.first }) {
            await task.value
        }
    }

    func connections(of specialist: String) -> [DeskConnection] {
        connections.withLockedValue { $0[specialist].map { Array($0.values) } ?? [] }
    }

    // MARK: Changing the desk

    /// A change being worked out by the holder of the desk's gate.
    struct Draft: Sendable {
        let before: Desk
        var desk: Desk
        let now: Date
        var changed: [DeskAppeal] = []
        var effects: [DeskEffect] = []
        /// The customers' notices among the effects, numbered by ``write(for:)``.
        var notices: [PendingNotice] = []
        /// On a shared desk: this daemon's connections per specialist, as changed.
        var presence: [String: Int] = [:]
        /// On a shared desk: daemons whose lease ran out, their connections counted as gone.
        var reaped: [String] = []

        mutating func record(_ outcome: DeskOutcome) {
            changed += outcome.changed
            effects += outcome.effects
        }
    }

    /// A copy of the committed desk to change. The caller holds the gate.
    func draft() -> Draft {
        let desk = self.desk
        return Draft(before: desk, desk: desk, now: clock())
    }

    /// What the draft stores: its changes, and its notices for customers, numbered.
    func write(for draft: inout Draft) -> DeskWrite {
        draft.notices = draft.effects.compactMap { effect in
            guard case .deliver(let session, let notice) = effect else { return nil }
            let id = nextNoticeID.withLockedValue { next in
                defer { next += 1 }
                return next
            }
            return PendingNotice(id: id, session: session, notice: notice)
        }
        var write = DeskWrite(from: draft.before, to: draft.desk, changed: draft.changed, notices: draft.notices)
        if shared {
            write.presence = draft.presence.filter { $0.value != 0 }
            write.reaped = draft.reaped
            write.events = draft.effects.compactMap { effect in
                guard case .notify(let specialist, let event) = effect else { return nil }
                return DeskLogEvent(specialist: specialist, event: event)
            }
        }
        return write
    }

    /// Makes a committed draft the desk, at the shared desk's `version`. The caller holds the gate.
    func install(_ draft: Draft, version: Int64? = nil) {
        committed.withLockedValue { committed in
            committed.desk = draft.desk
            committed.index(draft.changed)
            if let version { committed.version = max(committed.version, version) }
        }
        notices.add(draft.notices)
    }

    /// The version of the shared desk this daemon's copy is at; nil for a desk of one daemon.
    var version: Int64? {
        shared ? committed.withLockedValue { $0.version } : nil
    }

    /// Runs one operation on the desk alone: works it out on a copy of the committed desk (on a
    /// shared desk, brought up to date first, inside the store's desk transaction), stores it,
    /// makes it the desk's, runs `whileHeld` (still alone), then performs its effects. The desk
    /// is unchanged when the operation throws or its change cannot be stored.
    ///
    /// `presence` is this daemon's change to a specialist's connections (a sign-in, a connection
    /// gone), kept per daemon on a shared desk; `reap` first counts the connections of daemons
    /// whose lease ran out as gone.
    func change<T: Sendable>(presence: (specialist: String, delta: Int)? = nil, reap: Bool = false,
                             _ operation: @escaping @Sendable (inout Desk, Date) throws(DeskError) -> (DeskOutcome, T),
                             whileHeld: (Desk) -> Void = { _ in }) async -> Result<(DeskOutcome, T), DeskError> {
        await gate.acquire()
        let worked = NIOLockedValueBox<(draft: Draft, result: (DeskOutcome, T))?>(nil)
        let refused = NIOLockedValueBox<DeskError?>(nil)
        let stored: DeskChangeResult
        do {
            stored = try await store.changeDesk(since: version, reap: reap, closedSince: closedSince) { refresh in
                self.absorb(refresh)
                var draft = self.draft()
                if reap {
                    for (daemon, held) in refresh.lapsed.sorted(by: { $0.key < $1.key }) {
                        for (specialist, count) in held.sorted(by: { $0.key < $1.key }) {
                            for _ in 0..<max(0, count) {
                                draft.effects += draft.desk.specialistLeft(specialist, at: draft.now)
                            }
                        }
                        draft.reaped.append(daemon)
                    }
                }
                let result: (DeskOutcome, T)
                do throws(DeskError) {
                    result = try operation(&draft.desk, draft.now)
                } catch {
                    refused.withLockedValue { $0 = error }
                    return nil
                }
                draft.record(result.0)
                if let presence, presence.delta < 0 || draft.desk.specialists[presence.specialist] != nil {
                    draft.presence[presence.specialist, default: 0] += presence.delta
                }
                let write = self.write(for: &draft)
                worked.withLockedValue { $0 = (draft, result) }
                return write.isEmpty ? nil : .desk(write)
            }
        } catch {
            gate.release()
            logger.error("could not store a desk change", metadata: ["error": LogText.escaped(error)])
            return .failure(Self.storageFailure)
        }
        if let error = refused.withLockedValue({ $0 }) {
            gate.release()
            return .failure(error)
        }
        guard let (draft, result) = worked.withLockedValue({ $0 }) else {
            gate.release()
            return .failure(Self.storageFailure)
        }
        if let outcome = stored.outcome {
            guard case .applied = outcome else {
                gate.release()
                logger.error("could not store a desk change", metadata: ["result": LogText.escaped(outcome)])
                return .failure(Self.storageFailure)
            }
        }
        install(draft, version: stored.version)
        whileHeld(draft.desk)
        gate.release()
        perform(draft.effects, notices: draft.notices)
        return .success(result)
    }

    /// Goes on under new rules (the daemon's data reloaded): taken alone, like a change, so that no
    /// change worked out under the old rules is installed after it. Nothing is stored: the rules
    /// are the data folder's.
    public func replaceRules(_ rules: DeskRules) async {
        await gate.acquire()
        committed.withLockedValue { $0.desk.replaceRules(rules) }
        gate.release()
        // A grace period may end sooner now.
        if let next = desk.nextWakeUp { schedule(next) }
    }

    /// Closed appeals older than this are left out when the whole desk is read.
    var closedSince: Date {
        clock().addingTimeInterval(-Self.closedRetention)
    }

    /// Commits a write, waiting for it.
    func commit(_ write: SessionWrite) async -> Result<WriteOutcome, any Error> {
        await withCheckedContinuation { continuation in
            store.commit(write, schedule: Self.background) { continuation.resume(returning: $0) }
        }
    }
}
