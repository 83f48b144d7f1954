import Foundation
import HelplineDesk

/// An event for a specialist, kept with the desk change that made it so that the daemons where
/// the specialist may be connected can send it too.
package struct DeskLogEvent: Sendable, Hashable, Codable {
    package var specialist: String
    package var event: DeskEvent

    package init(specialist: String, event: DeskEvent) {
        self.specialist = specialist
        self.event = event
    }

    enum CodingKeys: String, CodingKey { case specialist, event }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        specialist = try c.decode(String.self, forKey: .specialist)
        event = try c.decode(DeskEventLine.self, forKey: .event).event
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(specialist, forKey: .specialist)
        try c.encode(DeskEventLine(event), forKey: .event)
    }
}

/// What other daemons changed at a shared desk since a daemon's copy of it (version `since`),
/// read in one snapshot: the copy brought up to date with it is the desk at ``version``.
package struct DeskRefresh: Sendable {
    /// The desk's version after these changes.
    package var version: Int64
    /// The whole desk rather than changes: the copy is replaced.
    package var whole = false
    /// Appeals changed (or, when ``whole``, every open appeal and those closed recently).
    package var appeals: [DeskAppeal] = []
    /// Every specialist, when anything changed.
    package var specialists: [Specialist]?
    /// The history, when it changed.
    package var history: DeskHistory?
    /// Every notice not delivered yet, oldest first, when anything changed.
    package var notices: [PendingNotice]?
    /// Events other daemons' changes made for specialists, in order.
    package var events: [DeskLogEvent] = []
    /// The next free notice number.
    package var nextNotice: Int64 = 1
    /// Connections held on daemons whose lease ran out (killed, or cut off from the database):
    /// daemon → specialist → connections. Read only when a change asks to reap them.
    package var lapsed: [String: [String: Int]] = [:]

    package init(version: Int64, nextNotice: Int64 = 1) {
        self.version = version
        self.nextNotice = nextNotice
    }

    /// Whether there is nothing to take in.
    package var isEmpty: Bool {
        !whole && appeals.isEmpty && specialists == nil && history == nil && notices == nil && events.isEmpty
            && lapsed.isEmpty
    }
}

/// What became of ``SessionStore/changeDesk(since:reap:closedSince:_:)``.
package struct DeskChangeResult: Sendable {
    /// What was read before the change.
    package var refresh: DeskRefresh
    /// What became of the write; nil when the change wrote nothing.
    package var outcome: WriteOutcome?
    /// The desk's version after the change (``DeskRefresh/version`` when nothing was written).
    package var version: Int64

    package init(refresh: DeskRefresh, outcome: WriteOutcome?, version: Int64) {
        self.refresh = refresh
        self.outcome = outcome
        self.version = version
    }
}

/// A daemon's periodic sign of life at a shared desk.
package struct DeskHeartbeat: Sendable {
    /// The desk's version now.
    package var version: Int64
    /// The daemon was not registered (its first beat, or another daemon took it for dead and
    /// counted its specialists' connections as gone).
    package var registered: Bool
    /// Some daemon's lease ran out: its connections are to be counted as gone.
    package var lapsed: Bool

    package init(version: Int64, registered: Bool, lapsed: Bool) {
        self.version = version
        self.registered = registered
        self.lapsed = lapsed
    }
}

/// A store whose desk no other daemon shares (SQLite): a desk change is worked out on the
/// daemon's own copy and committed like any other write.
extension SessionStore {
    package var deskLease: TimeInterval? { nil }

    package func changeDesk(since version: Int64?, reap: Bool, closedSince: Date,
                            _ work: @escaping @Sendable (DeskRefresh) throws -> SessionWrite?) async throws -> DeskChangeResult {
        let unchanged = DeskRefresh(version: 0)
        guard let write = try work(unchanged) else { return DeskChangeResult(refresh: unchanged, outcome: nil, version: 0) }
        let outcome = try await withCheckedThrowingContinuation { continuation in
            commit(write, schedule: { work in DispatchQueue.global().async(execute: work) }) { continuation.resume(with: $0) }
        }
        return DeskChangeResult(refresh: unchanged, outcome: outcome, version: 0)
    }

    package func deskChanges(since version: Int64, closedSince: Date) async throws -> DeskRefresh {
        DeskRefresh(version: version)
    }

    package func deskHeartbeat() async throws -> DeskHeartbeat {
        DeskHeartbeat(version: 0, registered: true, lapsed: false)
    }

    package func watchDesk(_ changed: @escaping @Sendable (Int64?) -> Void) async {}

    package func leaveDesk() async {}
}
