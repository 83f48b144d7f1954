import Foundation
import HelplineDialogue
import Synchronization

/// The session service's counters, answered to `stats`.
final class ServiceCounters: Sendable {
    /// Open sessions, as this daemon knows them (resynchronized from the store by the sweep).
    let openSessions: Atomic<Int>
    /// Appeals stored, all time.
    let tickets: Atomic<Int>
    /// `say` turns answered since start.
    let turns = Atomic<Int>(0)
    /// Client connections open now; kept by the daemon.
    let connections = Atomic<Int>(0)
    let startedAt: ContinuousClock.Instant = .now

    init(_ stored: StoreCounts) {
        openSessions = Atomic(stored.sessions)
        tickets = Atomic(stored.tickets)
    }

    /// Reserves room for a new session under `limit`; false when there is none. `stored` is asked
    /// only when the count here says the limit is reached: other daemons on the same store may
    /// have closed sessions this count still holds, and the store decides.
    func reserveSession(limit: Int, stored: () -> Int?) -> Bool {
        var reserved = openSessions.wrappingAdd(1, ordering: .relaxed).newValue
        if reserved > limit, let stored = stored() {
            openSessions.store(stored + 1, ordering: .relaxed)
            reserved = stored + 1
        }
        guard reserved <= limit else {
            openSessions.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    /// Reserves room for a new session under `limit`, taking `stored` (the store's count of open
    /// sessions) as the truth; false when there is none.
    func reserveSession(limit: Int, stored: Int) -> Bool {
        openSessions.store(stored + 1, ordering: .relaxed)
        guard stored + 1 <= limit else {
            openSessions.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    /// Gives back a reservation or counts a session closed.
    func sessionEnded(_ count: Int = 1) {
        openSessions.wrappingSubtract(count, ordering: .relaxed)
    }

    /// Counts an answered turn and the appeals it opened.
    func countTurn(_ turn: Turn) {
        turns.wrappingAdd(1, ordering: .relaxed)
        let opened = turn.effects.count { if case .openTicket = $0 { true } else { false } }
        if opened > 0 { tickets.wrappingAdd(opened, ordering: .relaxed) }
    }

    /// The counters as `stats` answers them.
    func snapshot(sessionsLoaded: Int, transactions: Int) -> ServerStats {
        let (seconds, attoseconds) = (ContinuousClock.now - startedAt).components
        return ServerStats(
            sessions: max(0, openSessions.load(ordering: .relaxed)),
            tickets: tickets.load(ordering: .relaxed),
            connections: connections.load(ordering: .relaxed),
            uptimeSeconds: Double(seconds) + Double(attoseconds) / 1e18,
            turns: turns.load(ordering: .relaxed),
            rssBytes: ProcessMemory.residentBytes(),
            sessionsLoaded: sessionsLoaded,
            transactions: transactions
        )
    }
}
