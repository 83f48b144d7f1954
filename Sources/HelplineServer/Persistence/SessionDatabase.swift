import Foundation
import GRDB
import HelplineDesk
import HelplineDialogue

/// The database's files are in a state the daemon will not open them in.
public struct DatabaseFileError: Error, Sendable, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// The SQLite store: sessions, their messages, and appeals. WAL mode, one writer.
///
/// Every change goes through ``commit(_:schedule:completion:)``. A journaling store (a daemon's)
/// appends new sessions and turns that leave the desk alone to its turn journal and copies them
/// into the tables later, thousands to a transaction (``TurnJournal``); every other change, and
/// every change of a store without a journal, goes to the group committer, which stores the writes
/// waiting at once in one transaction, one failing write not undoing the others. Reads and other
/// changes first copy what the journal holds, so they see every change answered before them.
public final class SessionDatabase: SessionStore {
    let pool: DatabasePool
    public let path: String
    private let committer: GroupCommitter
    private let lock: StoreLock

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    ///
    /// With `journal`, plain turns are stored in a turn journal beside the file and applied to the
    /// tables in large transactions (``TurnJournal``), and the file is this store's alone: opening it
    /// elsewhere fails while this store is open, and this store cannot open a file open elsewhere.
    /// Without, every write is a transaction of the tables; turns a killed journaling daemon left in
    /// its journal are applied on opening either way.
    ///
    /// Refuses a write-ahead log (`PATH-wal`) it cannot use rather than starting empty: one without
    /// its database file, which SQLite would delete with the changes in it, or one it cannot read.
    public init(path given: String, journal: Bool = false) throws {
        let url = URL(fileURLWithPath: given)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let path = DatabasePath.resolved(given)
        try Self.checkWriteAheadLog(of: path)
        lock = try StoreLock(path: path + "-turns.lock", exclusive: journal)
        var configuration = Configuration()
        configuration.label = "helpline"
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // WAL with synchronous=NORMAL: a commit survives the process being killed
            // (it is in the OS's hands once `write` returns); only a power loss can undo the last few.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            guard !db.configuration.readonly else { return }
            // The writer: a page cache for the pages turns keep changing (4 MB; the default is 2 MB), so
            // an update does not read its page back from the file first; and a checkpoint every
            // 8,192 pages of log (32 MB) instead of 1,000, so a page changed by many turns is
            // copied into the database file once for many commits.
            try db.execute(sql: "PRAGMA cache_size = -4096")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 8192")
            // Undo journals of statements and savepoints inside a transaction (a turn's two-row
            // insert; the savepoint per write when a batch is written again) stay in memory
            // instead of in a temporary file opened, written and deleted for each.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        self.path = path
        try Self.migrate(pool)
        // What a killed daemon left. Openers sharing the file may do this at once: each reads the
        // applied mark inside its write transaction, so a segment is applied by the first only.
        let lastSegment = try Self.recoverJournal(of: path, into: pool)
        committer = GroupCommitter(pool: pool, journal: journal ? try TurnJournal(databasePath: path, after: lastSegment) : nil)
    }

    /// Applies what the journal's segments hold and the tables do not, deletes the segments, and
    /// returns the newest segment number used so far.
    private static func recoverJournal(of path: String, into pool: DatabasePool) throws -> Int {
        try TurnJournal.checkSegmentNames(of: path)
        let segments = TurnJournal.segments(of: path)
        // `BEGIN IMMEDIATE`: the mark is read under the write lock. A segment past it is still
        // there, since segments are deleted only after a commit that marks them applied.
        let newest = try pool.writeWithoutTransaction { db in
            var newest = 0
            try db.inTransaction(.immediate) {
                let applied = try TurnJournal.appliedThrough(in: db)
                guard applied <= TurnJournal.maximumSegmentNumber else {
                    throw DatabaseFileError("\(path) notes turn journal segment \(applied) as applied, a number the daemon "
                                            + "never writes; with no PATH-turns.N file beside it, set turn_journal.applied_through to 0")
                }
                let left = segments.filter { $0.number > applied }
                newest = max(applied, segments.last?.number ?? 0)
                if !left.isEmpty {
                    try TurnJournal.apply(try TurnJournal.recover(left, keepDamaged: true), isolating: true, in: db)
                    try TurnJournal.markApplied(through: newest, in: db)
                }
                return .commit
            }
            return newest
        }
        // Deleted once the transaction is committed; a crash before leaves them for the next start,
        // which finds them applied.
        for segment in segments { unlink(segment.path) }
        return newest
    }

    /// Moves everything in the write-ahead log into the database file and empties the log
    /// (`PRAGMA wal_checkpoint(TRUNCATE)`). It fails if another connection is reading; the changes
    /// then stay safe in the log.
    public func checkpoint() throws {
        try committer.settle()
        try pool.writeWithoutTransaction { db in
            _ = try db.checkpoint(.truncate)
        }
    }

    /// Checkpoints (see ``checkpoint()``; a failed checkpoint loses nothing and is not reported
    /// here) and closes the database; later calls fail. After a clean close with no other
    /// connection open, the database file alone holds every change.
    public func close() throws {
        defer { lock.release() }
        // The checkpoint copies the turn journal into the tables first.
        try? checkpoint()
        committer.journal?.close()
        try pool.close()
    }

    /// Throws if `path-wal` holds changes that opening `path` would lose or could not read.
    static func checkWriteAheadLog(of path: String) throws {
        let wal = path + "-wal"
        let files = FileManager.default
        guard let attributes = try? files.attributesOfItem(atPath: wal),
              let size = (attributes[.size] as? NSNumber)?.intValue, size > 0 else { return }
        let databaseSize = ((try? files.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
        guard databaseSize > 0 else {
            throw DatabaseFileError(
                "\(wal) holds \(size) bytes of changes but the database file \(path) is missing or empty; "
                    + "SQLite would delete the log and start empty. Put the database file back beside it, "
                    + "or move the log away to start with an empty database")
        }
        guard files.isReadableFile(atPath: wal), files.isWritableFile(atPath: wal) else {
            throw DatabaseFileError("cannot read and write \(wal), which holds changes to \(path); check its owner and permissions")
        }
    }

    /// Brings the tables up to date. Openers that share a file may start on a new or older file
    /// at the same moment: the migrator reads which migrations are applied before running each in
    /// a transaction of its own, so one of them then finds a table the other has just made. It
    /// reads again and goes on (a migration is one transaction: never half applied).
    static func migrate(_ pool: DatabasePool) throws {
        var attempt = 0
        while true {
            do {
                try migrator.migrate(pool)
                return
            } catch let error as DatabaseError {
                attempt += 1
                guard attempt < 20 else { throw error }
                usleep(UInt32(5_000 * attempt))
            }
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "sessions") { t in
                t.primaryKey("id", .text)
                t.column("profile", .text).notNull()
                t.column("state", .text).notNull()
                t.column("topic", .text)
                t.column("order_id", .text)
                t.column("conversation", .text).notNull()
                t.column("version", .integer).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("updated_at", .datetime).notNull().indexed()
            }
            try db.create(table: "messages") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("session", .text).notNull().indexed()
                    .references("sessions", onDelete: .cascade)
                t.column("direction", .text).notNull().check { ["in", "out"].contains($0) }
                t.column("text", .text).notNull()
                t.column("at", .datetime).notNull()
            }
            try db.create(table: "tickets") { t in
                t.primaryKey("id", .text)
                t.column("session", .text).notNull().indexed()
                t.column("topic", .text).notNull()
                t.column("order_id", .text)
                t.column("queue", .text).notNull()
                t.column("eta_minutes", .text).notNull()
                t.column("messages", .text).notNull()
                t.column("created_at", .datetime).notNull()
            }
        }
        migrator.registerMigration("v2-appeal-numbers") { db in
            // How far appeal numbers have been handed out (see AppealNumbers): one row.
            try db.create(table: "appeal_numbers") { t in
                t.primaryKey("id", .integer).check { $0 == 1 }
                t.column("reserved", .integer).notNull()
            }
        }
        migrator.registerMigration("v3-finished-conversations") { db in
            // What customers wrote in sessions that ended (closed or expired), kept for
            // `helpline review` for `SessionLimits.reviewRetention`. No session id: a finished
            // conversation cannot be resumed or tied back to its session token.
            try db.create(table: "finished_conversations") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("profile", .text).notNull()
                t.column("messages", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("finished_at", .datetime).notNull().indexed()
            }
        }
        migrator.registerMigration("v4-desk") { db in
            // The specialists' desk: appeals with their whole life, specialists, pending notices.
            try DeskTables.create(db)
        }
        migrator.registerMigration("v5-message-chains") { db in
            try MessageChain.migrate(db)
        }
        migrator.registerMigration("v6-expiry-floor") { db in
            try ExpiryFloor.migrate(db)
        }
        migrator.registerMigration("v7-turn-journal") { db in
            try TurnJournal.migrate(db)
        }
        return migrator
    }

    package func takeAppealNumbers(_ count: Int64) async throws -> Range<Int64> {
        // One statement: the write lock is taken before the row is read, so daemons sharing the
        // file never take the same numbers.
        // A new database starts the sequence at a random point (AppealNumbers.start), so a number
        // does not tell how many appeals came before it, nor repeat another database's.
        let start = AppealNumbers.randomStart()
        let reserved = try await pool.write { db in
            try Int64.fetchOne(db, sql: """
                INSERT INTO appeal_numbers (id, reserved) VALUES (1, ?2 + ?1)
                ON CONFLICT (id) DO UPDATE SET reserved = reserved + ?1
                RETURNING reserved
                """, arguments: [count, start])
        }
        guard let reserved else { throw DatabaseError(message: "no appeal numbers were reserved") }
        return (reserved - count)..<reserved
    }

    // MARK: Reading

    package func loadSession(_ id: String, notBefore: Date) async throws -> LoadedSession? {
        try await committer.settle()
        let record = try await pool.read { db in try SessionRecord.fetchOne(db, key: id) }
        guard let record, record.updatedAt >= notBefore else { return nil }
        let conversation = try StoredConversation.decode(
            record.conversation, profile: try Self.decoder.decode(Profile.self, from: Data(record.profile.utf8)))
        return LoadedSession(conversation: conversation, version: record.version, updatedAt: record.updatedAt)
    }

    package func storedVersion(_ id: String) async throws -> Int? {
        try await committer.settle()
        return try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT version FROM sessions WHERE id = ?", arguments: [id])
        }
    }

    package func counts() throws -> StoreCounts {
        try committer.settle()
        return try pool.read { db in
            StoreCounts(sessions: try SessionRecord.fetchCount(db), tickets: try TicketRecord.fetchCount(db))
        }
    }

    /// The appeals made in a session, oldest first.
    public func tickets(session: String) throws -> [Ticket] {
        try committer.settle()
        return try pool.read { db in
            try TicketRecord.filter(Column("session") == session).order(Column("created_at"), Column("id")).fetchAll(db)
        }.map(Self.ticket(from:))
    }

    /// The appeal `id`, if stored.
    public func ticket(id: String) throws -> StoredTicket? {
        try committer.settle()
        return try pool.read { db in try TicketRecord.fetchOne(db, key: id) }
            .map { StoredTicket(session: $0.session, ticket: try Self.ticket(from: $0)) }
    }

    /// A session's messages in and out, in order.
    public func messages(session: String) throws -> [StoredMessage] {
        try committer.settle()
        return try pool.read { db in
            try MessageRecord.fetchAll(db, sql: """
                SELECT * FROM messages WHERE id IN (\(MessageChain.idsSQL(session: "?"))) ORDER BY id
                """, arguments: [session])
        }.map { StoredMessage(direction: $0.direction, text: $0.text, at: $0.at) }
    }

    package func loadDesk(closedSince: Date) async throws -> StoredDesk {
        try await committer.settle()
        return try await pool.read { db in try DeskTables.load(db, closedSince: closedSince) }
    }

    /// The desk as stored, read at once (see ``loadDesk(closedSince:)``).
    package func loadDeskNow(closedSince: Date) throws -> StoredDesk {
        try committer.settle()
        return try pool.read { db in try DeskTables.load(db, closedSince: closedSince) }
    }

    /// Whether a session is stored (open, whatever its age).
    public func hasSession(_ id: String) throws -> Bool {
        try committer.settle()
        return try pool.read { db in try SessionRecord.exists(db, key: id) }
    }

    // MARK: Writing

    package func commit(_ write: SessionWrite, schedule: @escaping @Sendable (@escaping @Sendable () -> Void) -> Void,
                        completion: @escaping @Sendable (Result<WriteOutcome, any Error>) -> Void) {
        committer.commit(write, schedule: schedule, completion: completion)
    }

    package var transactionCount: Int { committer.counts.transactions }

    /// One daemon per file is the rule: a journaling store (a daemon's) holds the file alone; other
    /// openers may share it with each other, their counts resynchronized by every sweep.
    package var isShared: Bool { false }

    /// A journaling store holds the file alone (``StoreLock``).
    package var isExclusive: Bool { committer.journal != nil }

    /// Applies writes inside the current transaction, one outcome per write, with nothing to undo
    /// one write alone: the first write that fails throws, leaving the transaction to be rolled
    /// back (and the writes done again by ``apply(_:in:)``). No savepoint, so SQLite keeps no undo
    /// journal for the batch.
    static func applyAll(_ writes: [SessionWrite], in db: Database) throws -> [WriteOutcome] {
        var outcomes: [WriteOutcome] = []
        outcomes.reserveCapacity(writes.count)
        var messageIDs = try MessageChain.ids(in: db)
        for write in writes { outcomes.append(try apply(write, messageIDs: &messageIDs, in: db)) }
        return outcomes
    }

    /// Applies writes inside the current transaction, one outcome per write, each in its own
    /// savepoint: a write that fails leaves nothing of itself behind and does not undo the others.
    static func apply(_ writes: [SessionWrite], in db: Database) -> [WriteOutcome] {
        var outcomes: [WriteOutcome] = []
        outcomes.reserveCapacity(writes.count)
        for write in writes {
            var outcome = WriteOutcome.failed("not applied")
            do {
                try db.inSavepoint {
                    var messageIDs = try MessageChain.ids(in: db)
                    outcome = try apply(write, messageIDs: &messageIDs, in: db)
                    if case .applied = outcome { return .commit }
                    return .rollback
                }
            } catch {
                outcome = .failed("\(error)")
            }
            outcomes.append(outcome)
        }
        return outcomes
    }

    package func expireSessions(before cutoff: Date, finishedBefore: Date?, now: Date) async throws -> [String] {
        // Run periodically: a good moment to check that the file's lock is still in place.
        try lock.keep()
        try await committer.settle()
        return try await expireSettledSessions(before: cutoff, finishedBefore: finishedBefore, now: now)
    }

    /// ``expireSessions(before:finishedBefore:now:)`` once the journal's records written so far are
    /// in the tables.
    func expireSettledSessions(before cutoff: Date, finishedBefore: Date?, now: Date) async throws -> [String] {
        try await pool.write { [committer] db in
            // The floor narrows the search through its index; `updated_at` decides (ExpiryFloor).
            let expired = SessionRecord.filter(SessionRecord.Columns.updatedAtFloor < cutoff && SessionRecord.Columns.updatedAt < cutoff)
            let ids = try Self.ending(try String.fetchAll(db, expired.select(SessionRecord.Columns.id)),
                                      journal: committer.journal, now: now) { ids in
                let keep = try db.cachedStatement(sql: Self.keepFinishedSQL)
                for id in ids {
                    try keep.execute(arguments: [StoredDate.databaseValue(now), id])
                    try MessageChain.delete(session: id, in: db)
                    try SessionRecord.deleteOne(db, key: id)
                }
                // Notices for sessions that are gone can never be delivered.
                try db.execute(sql: "DELETE FROM desk_notices WHERE session NOT IN (SELECT id FROM sessions)")
            }
            if let finishedBefore {
                try db.execute(sql: "DELETE FROM finished_conversations WHERE finished_at < ?", arguments: [finishedBefore])
            }
            return ids
        }
    }

    package func expireSessionsWithoutAppeals(before cutoff: Date, limit: Int, now: Date) async throws -> [String] {
        try await committer.settle()
        return try await pool.write { [committer] db in
            let idle = SessionRecord.filter(SessionRecord.Columns.updatedAtFloor < cutoff && SessionRecord.Columns.updatedAt < cutoff)
                .filter(sql: "NOT EXISTS (SELECT 1 FROM tickets WHERE tickets.session = sessions.id)")
            let found = try Row.fetchAll(db, idle.select(SessionRecord.Columns.id, SessionRecord.Columns.version).limit(limit))
            // Version 1 is a session as `open` stored it: its greeting and nothing the customer wrote.
            let written = Set(found.filter { ($0[1] as Int) > 1 }.map { $0[0] as String })
            return try Self.ending(found.map { $0[0] as String }, journal: committer.journal, now: now) { ids in
                let keep = try db.cachedStatement(sql: Self.keepFinishedSQL)
                for id in ids {
                    if written.contains(id) { try keep.execute(arguments: [StoredDate.databaseValue(now), id]) }
                    try MessageChain.delete(session: id, in: db)
                    try SessionRecord.deleteOne(db, key: id)
                }
            }
        }
    }

    /// Deletes (with `delete`) the sessions of `ids` that the journal has no turn waiting for —
    /// a turn written since the journal was last applied means the session was used after all —
    /// and returns them. From then on the journal refuses turns for them (computed before the
    /// deletion was seen), as a transaction of the tables would.
    private static func ending(_ ids: [String], journal: TurnJournal?, now: Date,
                               delete: ([String]) throws -> Void) throws -> [String] {
        guard !ids.isEmpty else { return [] }
        guard let journal else {
            try delete(ids)
            return ids
        }
        let ending = journal.end(ids, now: now)
        do {
            if !ending.isEmpty { try delete(ending) }
        } catch {
            journal.reopen(ending)
            throw error
        }
        return ending
    }

    /// Copies a session's profile and its customer's messages (`[[text, at], …]`, in order) into
    /// `finished_conversations`; arguments: the time it ended, the session id.
    static let keepFinishedSQL = """
        INSERT INTO finished_conversations (profile, messages, created_at, finished_at)
        SELECT s.profile,
               (SELECT json_group_array(json_array(m.text, m.at))
                FROM (SELECT text, at FROM messages
                      WHERE id IN (\(MessageChain.idsSQL(session: "?2"))) AND direction = 'in' ORDER BY id) AS m),
               s.created_at, ?1
        FROM sessions AS s WHERE s.id = ?2
        """

    /// Applies one write inside the current transaction.
    static func apply(_ write: SessionWrite, in db: Database) throws -> WriteOutcome {
        var messageIDs = try MessageChain.ids(in: db)
        return try apply(write, messageIDs: &messageIDs, in: db)
    }

    /// Applies one write, numbering the messages it stores from `messageIDs`.
    static func apply(_ write: SessionWrite, messageIDs: inout MessageChain.IDs, in db: Database) throws -> WriteOutcome {
        switch write {
        case .create(let conversation, let greeting, let at):
            return try apply(.create(try SessionRow(conversation, greeting: greeting, at: at)), messageIDs: &messageIDs, in: db)

        case .turn(let turn):
            let outcome = try apply(.turn(try TurnRow(turn)), messageIDs: &messageIDs, in: db)
            guard case .applied = outcome else { return outcome }
            if let desk = turn.desk {
                try DeskTables.apply(desk, in: db)
            }
            return outcome

        case .touch(let session, let at):
            let stored = StoredDate.text(at)
            let changed = try SessionRecord.filter(key: session).updateAll(
                db, SessionRecord.Columns.updatedAt.set(to: stored),
                SessionRecord.Columns.updatedAtFloor.set(to: ExpiryFloor.floor(ofStored: stored)))
            guard changed > 0, let version = try Int.fetchOne(db, SessionRecord.filter(key: session).select(SessionRecord.Columns.version)) else {
                return .missing
            }
            return .applied(version: version)

        case .delete(let session, let at):
            try db.cachedStatement(sql: keepFinishedSQL).execute(arguments: [StoredDate.databaseValue(at), session])
            try db.execute(sql: "DELETE FROM desk_notices WHERE session = ?", arguments: [session])
            try MessageChain.delete(session: session, in: db)
            return try SessionRecord.deleteOne(db, key: session) ? .applied(version: 0) : .missing

        case .desk(let write):
            try DeskTables.apply(write, in: db)
            return .applied(version: 0)
        }
    }

    /// Applies a journal entry's rows. A new session already stored is left as it is (applied
    /// once before); a turn applies only over the session's expected version, its two messages
    /// after the session's newest and the session's row pointing at them, then its appeal changes.
    static func apply(_ entry: JournalEntry, messageIDs: inout MessageChain.IDs, in db: Database) throws -> WriteOutcome {
        switch entry {
        case .create(let row):
            if try SessionRecord.exists(db, key: row.session) { return .applied(version: 1) }
            let greetingID = try MessageChain.append(
                session: row.session, text: row.greeting, at: row.at.databaseValue, ids: &messageIDs, in: db)
            try db.cachedStatement(sql: Self.insertSessionSQL).execute(arguments: [
                row.session, row.profile, row.state, row.topic, row.order, row.conversation, row.at,
                ExpiryFloor.floor(ofStored: row.at), greetingID,
            ])
            return .applied(version: 1)

        case .turn(let row):
            let at = row.at.databaseValue
            let messages = try MessageChain.appendTurn(
                session: row.session, incoming: row.incoming, outgoing: row.outgoing, at: at, ids: &messageIDs, in: db)
            let updated = try updateSession(
                row.session, from: row.expectedVersion, to: row.expectedVersion + 1, as: row, profile: row.profile,
                lastMessage: messages.upperBound - 1, in: db)
            guard updated else {
                try MessageChain.remove(messages, in: db)
                return try SessionRecord.exists(db, key: row.session) ? .conflict : .missing
            }
            for effect in row.effects {
                try apply(effect, session: row.session, in: db)
            }
            return .applied(version: row.expectedVersion + 1)
        }
    }

    /// Sets the session's row to `row`'s columns at version `version` if it is stored at
    /// `storedVersion`; whether it was.
    static func updateSession(_ session: String, from storedVersion: Int, to version: Int, as row: TurnRow, profile: String?,
                              lastMessage: Int64, in db: Database) throws -> Bool {
        let at = row.at.databaseValue
        // Usually the turn falls in the ten minutes of the stored floor and leaves it, and its
        // index entry, alone; otherwise the second statement moves the floor (ExpiryFloor).
        let floor = ExpiryFloor.floor(ofStored: row.at)
        var arguments: StatementArguments = [
            row.state, row.topic, row.order, row.conversation, version, at, lastMessage, session, storedVersion, floor,
        ]
        if let profile { arguments += [profile] }
        let statements = profile != nil ? Self.updateWithProfileSQL : Self.updateSQL
        try db.cachedStatement(sql: statements.keepingFloor).execute(arguments: arguments)
        if db.changesCount == 0 {
            try db.cachedStatement(sql: statements.movingFloor).execute(arguments: arguments)
        }
        return db.changesCount == 1
    }

    private static let insertSessionSQL = """
        INSERT INTO sessions (id, profile, state, topic, order_id, conversation, version, created_at, updated_at,
                              updated_at_floor, last_message)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?7, ?8, ?9)
        """

    /// A turn's update of its session: `keepingFloor` applies only when the stored floor is the
    /// turn's (`?10`) and leaves it; `movingFloor` sets it. Both check the version.
    private struct SessionUpdate {
        let keepingFloor: String
        let movingFloor: String

        init(setting columns: String) {
            let set = """
                UPDATE sessions SET state = ?1, topic = ?2, order_id = ?3, conversation = ?4, version = ?5, \
                updated_at = ?6, last_message = ?7\(columns)
                """
            keepingFloor = set + " WHERE id = ?8 AND version = ?9 AND updated_at_floor = ?10"
            movingFloor = set + ", updated_at_floor = ?10 WHERE id = ?8 AND version = ?9"
        }
    }

    private static let updateSQL = SessionUpdate(setting: "")
    private static let updateWithProfileSQL = SessionUpdate(setting: ", profile = ?11")
    private static let insertTicketSQL = """
        INSERT INTO tickets (id, session, topic, order_id, queue, eta_minutes, messages, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """

    static func apply(_ effect: EffectRow, session: String, in db: Database) throws {
        switch effect {
        case .open(let id, let topic, let order, let queue, let etaMinutes, let messages, let createdAt):
            try db.cachedStatement(sql: Self.insertTicketSQL).execute(arguments: [
                id, session, topic, order, queue, etaMinutes, messages, createdAt,
            ])
        case .append(let id, let message):
            // The messages are a JSON array; SQLite's json_insert appends to it in place.
            let append = try db.cachedStatement(sql: "UPDATE tickets SET messages = json_insert(messages, '$[#]', ?) WHERE id = ?")
            try append.execute(arguments: [message, id])
            guard db.changesCount == 1 else {
                throw DatabaseError(message: "no appeal \(id) to add a message to")
            }
        }
    }

    private static func ticket(from record: TicketRecord) throws -> Ticket {
        Ticket(
            id: record.id, topic: record.topic, order: record.orderID,
            queue: Queue(rawValue: record.queue) ?? .regular,
            etaMinutes: try decoder.decode([Int].self, from: Data(record.etaMinutes.utf8)),
            messages: try decoder.decode([String].self, from: Data(record.messages.utf8)),
            createdAt: record.createdAt
        )
    }

    /// The `conversation` column's text for a conversation.
    package static func conversationColumn(_ conversation: Conversation) throws -> String {
        if let written = StoredConversation.write(conversation) { return written }
        return try json(StoredConversation(conversation))
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private static var decoder: JSONDecoder { JSONDecoder() }
}
