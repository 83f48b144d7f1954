import Foundation
import HelplineDialogue
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Synchronization

/// Answers protocol requests: runs the dialogue engine on sessions and stores every change before
/// answering. Sessions are held in memory and loaded from the database on demand (after a restart,
/// or after being dropped from memory), and one request at a time works on a session.
public final class SessionService: Sendable {
    private let database: SessionDatabase
    private let committer: GroupCommitter
    private let registry = SessionRegistry()
    private let engineBox: NIOLockedValueBox<DialogueEngine>
    /// Numbers new appeals, independently of session ids.
    private let appealNumbers: AppealNumbers
    private let limits: SessionLimits
    private let clock: @Sendable () -> Date
    private let logger: Logger

    private let openSessions: Synchronization.Atomic<Int>
    private let ticketCount: Synchronization.Atomic<Int>
    private let turnCount = Synchronization.Atomic<Int>(0)
    /// Client connections open now; kept by the daemon.
    let connections = Synchronization.Atomic<Int>(0)
    private let startedAt: ContinuousClock.Instant

    /// - Parameters:
    ///   - clock: the time given to the dialogue engine and stored with changes.
    public init(database: SessionDatabase, engine: DialogueEngine, limits: SessionLimits = SessionLimits(),
                logger: Logger = Logger(label: "helpline.sessions"),
                clock: @escaping @Sendable () -> Date = { Date() }) throws {
        self.database = database
        self.committer = GroupCommitter(database: database)
        let appealNumbers = try AppealNumbers(database: database)
        self.appealNumbers = appealNumbers
        var engine = engine
        engine.appealNumbering = appealNumbers.numbering
        self.engineBox = NIOLockedValueBox(engine)
        self.limits = limits
        self.clock = clock
        self.logger = logger
        let counts = try database.counts()
        self.openSessions = Synchronization.Atomic(counts.sessions)
        self.ticketCount = Synchronization.Atomic(counts.tickets)
        self.startedAt = .now
    }

    /// The engine turns run on now.
    public var engine: DialogueEngine {
        engineBox.withLockedValue { $0 }
    }

    /// Replaces the engine (new intents and prompts); sessions carry on with it from their next turn.
    public func replaceEngine(_ engine: DialogueEngine) {
        var engine = engine
        engine.appealNumbering = appealNumbers.numbering
        engineBox.withLockedValue { $0 = engine }
    }

    /// The counters answered to `stats`.
    public func stats() -> ServerStats {
        ServerStats(
            sessions: max(0, openSessions.load(ordering: .relaxed)),
            tickets: ticketCount.load(ordering: .relaxed),
            connections: connections.load(ordering: .relaxed),
            uptimeSeconds: Self.seconds(ContinuousClock.now - startedAt),
            turns: turnCount.load(ordering: .relaxed),
            rssBytes: ProcessMemory.residentBytes(),
            sessionsLoaded: registry.count,
            transactions: committer.counts.transactions
        )
    }

    // MARK: Requests

    /// The answer to one request line.
    public func respond(to message: InboundMessage) async -> ProtocolResponse {
        switch message {
        case .invalid(let id, let error):
            return .failure(id: id, error)
        case .request(let request):
            return await respond(to: request)
        }
    }

    /// The longest `say` text whose turn runs on the event loop, in Unicode scalars. The engine's
    /// work grows with the text (in a debug build, 4,000 characters of one unbroken Latin word took
    /// 60 ms), so turns on longer texts run in a task, off the event loops, and do not hold up the
    /// other connections of the loop.
    public static let inlineTurnTextLimit = 256

    /// The answer to one request line, as a future on `eventLoop`.
    ///
    /// Turns (on texts up to ``inlineTurnTextLimit``) and `state` requests on sessions held in
    /// memory run without a task: the engine runs on the calling event loop (or on `eventLoop`
    /// when the session was busy), the turn is handed to the group committer, and the future
    /// completes once it is committed. Everything else, and every case out of the ordinary (a long
    /// text, a session to load, a conflict), goes through ``respond(to:)-(ProtocolRequest)`` in a
    /// task, off the event loops.
    public func respond(to message: InboundMessage, on eventLoop: any EventLoop) -> EventLoopFuture<ProtocolResponse> {
        let request: ProtocolRequest
        switch message {
        case .invalid(let id, let error):
            return eventLoop.makeSucceededFuture(.failure(id: id, error))
        case .request(let valid):
            request = valid
        }
        switch request.command {
        case .ping:
            return eventLoop.makeSucceededFuture(.pong(id: request.id))
        case .stats:
            return eventLoop.makeSucceededFuture(.stats(id: request.id, stats()))
        case .say(_, let text) where text.unicodeScalars.count > Self.inlineTurnTextLimit:
            break
        case .say(let session, _), .state(let session):
            guard let slot = registry.slot(session) else { break }
            let promise = eventLoop.makePromise(of: ProtocolResponse.self)
            let work: @Sendable () -> Void = { self.respondHolding(slot, to: request, promise: promise) }
            if slot.tryAcquire(orWait: { eventLoop.execute(work) }) { work() }
            return promise.futureResult
        case .open, .resume, .close:
            break
        }
        return eventLoop.makeFutureWithTask { await self.respond(to: request) }
    }

    /// Answers a `say` or `state` while holding the session's slot; releases it.
    private func respondHolding(_ slot: SessionSlot, to request: ProtocolRequest, promise: EventLoopPromise<ProtocolResponse>) {
        let entry = slot.entry
        guard entry.status == .live, entry.updatedAt >= clock().addingTimeInterval(-limits.sessionTTL) else {
            // Closed, expired or dropped from memory: the general path says so or reloads it.
            slot.release()
            promise.completeWithTask { await self.respond(to: request) }
            return
        }
        switch request.command {
        case .state(let session):
            let reply = engine.currentReply(of: entry.conversation)
            slot.release()
            promise.succeed(.reply(id: request.id, session: session, reply))
        case .say(let session, let text):
            let now = clock()
            var changed = entry.conversation
            let turn = engine.handle(text, in: &changed, now: now)
            if let refusal = limits.refusal(of: turn, over: entry.conversation) {
                slot.release()
                promise.succeed(.failure(id: request.id, refusal))
                return
            }
            let conversation = changed
            let write = SessionWrite.turn(
                conversation, expectedVersion: entry.version, incoming: text, outgoing: turn.reply.text,
                effects: turn.effects, at: now, profileChanged: conversation.profile != entry.conversation.profile,
                stored: try? SessionDatabase.conversationColumn(conversation)
            )
            committer.commitNow(write) { result in
                guard case .success(.applied(let version)) = result else {
                    if case .success(.conflict) = result {
                        // Changed behind this slot's back: the general path reloads and retries.
                        slot.release()
                        promise.completeWithTask { await self.respond(to: request) }
                        return
                    }
                    if case .success(.missing) = result {
                        slot.markClosed()
                        self.registry.remove(slot)
                        slot.release()
                        promise.succeed(.failure(id: request.id, Self.unknownSession))
                        return
                    }
                    slot.release()
                    let error: any Error = switch result {
                    case .failure(let error): error
                    case .success(let outcome): Self.storageError(outcome)
                    }
                    self.logger.error("request failed", metadata: ["op": "say", "error": LogText.escaped(error)])
                    promise.succeed(.failure(id: request.id, ProtocolError(.internal, "the request could not be completed; try again")))
                    return
                }
                slot.update { entry in
                    entry.conversation = conversation
                    entry.version = version
                    entry.updatedAt = now
                }
                self.countTurn(turn)
                self.logger.debug("turn", metadata: [
                    "session": LogText.session(session), "length": "\(text.unicodeScalars.count)", "state": "\(turn.reply.state.rawValue)",
                    "intent": "\(turn.reply.intent?.id.wireValue ?? "-")",
                ])
                slot.release()
                promise.succeed(.reply(id: request.id, session: session, turn.reply))
            }
        case .open, .resume, .close, .ping, .stats:
            slot.release()
            promise.completeWithTask { await self.respond(to: request) }
        }
    }

    /// Counts an answered turn and the appeals it opened.
    private func countTurn(_ turn: Turn) {
        turnCount.wrappingAdd(1, ordering: .relaxed)
        let opened = turn.effects.count { if case .openTicket = $0 { true } else { false } }
        if opened > 0 { ticketCount.wrappingAdd(opened, ordering: .relaxed) }
    }

    /// The answer to one request.
    public func respond(to request: ProtocolRequest) async -> ProtocolResponse {
        let id = request.id
        do {
            switch request.command {
            case .ping:
                return .pong(id: id)
            case .stats:
                return .stats(id: id, stats())
            case .open(let profile):
                let (session, reply) = try await open(profile)
                return .reply(id: id, session: session, reply)
            case .resume(let session):
                return .reply(id: id, session: session, try await resume(session))
            case .say(let session, let text):
                return .reply(id: id, session: session, try await say(text, in: session))
            case .state(let session):
                return .reply(id: id, session: session, try await currentReply(session))
            case .close(let session):
                try await close(session)
                return .closed(id: id, session: session)
            }
        } catch let error as ProtocolError {
            return .failure(id: id, error)
        } catch {
            logger.error("request failed", metadata: ["op": "\(request.op)", "error": LogText.escaped(error)])
            return .failure(id: id, ProtocolError(.internal, "the request could not be completed; try again"))
        }
    }

    /// Starts a session; returns its id and greeting.
    func open(_ profile: Profile) async throws -> (String, Reply) {
        var reserved = openSessions.wrappingAdd(1, ordering: .relaxed).newValue
        if reserved > limits.maximumSessions, let stored = try? database.counts().sessions {
            // Other daemons on the same database may have closed sessions this count still holds:
            // the database decides.
            openSessions.store(stored + 1, ordering: .relaxed)
            reserved = stored + 1
        }
        guard reserved <= limits.maximumSessions else {
            openSessions.wrappingSubtract(1, ordering: .relaxed)
            logger.warning("session limit reached", metadata: ["limit": "\(limits.maximumSessions)"])
            throw ProtocolError(.overloaded, "too many open sessions; try again later")
        }
        let id = Self.newSessionID()
        let now = clock()
        let (conversation, reply) = engine.start(id: id, profile: profile, now: now)
        let outcome: WriteOutcome
        do {
            outcome = try await committer.commit(.create(conversation, greeting: reply.text, at: now))
        } catch {
            openSessions.wrappingSubtract(1, ordering: .relaxed)
            throw error
        }
        guard case .applied(let version) = outcome else {
            openSessions.wrappingSubtract(1, ordering: .relaxed)
            throw Self.storageError(outcome)
        }
        _ = registry.insert(SessionSlot(SessionSlot.Entry(conversation: conversation, version: version, updatedAt: now)))
        logger.debug("session opened", metadata: ["session": LogText.session(id)])
        return (id, reply)
    }

    /// The current prompt of a session being continued; marks it used.
    func resume(_ session: String) async throws -> Reply {
        try await withSession(session) { slot, entry in
            let now = clock()
            let outcome = try await committer.commit(.touch(session: session, at: now))
            guard case .applied = outcome else { return .retry(outcome) }
            slot.update { $0.updatedAt = now }
            logger.debug("session resumed", metadata: ["session": LogText.session(session)])
            return .done(engine.currentReply(of: entry.conversation))
        }
    }

    /// One user turn.
    func say(_ text: String, in session: String) async throws -> Reply {
        try await withSession(session) { slot, entry in
            let now = clock()
            var conversation = entry.conversation
            let turn = engine.handle(text, in: &conversation, now: now)
            if let refusal = limits.refusal(of: turn, over: entry.conversation) { throw refusal }
            let outcome = try await committer.commit(.turn(
                conversation, expectedVersion: entry.version, incoming: text, outgoing: turn.reply.text,
                effects: turn.effects, at: now, profileChanged: conversation.profile != entry.conversation.profile,
                stored: try? SessionDatabase.conversationColumn(conversation)
            ))
            guard case .applied(let version) = outcome else { return .retry(outcome) }
            slot.update { entry in
                entry.conversation = conversation
                entry.version = version
                entry.updatedAt = now
            }
            countTurn(turn)
            logger.debug("turn", metadata: [
                "session": LogText.session(session), "length": "\(text.unicodeScalars.count)", "state": "\(turn.reply.state.rawValue)",
                "intent": "\(turn.reply.intent?.id.wireValue ?? "-")",
            ])
            return .done(turn.reply)
        }
    }

    /// The current reply of a session, changing nothing.
    ///
    /// The copy in memory is checked against the database first: another daemon on the same
    /// database may have moved the session on or closed it.
    func currentReply(_ session: String) async throws -> Reply {
        try await withSession(session) { _, entry in
            guard let version = try database.storedVersion(session) else { return .retry(.missing) }
            guard version == entry.version else { return .retry(.conflict) }
            return .done(engine.currentReply(of: entry.conversation))
        }
    }

    /// Ends a session; its appeals stay.
    func close(_ session: String) async throws {
        try await withSession(session) { (slot, _) async throws -> Step<Void> in
            let outcome = try await committer.commit(.delete(session: session, at: clock()))
            guard case .applied = outcome else { return .retry(outcome) }
            openSessions.wrappingSubtract(1, ordering: .relaxed)
            slot.markClosed()
            registry.remove(slot)
            logger.debug("session closed", metadata: ["session": LogText.session(session)])
            return .done(())
        }
    }

    // MARK: Housekeeping

    /// Deletes expired sessions and drops idle ones from memory. Run periodically.
    public func sweep() async {
        let now = clock()
        do {
            let expired = try await database.expireSessions(before: now.addingTimeInterval(-limits.sessionTTL),
                                                            finishedBefore: now.addingTimeInterval(-limits.reviewRetention), now: now)
            if !expired.isEmpty {
                registry.close(expired)
                openSessions.wrappingSubtract(expired.count, ordering: .relaxed)
                logger.info("sessions expired", metadata: ["count": "\(expired.count)"])
            }
        } catch {
            logger.error("could not expire sessions", metadata: ["error": LogText.escaped(error)])
        }
        // Daemons sharing the database open and close each other's sessions: the stored count is the truth.
        if let stored = try? database.counts().sessions {
            openSessions.store(stored, ordering: .relaxed)
        }
        let evicted = registry.evictIdle(before: now.addingTimeInterval(-limits.memoryIdleTime))
        if evicted > 0 {
            logger.debug("idle sessions dropped from memory", metadata: ["count": "\(evicted)"])
        }
    }

    /// How often ``sweep()`` should run for the configured limits.
    public var sweepInterval: TimeInterval {
        max(0.05, min(60, limits.sessionTTL / 4, limits.memoryIdleTime / 4))
    }

    // MARK: Sessions

    private enum Step<T> {
        case done(T)
        /// The write did not apply; what happened decides whether to try again.
        case retry(WriteOutcome)
    }

    /// Runs `body` with the session to itself. Reloads and retries when the slot turns out stale.
    private func withSession<T>(_ session: String, _ body: (SessionSlot, SessionSlot.Entry) async throws -> Step<T>) async throws -> T {
        for _ in 0..<4 {
            let slot = try await slot(for: session)
            await slot.acquire()
            let step: Step<T>
            do {
                let entry = slot.entry
                switch entry.status {
                case .closed:
                    throw Self.unknownSession
                case .evicted:
                    step = .retry(.conflict)
                case .live:
                    guard entry.updatedAt >= clock().addingTimeInterval(-limits.sessionTTL) else {
                        throw Self.unknownSession
                    }
                    step = try await body(slot, entry)
                }
            } catch {
                // Every throw above happens while holding the slot; release it exactly once.
                slot.release()
                throw error
            }
            switch step {
            case .done(let value):
                slot.release()
                return value
            case .retry(.missing):
                slot.markClosed()
                registry.remove(slot)
                slot.release()
                throw Self.unknownSession
            case .retry(.conflict):
                // Dropped from memory, or changed in the database behind this slot's back: load it afresh.
                if slot.entry.status == .live {
                    logger.warning("session changed in the database; reloading", metadata: ["session": LogText.session(session)])
                }
                slot.update { $0.status = .evicted }
                registry.remove(slot)
                slot.release()
            case .retry(let outcome):
                slot.release()
                throw Self.storageError(outcome)
            }
        }
        throw ProtocolError(.conflict, "the session kept changing elsewhere (another daemon on the same database); nothing was changed here, try again")
    }

    /// The session's slot, loading the session from the database if it is not in memory.
    private func slot(for session: String) async throws -> SessionSlot {
        if let slot = registry.slot(session) { return slot }
        let notBefore = clock().addingTimeInterval(-limits.sessionTTL)
        guard let loaded = try await database.loadSession(session, notBefore: notBefore) else {
            throw Self.unknownSession
        }
        logger.debug("session loaded", metadata: ["session": LogText.session(session)])
        return registry.insert(SessionSlot(SessionSlot.Entry(
            conversation: loaded.conversation, version: loaded.version, updatedAt: loaded.updatedAt
        )))
    }

    private static let unknownSession = ProtocolError(.unknownSession, "no open session with this id (it may have been closed or expired)")

    private static func storageError(_ outcome: WriteOutcome) -> any Error {
        switch outcome {
        case .missing: unknownSession
        case .failed(let reason): StorageError(reason: reason)
        case .applied, .conflict: StorageError(reason: "unexpected outcome \(outcome)")
        }
    }

    /// A new unguessable session id: 24 hex digits.
    static func newSessionID() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt32
        return String(format: "%016llx%08x", high, low)
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// The database refused a change.
struct StorageError: Error, CustomStringConvertible {
    var reason: String
    var description: String { "storage: \(reason)" }
}
