import Foundation
import HelplineDialogue
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Answers protocol requests: runs the dialogue engine on sessions and stores every change before
/// answering. Sessions are held in memory and loaded from the store on demand (after a restart,
/// or after being dropped from memory), and one request at a time works on a session.
///
/// Every request on a session takes one path (``SessionService+Requests.swift``): take the
/// session, prepare the change, commit it, map the outcome to the answer.
public final class SessionService: Sendable {
    let store: any SessionStore
    let registry = SessionRegistry()
    private let engineBox: NIOLockedValueBox<CurrentEngine>
    /// Numbers new appeals, independently of session ids.
    let appealNumbers: AppealNumbers
    let limits: SessionLimits
    let clock: @Sendable () -> Date
    let logger: Logger
    let counters: ServiceCounters
    /// Failed requests are logged at most once a second.
    let failureLog = LogThrottle()
    /// The specialists' desk, when the daemon has one: appeals filed go to it, and its answers
    /// come back to the sessions.
    public let desk: DeskService?

    /// - Parameters:
    ///   - clock: the time given to the dialogue engine and stored with changes.
    ///   - desk: the specialists' desk on the same database, if any.
    public convenience init(database: SessionDatabase, engine: DialogueEngine, limits: SessionLimits = SessionLimits(),
                            logger: Logger = Logger(label: "helpline.sessions"),
                            clock: @escaping @Sendable () -> Date = { Date() }, desk: DeskService? = nil) throws {
        self.init(store: database, counts: try database.counts(), engine: engine, limits: limits, logger: logger, clock: clock,
                  desk: desk)
    }

    /// - Parameters:
    ///   - counts: the store's counts now, which the service's counters start from.
    package init(store: any SessionStore, counts: StoreCounts, engine: DialogueEngine, limits: SessionLimits = SessionLimits(),
                 logger: Logger = Logger(label: "helpline.sessions"),
                 clock: @escaping @Sendable () -> Date = { Date() }, desk: DeskService? = nil) {
        self.store = store
        self.desk = desk
        let appealNumbers = AppealNumbers(store: store)
        self.appealNumbers = appealNumbers
        var engine = engine
        engine.appealNumbering = appealNumbers.numbering
        self.engineBox = NIOLockedValueBox(CurrentEngine(engine))
        self.limits = limits
        self.clock = clock
        self.logger = logger
        self.counters = ServiceCounters(counts)
    }

    /// The engine turns run on now.
    public var engine: DialogueEngine {
        engineBox.withLockedValue { $0 }.engine
    }

    /// The engine turns run on now, by reference: taking it is one retain where a copy of the
    /// engine would retain each of its tables (and, at every turn, release them again).
    var currentEngine: CurrentEngine {
        engineBox.withLockedValue { $0 }
    }

    /// Replaces the engine (new intents and prompts); sessions carry on with it from their next turn.
    public func replaceEngine(_ engine: DialogueEngine) {
        var engine = engine
        engine.appealNumbering = appealNumbers.numbering
        let current = CurrentEngine(engine)
        engineBox.withLockedValue { $0 = current }
    }

    /// The counters answered to `stats`, as this daemon last counted them.
    public func stats() -> ServerStats {
        var stats = counters.snapshot(sessionsLoaded: registry.count, transactions: store.transactionCount)
        stats.desk = desk?.stats()
        return stats
    }

    /// The counters answered to `stats`, sessions and appeals read from a shared store first, so
    /// that every daemon on it answers the same counts.
    func currentStats() async throws -> ServerStats {
        if store.isShared {
            let stored = try await store.counts()
            counters.openSessions.store(stored.sessions, ordering: .relaxed)
            counters.tickets.store(stored.tickets, ordering: .relaxed)
        }
        return stats()
    }

    // MARK: Entry points

    /// The answer to one request, without an event loop (in-process use and tests).
    public func respond(to request: ProtocolRequest) async -> ProtocolResponse {
        await withCheckedContinuation { continuation in
            serve(request, on: RequestContext(schedule: { work in Task { work() } },
                                              respond: { continuation.resume(returning: $0) }))
        }
    }

    // MARK: Housekeeping

    /// Deletes expired sessions and drops idle ones from memory. Run periodically.
    public func sweep() async {
        let now = clock()
        var ended: [String] = []
        /// Forgets sessions the store has deleted: out of memory and out of the count.
        func forget(_ ids: [String], level: Logger.Level, _ message: Logger.Message) {
            guard !ids.isEmpty else { return }
            ended += ids
            registry.close(ids)
            counters.sessionEnded(ids.count)
            logger.log(level: level, message, metadata: ["count": "\(ids.count)"])
        }
        do {
            forget(try await store.expireSessions(before: now.addingTimeInterval(-limits.sessionTTL),
                                                  finishedBefore: now.addingTimeInterval(-limits.reviewRetention), now: now),
                   level: .info, "sessions expired")
        } catch {
            logger.error("could not expire sessions", metadata: ["error": LogText.escaped(error)])
        }
        // Near the limit, idle sessions that filed no appeal go sooner.
        if counters.openSessions.load(ordering: .relaxed) >= limits.maximumSessions - limits.maximumSessions / 10 {
            do {
                forget(try await store.expireSessionsWithoutAppeals(before: now.addingTimeInterval(-limits.unusedSessionTTL),
                                                                    limit: limits.maximumSessions, now: now),
                       level: .notice, "sessions without appeals expired near the session limit")
            } catch {
                logger.error("could not expire sessions without appeals", metadata: ["error": LogText.escaped(error)])
            }
        }
        // Daemons sharing the store open and close each other's sessions: the stored count is the truth.
        if let stored = try? await store.counts() {
            counters.openSessions.store(stored.sessions, ordering: .relaxed)
            counters.tickets.store(stored.tickets, ordering: .relaxed)
        }
        await desk?.sweep(ended: ended)
        let evicted = registry.evictIdle(before: now.addingTimeInterval(-limits.memoryIdleTime))
        if evicted > 0 {
            logger.debug("idle sessions dropped from memory", metadata: ["count": "\(evicted)"])
        }
    }

    /// How often ``sweep()`` should run for the configured limits.
    public var sweepInterval: TimeInterval {
        max(0.05, min(60, limits.sessionTTL / 4, limits.memoryIdleTime / 4))
    }
}

/// The store refused a change.
struct StorageError: Error, CustomStringConvertible {
    var reason: String
    var description: String { "storage: \(reason)" }
}

/// The dialogue engine that turns run on, held by reference so the session service can swap it
/// (``SessionService/replaceEngine(_:)``) and hand it to each turn without copying it.
final class CurrentEngine: Sendable {
    let engine: DialogueEngine

    init(_ engine: DialogueEngine) {
        self.engine = engine
    }
}
