import Foundation
import GRDB
import HelplineDesk

/// A notice for a customer's session that is stored until it is delivered: a specialist's reply
/// or question, or a change to the customer's appeal (``DeskEffect/deliver(session:_:)``).
package struct PendingNotice: Sendable, Hashable {
    /// Numbers notices in the order they were made; given by the desk, never by the database.
    package var id: Int64
    package var session: String
    package var notice: CustomerNotice

    package init(id: Int64, session: String, notice: CustomerNotice) {
        self.id = id
        self.session = session
        self.notice = notice
    }
}

/// One change to the desk's stored state, written in the same transaction as the rest of its
/// ``SessionWrite``: the appeals an operation changed (stored whole), the specialists it signed
/// in, out or away, the answered-appeal history, notices made for customers and notices delivered.
package struct DeskWrite: Sendable, Hashable {
    /// Appeals in their new state (inserted or replaced).
    package var appeals: [DeskAppeal]
    /// Specialists in their new state (inserted or replaced).
    package var specialists: [Specialist]
    /// Specialists the desk forgot (signed out, or their grace period ended).
    package var removedSpecialists: [String]
    /// The history, when it changed.
    package var history: DeskHistory?
    /// Notices to keep until they are delivered.
    package var notices: [PendingNotice]
    /// Notices delivered (with an answer or pushed to a connection): removed.
    package var delivered: [Int64]
    /// On a desk shared by several daemons: this daemon's connections signed in as a specialist,
    /// by how many they changed (+1 a sign-in, -1 a connection gone).
    package var presence: [String: Int] = [:]
    /// On a shared desk: daemons whose lease ran out, whose connections this change counted as gone.
    package var reaped: [String] = []
    /// On a shared desk: the events the change made for specialists, for the other daemons to send.
    package var events: [DeskLogEvent] = []

    package init(appeals: [DeskAppeal] = [], specialists: [Specialist] = [], removedSpecialists: [String] = [],
                 history: DeskHistory? = nil, notices: [PendingNotice] = [], delivered: [Int64] = []) {
        self.appeals = appeals
        self.specialists = specialists
        self.removedSpecialists = removedSpecialists
        self.history = history
        self.notices = notices
        self.delivered = delivered
    }

    /// Whether there is nothing to store.
    package var isEmpty: Bool {
        appeals.isEmpty && specialists.isEmpty && removedSpecialists.isEmpty && history == nil && notices.isEmpty
            && delivered.isEmpty && presence.isEmpty && reaped.isEmpty
    }

    /// What changed from `before` to `after`: the `changed` appeals (as the desk's outcome lists
    /// them), every specialist added, changed or removed, the history if it changed, and `notices`.
    package init(from before: Desk, to after: Desk, changed: [DeskAppeal], notices: [PendingNotice] = []) {
        var seen: Set<String> = []
        // The last state of each appeal, in the order they were first changed.
        let latest = Dictionary(changed.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        let appeals = changed.compactMap { appeal in seen.insert(appeal.id).inserted ? latest[appeal.id] : nil }
        let specialists = after.specialists.values.filter { before.specialists[$0.id] != $0 }.sorted { $0.id < $1.id }
        let removed = before.specialists.keys.filter { after.specialists[$0] == nil }.sorted()
        self.init(appeals: appeals, specialists: specialists, removedSpecialists: removed,
                  history: before.history == after.history ? nil : after.history, notices: notices)
    }
}

/// The desk as the store holds it: what ``Desk/init(rules:state:)`` starts from after a restart.
package struct StoredDesk: Sendable {
    /// Open appeals and those closed recently, the specialists as they were, the history.
    package var state: DeskState
    /// Notices not delivered yet, oldest first.
    package var notices: [PendingNotice]
    /// On a desk shared by several daemons, its version (``DeskRefresh/version``); nil for a
    /// desk of one daemon, whose specialists all left when it stopped.
    package var version: Int64?

    package init(state: DeskState = DeskState(), notices: [PendingNotice] = [], version: Int64? = nil) {
        self.state = state
        self.notices = notices
        self.version = version
    }
}

/// The desk's tables: `desk_appeals`, `desk_specialists`, `desk_history` (one row) and
/// `desk_notices`. Appeals and specialists are stored whole as JSON, with the columns a query
/// needs (state, queue, who has it) copied beside.
enum DeskTables {
    /// Creates the tables (the migration `v4-desk`).
    static func create(_ db: Database) throws {
        try db.create(table: "desk_appeals") { t in
            t.primaryKey("id", .text)
            t.column("session", .text).notNull().indexed()
            t.column("state", .text).notNull().indexed()
            t.column("queue", .text).notNull()
            t.column("topic", .text).notNull()
            t.column("specialist", .text)
            t.column("sequence", .integer).notNull()
            t.column("arrived_at", .datetime).notNull()
            t.column("closed_at", .datetime)
            t.column("appeal", .text).notNull()
        }
        try db.create(table: "desk_specialists") { t in
            t.primaryKey("id", .text)
            t.column("specialist", .text).notNull()
        }
        try db.create(table: "desk_history") { t in
            t.primaryKey("id", .integer).check { $0 == 1 }
            t.column("history", .text).notNull()
        }
        // A notice is deleted once delivered; its number is the desk's.
        try db.create(table: "desk_notices") { t in
            t.primaryKey("id", .integer)
            t.column("session", .text).notNull().indexed()
            t.column("notice", .text).notNull()
            t.column("created_at", .datetime).notNull()
        }
    }

    /// Stores one desk change inside the current transaction.
    static func apply(_ write: DeskWrite, in db: Database) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        func json(_ value: some Encodable) throws -> String {
            String(decoding: try encoder.encode(value), as: UTF8.self)
        }
        if !write.appeals.isEmpty {
            // An upsert changes the row in place: `INSERT OR REPLACE` would delete and insert it,
            // rewriting every index entry of the appeal on each follow-up.
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO desk_appeals
                (id, session, state, queue, topic, specialist, sequence, arrived_at, closed_at, appeal)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET session = excluded.session, state = excluded.state,
                queue = excluded.queue, topic = excluded.topic, specialist = excluded.specialist,
                sequence = excluded.sequence, arrived_at = excluded.arrived_at, closed_at = excluded.closed_at,
                appeal = excluded.appeal
                """)
            for appeal in write.appeals {
                try upsert.execute(arguments: [
                    appeal.id, appeal.session, appeal.state.rawValue, appeal.queue.rawValue, appeal.topic,
                    appeal.specialist, appeal.sequence, StoredDate.databaseValue(appeal.arrivedAt),
                    appeal.closedAt.map(StoredDate.databaseValue), try json(appeal),
                ])
            }
        }
        for specialist in write.specialists {
            try db.execute(sql: "INSERT OR REPLACE INTO desk_specialists (id, specialist) VALUES (?, ?)",
                           arguments: [specialist.id, try json(specialist)])
        }
        for id in write.removedSpecialists {
            try db.execute(sql: "DELETE FROM desk_specialists WHERE id = ?", arguments: [id])
        }
        if let history = write.history {
            try db.execute(sql: "INSERT OR REPLACE INTO desk_history (id, history) VALUES (1, ?)",
                           arguments: [try json(history)])
        }
        for notice in write.notices {
            try db.execute(sql: "INSERT INTO desk_notices (id, session, notice, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [notice.id, notice.session, try json(notice.notice), StoredDate.databaseValue(notice.notice.at)])
        }
        if !write.delivered.isEmpty {
            let delete = try db.cachedStatement(sql: "DELETE FROM desk_notices WHERE id = ?")
            for id in write.delivered { try delete.execute(arguments: [id]) }
        }
    }

    /// The stored desk: every appeal not closed and those closed at or after `closedSince`, the
    /// specialists, the history and the notices not delivered.
    static func load(_ db: Database, closedSince: Date) throws -> StoredDesk {
        let decoder = JSONDecoder()
        func decode<T: Decodable>(_ type: T.Type, _ text: String, _ what: String) throws -> T {
            do {
                return try decoder.decode(type, from: Data(text.utf8))
            } catch {
                throw DatabaseFileError("a stored \(what) cannot be read: \(error)")
            }
        }
        let appeals = try String.fetchAll(db, sql: """
            SELECT appeal FROM desk_appeals WHERE state != 'closed' OR closed_at >= ? ORDER BY sequence, id
            """, arguments: [closedSince]).map { try decode(DeskAppeal.self, $0, "desk appeal") }
        let specialists = try String.fetchAll(db, sql: "SELECT specialist FROM desk_specialists ORDER BY id")
            .map { try decode(Specialist.self, $0, "specialist") }
        let history = try String.fetchOne(db, sql: "SELECT history FROM desk_history WHERE id = 1")
            .map { try decode(DeskHistory.self, $0, "desk history") } ?? DeskHistory()
        let notices = try Row.fetchAll(db, sql: "SELECT id, session, notice FROM desk_notices ORDER BY id").map { row in
            PendingNotice(id: row["id"], session: row["session"],
                          notice: try decode(CustomerNotice.self, row["notice"], "customer notice"))
        }
        return StoredDesk(state: DeskState(appeals: appeals, specialists: specialists, history: history), notices: notices)
    }
}
