import Foundation
import GRDB
import HelplineDesk
import HelplineServer
import Logging
import PostgresNIO

/// Copies a daemon's SQLite database into an empty PostgreSQL database (`helpline migrate`):
/// sessions with their versions, messages in order, appeals, finished conversations and how far
/// appeal numbers were handed out, in one transaction, so that a failed copy leaves the target
/// as it was. Stop the daemons on the SQLite file first.
public enum SQLiteToPostgres {
    /// What was copied.
    public struct Report: Sendable, Hashable, CustomStringConvertible {
        public var sessions = 0
        public var messages = 0
        public var tickets = 0
        public var finishedConversations = 0
        /// The specialists' desk: its appeals (open and closed), specialists and notices not delivered.
        public var deskAppeals = 0
        public var specialists = 0
        public var notices = 0
        /// Appeal sequence numbers reserved, as carried over.
        public var appealNumbersReserved: Int64 = 0

        public var description: String {
            "\(sessions) sessions, \(messages) messages, \(tickets) appeals, \(finishedConversations) finished conversations; "
                + "at the desk \(deskAppeals) appeals, \(specialists) specialists, \(notices) notices to deliver; "
                + "appeal numbers continue after \(appealNumbersReserved)"
        }
    }

    /// Rows copied per statement.
    static let batch = 1_000

    /// Copies `path` into the (empty) database of `configuration`. Throws, copying nothing, when
    /// the file is not a Helpline database or the target already holds sessions, appeals or
    /// finished conversations.
    public static func migrate(from path: String, to configuration: PostgresStoreConfiguration,
                               logger: Logger = Logger(label: "helpline.migrate")) async throws -> Report {
        guard FileManager.default.fileExists(atPath: path) else { throw PostgresStoreError("no database at \(path)") }
        // Opening it as the daemon does brings an older file's schema up to date and takes what
        // is in its write-ahead log into the file.
        let database = try SessionDatabase(path: path)
        let desk = try database.loadDeskNow(closedSince: .distantPast)
        try database.close()
        var readOnly = Configuration()
        readOnly.readonly = true
        let source = try DatabaseQueue(path: path, configuration: readOnly)
        defer { try? source.close() }

        let store = try await PostgresSessionStore.open(configuration, logger: logger)
        do {
            let report = try await store.withConnection { connection in
                try await connection.withTransaction(logger: logger) { connection in
                    var report = try await copy(from: source, to: connection, logger: logger)
                    try await copy(desk, to: connection, report: &report, logger: logger)
                    return report
                }
            }
            try await store.close()
            return report
        } catch {
            try? await store.close()
            throw error
        }
    }

    private static func copy(from source: DatabaseQueue, to connection: PostgresConnection, logger: Logger) async throws -> Report {
        let existing = try await connection.query("""
            SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM tickets), (SELECT count(*) FROM finished_conversations),
                   (SELECT count(*) FROM desk_appeals)
            """, logger: logger)
        for try await (sessions, tickets, finished, desk) in existing.decode((Int64, Int64, Int64, Int64).self)
        where sessions + tickets + finished + desk > 0 {
            throw PostgresStoreError("the target database already holds \(sessions) sessions, \(tickets) appeals, "
                + "\(finished) finished conversations and \(desk) appeals at the desk; migrate into an empty database")
        }

        var report = Report()
        report.sessions = try await copyRows(source, table: "sessions", to: connection, logger: logger,
                                             insert: """
            INSERT INTO sessions (id, profile, state, topic, order_id, conversation, version, created_at, updated_at)
            SELECT id, profile, state, topic, order_id, conversation, version, to_timestamp(created_at), to_timestamp(updated_at)
            FROM jsonb_to_recordset($1::jsonb) AS r (id text, profile text, state text, topic text, order_id text,
                conversation text, version bigint, created_at double precision, updated_at double precision)
            """) { row in
            SessionRow(id: row["id"], profile: row["profile"], state: row["state"], topic: row["topic"], order_id: row["order_id"],
                       conversation: row["conversation"], version: row["version"],
                       created_at: (row["created_at"] as Date).timeIntervalSince1970,
                       updated_at: (row["updated_at"] as Date).timeIntervalSince1970)
        }
        report.messages = try await copyRows(source, table: "messages", to: connection, logger: logger,
                                             insert: """
            INSERT INTO messages (session, direction, text, at)
            SELECT session, direction, text, to_timestamp(at)
            FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (session text, direction text, text text, at double precision))
                WITH ORDINALITY AS r (session, direction, text, at, ordinality)
            ORDER BY ordinality
            """) { row in
            MessageRow(session: row["session"], direction: row["direction"], text: row["text"],
                       at: (row["at"] as Date).timeIntervalSince1970)
        }
        report.tickets = try await copyRows(source, table: "tickets", to: connection, logger: logger,
                                            insert: """
            INSERT INTO tickets (id, session, topic, order_id, queue, eta_minutes, messages, created_at)
            SELECT id, session, topic, order_id, queue, eta_minutes::jsonb, messages::jsonb, to_timestamp(created_at)
            FROM jsonb_to_recordset($1::jsonb) AS r (id text, session text, topic text, order_id text, queue text,
                eta_minutes text, messages text, created_at double precision)
            """) { row in
            TicketRow(id: row["id"], session: row["session"], topic: row["topic"], order_id: row["order_id"], queue: row["queue"],
                      eta_minutes: row["eta_minutes"], messages: row["messages"],
                      created_at: (row["created_at"] as Date).timeIntervalSince1970)
        }
        report.finishedConversations = try await copyRows(
            source, table: "finished_conversations", to: connection, logger: logger, insert: """
            INSERT INTO finished_conversations (profile, messages, created_at, finished_at)
            SELECT profile, messages::jsonb, to_timestamp(created_at), to_timestamp(finished_at)
            FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (profile text, messages text, created_at double precision,
                finished_at double precision)) WITH ORDINALITY AS r (profile, messages, created_at, finished_at, ordinality)
            ORDER BY ordinality
            """) { row in
            FinishedRow(profile: row["profile"], messages: row["messages"],
                        created_at: (row["created_at"] as Date).timeIntervalSince1970,
                        finished_at: (row["finished_at"] as Date).timeIntervalSince1970)
        }

        let reserved = try await source.read { db in
            try Int64.fetchOne(db, sql: "SELECT reserved FROM appeal_numbers WHERE id = 1") ?? 0
        }
        let rows = try await connection.query("""
            INSERT INTO appeal_numbers (id, reserved) VALUES (1, \(reserved))
            ON CONFLICT (id) DO UPDATE SET reserved = greatest(appeal_numbers.reserved, excluded.reserved)
            RETURNING reserved
            """, logger: logger)
        for try await value in rows.decode(Int64.self) { report.appealNumbersReserved = value }
        return report
    }

    /// Copies the specialists' desk. The daemon that used the file has stopped, so its specialists
    /// are away from now on, as after a restart: each gets the grace period to come back before
    /// the appeals they hold return to the queue (on PostgreSQL no daemon counts them as away by
    /// itself, since they may be connected to another daemon).
    private static func copy(_ desk: StoredDesk, to connection: PostgresConnection, report: inout Report,
                             logger: Logger) async throws {
        let now = Date()
        let version: Int64 = 1
        for appeal in desk.state.appeals {
            try await connection.query("""
                INSERT INTO desk_appeals (id, session, state, queue, topic, specialist, sequence, arrived_at, closed_at, appeal, version)
                VALUES (\(appeal.id), \(appeal.session), \(appeal.state.rawValue), \(appeal.queue.rawValue), \(appeal.topic),
                        \(appeal.specialist), \(Int64(appeal.sequence)), \(appeal.arrivedAt), \(appeal.closedAt),
                        \(try PostgresSessionStore.json(appeal)), \(version))
                """, logger: logger)
        }
        for var specialist in desk.state.specialists {
            specialist.connections = 0
            if specialist.leftAt == nil { specialist.leftAt = now }
            try await connection.query("""
                INSERT INTO desk_specialists (id, specialist) VALUES (\(specialist.id), \(try PostgresSessionStore.json(specialist)))
                """, logger: logger)
        }
        try await connection.query("""
            INSERT INTO desk_history (id, history, version) VALUES (1, \(try PostgresSessionStore.json(desk.state.history)), \(version))
            ON CONFLICT (id) DO UPDATE SET history = excluded.history, version = excluded.version
            """, logger: logger)
        for notice in desk.notices {
            try await connection.query("""
                INSERT INTO desk_notices (id, session, notice, created_at)
                VALUES (\(notice.id), \(notice.session), \(try PostgresSessionStore.json(notice.notice)), \(notice.notice.at))
                """, logger: logger)
        }
        let nextNotice = (desk.notices.map(\.id).max() ?? 0) + 1
        try await connection.query("""
            UPDATE desk_state SET version = greatest(version, \(version)), next_notice = greatest(next_notice, \(nextNotice)) WHERE id = 1
            """, logger: logger)
        report.deskAppeals = desk.state.appeals.count
        report.specialists = desk.state.specialists.count
        report.notices = desk.notices.count
    }

    /// Reads the rows of `table` in batches, in the order they were written (rowid), and inserts
    /// each batch with `insert`, which takes the batch as a JSON array (`$1`) of what `convert`
    /// makes of each row. Returns the rows copied.
    private static func copyRows<Record: Encodable & Sendable>(
        _ source: DatabaseQueue, table: String, to connection: PostgresConnection, logger: Logger, insert: String,
        convert: @escaping @Sendable (Row) -> Record
    ) async throws -> Int {
        let encoder = JSONEncoder()
        var copied = 0
        var after: Int64 = .min
        while true {
            let start = after
            let (records, last) = try await source.read { db -> ([Record], Int64) in
                let rows = try Row.fetchAll(db, sql: "SELECT rowid AS copied_rowid, * FROM \(table) WHERE rowid > ? ORDER BY rowid LIMIT \(batch)",
                                            arguments: [start])
                return (rows.map(convert), rows.last?["copied_rowid"] ?? start)
            }
            guard !records.isEmpty else { return copied }
            let json = String(decoding: try encoder.encode(records), as: UTF8.self)
            var binds = PostgresBindings()
            binds.append(json)
            try await connection.query(PostgresQuery(unsafeSQL: insert, binds: binds), logger: logger)
            copied += records.count
            after = last
        }
    }
}

// The rows as `jsonb_to_recordset` reads them: column names as keys, dates as seconds since 1970.
private struct SessionRow: Encodable, Sendable {
    var id: String
    var profile: String
    var state: String
    var topic: String?
    var order_id: String?
    var conversation: String
    var version: Int64
    var created_at: Double
    var updated_at: Double
}

private struct MessageRow: Encodable, Sendable {
    var session: String
    var direction: String
    var text: String
    var at: Double
}

private struct TicketRow: Encodable, Sendable {
    var id: String
    var session: String
    var topic: String
    var order_id: String?
    var queue: String
    var eta_minutes: String
    var messages: String
    var created_at: Double
}

private struct FinishedRow: Encodable, Sendable {
    var profile: String
    var messages: String
    var created_at: Double
    var finished_at: Double
}
