import Foundation
import HelplineDesk
import HelplineServer
import Logging
import PostgresNIO

/// The specialists' desk shared by the daemons on one database (``PostgresSchema``'s `v2-desk`).
///
/// Every desk change is one transaction that first locks the one `desk_state` row, so changes
/// happen one at a time across daemons and each is worked out on the desk as the last one left
/// it: the daemon reads what changed since its copy's version (rows stamped with a later
/// version), works the change out, writes the changed rows stamped with the next version, bumps
/// `desk_state.version`, logs the events it made for specialists and announces the version with
/// `NOTIFY helpline_desk` (delivered at commit). Taking an appeal is therefore atomic across
/// daemons and follows the queues' order as of the latest change. A daemon reading changes
/// without making one reads them in one snapshot, so it sees a whole prefix of the changes.
///
/// Each daemon holds a lease (`desk_daemons`) and counts its connections per specialist
/// (`desk_presence`); when a lease runs out, the next daemon to notice counts that daemon's
/// connections as gone, so its specialists' grace periods start even if it never returns.
extension PostgresSessionStore {
    /// Thrown inside a desk transaction to roll it back with an outcome (a turn over a session
    /// that changed meanwhile).
    private struct Rollback: Error {
        var refresh: DeskRefresh
        var outcome: WriteOutcome
    }

    package var deskLease: TimeInterval? { configuration.deskLease }

    package func changeDesk(since version: Int64?, reap: Bool, closedSince: Date,
                            _ work: @escaping @Sendable (DeskRefresh) throws -> SessionWrite?) async throws -> DeskChangeResult {
        let result = try await call { [client, logger, daemon] () -> DeskChangeResult in
            do {
                return try await client.withTransaction(logger: logger) { connection in
                    let (current, nextNotice) = try await Self.deskState(on: connection, lock: true, logger: logger)
                    var refresh = DeskRefresh(version: current, nextNotice: nextNotice)
                    if let version, version != current {
                        refresh = try await Self.changes(since: version, current: current, nextNotice: nextNotice,
                                                         closedSince: closedSince, me: daemon, on: connection, logger: logger)
                    }
                    if reap { refresh.lapsed = try await Self.lapsed(me: daemon, on: connection, logger: logger) }
                    guard let write = try work(refresh) else {
                        return DeskChangeResult(refresh: refresh, outcome: nil, version: current)
                    }
                    var outcome = WriteOutcome.applied(version: 0)
                    let desk: DeskWrite
                    switch write {
                    case .desk(let change):
                        desk = change
                    case .turn(let turn):
                        outcome = try await Self.applyTurn(turn, on: connection, logger: logger)
                        guard case .applied = outcome else { throw Rollback(refresh: refresh, outcome: outcome) }
                        desk = turn.desk ?? DeskWrite()
                    case .create, .touch, .delete:
                        throw PostgresStoreError("only desk changes and turns are stored in a desk transaction")
                    }
                    let next = current + 1
                    try await Self.apply(desk, version: next, daemon: daemon, on: connection, logger: logger)
                    return DeskChangeResult(refresh: refresh, outcome: outcome, version: next)
                }
            } catch let error as PostgresTransactionError {
                if let rollback = error.closureError as? Rollback {
                    return DeskChangeResult(refresh: rollback.refresh, outcome: rollback.outcome, version: rollback.refresh.version)
                }
                throw error
            }
        }
        if case .applied? = result.outcome { transactions.wrappingAdd(1, ordering: .relaxed) }
        return result
    }

    package func deskChanges(since version: Int64, closedSince: Date) async throws -> DeskRefresh {
        try await call { [client, logger, daemon] in
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
                let (current, nextNotice) = try await Self.deskState(on: connection, lock: false, logger: logger)
                guard version != current else { return DeskRefresh(version: current, nextNotice: nextNotice) }
                return try await Self.changes(since: version, current: current, nextNotice: nextNotice,
                                              closedSince: closedSince, me: daemon, on: connection, logger: logger)
            }
        }
    }

    package func deskHeartbeat() async throws -> DeskHeartbeat {
        let lease = configuration.deskLease
        let beat = try await call { [client, logger, daemon] in
            let rows = try await client.query("""
                WITH beat AS (
                    INSERT INTO desk_daemons (id, lease_until) VALUES (\(daemon), now() + make_interval(secs => \(lease)))
                    ON CONFLICT (id) DO UPDATE SET lease_until = excluded.lease_until
                    RETURNING (xmax = 0) AS registered
                ), pruned AS (
                    DELETE FROM desk_events WHERE at < now() - interval '1 hour'
                )
                SELECT (SELECT registered FROM beat), (SELECT version FROM desk_state WHERE id = 1),
                       EXISTS (SELECT 1 FROM desk_daemons WHERE lease_until < now() AND id <> \(daemon))
                       OR EXISTS (SELECT 1 FROM desk_presence AS p WHERE p.daemon <> \(daemon)
                                  AND NOT EXISTS (SELECT 1 FROM desk_daemons AS d WHERE d.id = p.daemon))
                """, logger: logger)
            for try await (registered, version, lapsed) in rows.decode((Bool, Int64, Bool).self) {
                return DeskHeartbeat(version: version, registered: registered, lapsed: lapsed)
            }
            throw PostgresStoreError("the desk lease was not renewed")
        }
        // The first beat registers; later ones register again only after being taken for dead.
        let first = !leased.exchange(true, ordering: .relaxed)
        return DeskHeartbeat(version: beat.version, registered: beat.registered && !first, lapsed: beat.lapsed)
    }

    package func watchDesk(_ changed: @escaping @Sendable (Int64?) -> Void) async {
        var quiet = logger
        quiet.logLevel = .critical
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: PostgresSchema.deskChannel) { notifications in
                        // Listening now: whatever changed before is caught up with once.
                        changed(nil)
                        for try await notification in notifications {
                            changed(Int64(notification.payload))
                        }
                    }
                }
            } catch {
                if !Task.isCancelled {
                    logger.debug("the desk's notifications stopped; listening again", metadata: ["error": "\(error)"])
                }
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    package func leaveDesk() async {
        guard leased.load(ordering: .relaxed) else { return }
        _ = try? await call { [client, logger, daemon] in
            try await client.query("UPDATE desk_daemons SET lease_until = '-infinity' WHERE id = \(daemon)", logger: logger)
        }
    }

    // MARK: Reading

    /// The desk's version and next notice number; `lock` takes the desk for a change.
    private static func deskState(on connection: PostgresConnection, lock: Bool, logger: Logger) async throws -> (Int64, Int64) {
        let rows = try await connection.query(PostgresQuery(unsafeSQL:
            "SELECT version, next_notice FROM desk_state WHERE id = 1" + (lock ? " FOR UPDATE" : "")), logger: logger)
        for try await state in rows.decode((Int64, Int64).self) { return state }
        throw PostgresStoreError("the desk's state row is missing")
    }

    /// What changed since `version` (the whole desk when that is 0, or when the changes' events
    /// are no longer all kept), as of `current`.
    private static func changes(since version: Int64, current: Int64, nextNotice: Int64, closedSince: Date, me: String,
                                on connection: PostgresConnection, logger: Logger) async throws -> DeskRefresh {
        var refresh = DeskRefresh(version: current, nextNotice: nextNotice)
        let decoder = JSONDecoder()
        func decode<T: Decodable>(_ type: T.Type, _ text: String, _ what: String) throws -> T {
            do {
                return try decoder.decode(type, from: Data(text.utf8))
            } catch {
                throw PostgresStoreError("a stored \(what) cannot be read: \(error)")
            }
        }
        var whole = version <= 0 || version > current
        if !whole {
            let rows = try await connection.query(
                "SELECT version, daemon, events FROM desk_events WHERE version > \(version) ORDER BY version", logger: logger)
            var expected = version + 1
            for try await (logged, daemon, events) in rows.decode((Int64, String, String).self) {
                if logged != expected { whole = true }
                expected = logged + 1
                if daemon != me { refresh.events += try decode([DeskLogEvent].self, events, "desk event") }
            }
            if expected != current + 1 { whole = true }
        }
        refresh.whole = whole
        if whole { refresh.events = [] }
        let appeals = whole
            ? try await connection.query("""
                SELECT appeal FROM desk_appeals WHERE state <> 'closed' OR closed_at >= \(closedSince) ORDER BY sequence, id
                """, logger: logger)
            : try await connection.query(
                "SELECT appeal FROM desk_appeals WHERE version > \(version) ORDER BY sequence, id", logger: logger)
        for try await text in appeals.decode(String.self) {
            refresh.appeals.append(try decode(DeskAppeal.self, text, "desk appeal"))
        }
        var specialists: [Specialist] = []
        for try await text in try await connection.query("SELECT specialist FROM desk_specialists ORDER BY id", logger: logger)
            .decode(String.self) {
            specialists.append(try decode(Specialist.self, text, "specialist"))
        }
        refresh.specialists = specialists
        let history = try await connection.query(
            "SELECT history FROM desk_history WHERE id = 1 AND version > \(whole ? 0 : version)", logger: logger)
        for try await text in history.decode(String.self) {
            refresh.history = try decode(DeskHistory.self, text, "desk history")
        }
        var notices: [PendingNotice] = []
        for try await (id, session, text) in try await connection.query(
            "SELECT id, session, notice FROM desk_notices ORDER BY id", logger: logger).decode((Int64, String, String).self) {
            notices.append(PendingNotice(id: id, session: session, notice: try decode(CustomerNotice.self, text, "customer notice")))
        }
        refresh.notices = notices
        return refresh
    }

    /// The connections held on daemons whose lease ran out, and those daemons (with none, too).
    private static func lapsed(me: String, on connection: PostgresConnection, logger: Logger) async throws -> [String: [String: Int]] {
        var lapsed: [String: [String: Int]] = [:]
        let daemons = try await connection.query(
            "SELECT id FROM desk_daemons WHERE lease_until < now() AND id <> \(me)", logger: logger)
        for try await id in daemons.decode(String.self) { lapsed[id] = [:] }
        let rows = try await connection.query("""
            SELECT p.daemon, p.specialist, p.connections FROM desk_presence AS p
            LEFT JOIN desk_daemons AS d ON d.id = p.daemon
            WHERE p.daemon <> \(me) AND (d.id IS NULL OR d.lease_until < now())
            """, logger: logger)
        for try await (daemon, specialist, connections) in rows.decode((String, String, Int32).self) {
            lapsed[daemon, default: [:]][specialist] = Int(connections)
        }
        return lapsed
    }

    // MARK: Writing

    /// Stores one desk change at `version`, inside the desk transaction (the state row locked).
    private static func apply(_ write: DeskWrite, version: Int64, daemon: String, on connection: PostgresConnection,
                              logger: Logger) async throws {
        for appeal in write.appeals {
            try await connection.query("""
                INSERT INTO desk_appeals (id, session, state, queue, topic, specialist, sequence, arrived_at, closed_at, appeal, version)
                VALUES (\(appeal.id), \(appeal.session), \(appeal.state.rawValue), \(appeal.queue.rawValue), \(appeal.topic),
                        \(appeal.specialist), \(Int64(appeal.sequence)), \(appeal.arrivedAt), \(appeal.closedAt),
                        \(try json(appeal)), \(version))
                ON CONFLICT (id) DO UPDATE SET session = excluded.session, state = excluded.state, queue = excluded.queue,
                    topic = excluded.topic, specialist = excluded.specialist, sequence = excluded.sequence,
                    arrived_at = excluded.arrived_at, closed_at = excluded.closed_at, appeal = excluded.appeal,
                    version = excluded.version
                """, logger: logger)
        }
        for specialist in write.specialists {
            try await connection.query("""
                INSERT INTO desk_specialists (id, specialist) VALUES (\(specialist.id), \(try json(specialist)))
                ON CONFLICT (id) DO UPDATE SET specialist = excluded.specialist
                """, logger: logger)
        }
        if !write.removedSpecialists.isEmpty {
            try await connection.query("DELETE FROM desk_specialists WHERE id = ANY(\(write.removedSpecialists))", logger: logger)
            try await connection.query("DELETE FROM desk_presence WHERE specialist = ANY(\(write.removedSpecialists))", logger: logger)
        }
        if let history = write.history {
            try await connection.query("""
                INSERT INTO desk_history (id, history, version) VALUES (1, \(try json(history)), \(version))
                ON CONFLICT (id) DO UPDATE SET history = excluded.history, version = excluded.version
                """, logger: logger)
        }
        for notice in write.notices {
            try await connection.query("""
                INSERT INTO desk_notices (id, session, notice, created_at)
                VALUES (\(notice.id), \(notice.session), \(try json(notice.notice)), \(notice.notice.at))
                """, logger: logger)
        }
        if !write.delivered.isEmpty {
            try await connection.query("DELETE FROM desk_notices WHERE id = ANY(\(write.delivered))", logger: logger)
        }
        for (specialist, delta) in write.presence.sorted(by: { $0.key < $1.key }) {
            try await connection.query("""
                INSERT INTO desk_presence (daemon, specialist, connections) VALUES (\(daemon), \(specialist), \(Int32(delta)))
                ON CONFLICT (daemon, specialist) DO UPDATE SET connections = desk_presence.connections + excluded.connections
                """, logger: logger)
        }
        if !write.presence.isEmpty {
            try await connection.query("DELETE FROM desk_presence WHERE daemon = \(daemon) AND connections <= 0", logger: logger)
        }
        if !write.reaped.isEmpty {
            try await connection.query("DELETE FROM desk_presence WHERE daemon = ANY(\(write.reaped))", logger: logger)
            try await connection.query("DELETE FROM desk_daemons WHERE id = ANY(\(write.reaped))", logger: logger)
        }
        let nextNotice = (write.notices.map(\.id).max() ?? 0) + 1
        try await connection.query("""
            UPDATE desk_state SET version = \(version), next_notice = greatest(next_notice, \(nextNotice)) WHERE id = 1
            """, logger: logger)
        try await connection.query("""
            INSERT INTO desk_events (version, daemon, events) VALUES (\(version), \(daemon), \(try json(write.events)))
            """, logger: logger)
        try await connection.query("SELECT pg_notify(\(PostgresSchema.deskChannel), \(String(version)))", logger: logger)
    }
}
