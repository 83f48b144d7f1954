import GRDB

/// How `messages` ties a session's messages together: each row names the session's message
/// before it (`previous`), and the session's row names its newest (`sessions.last_message`).
///
/// Messages are written far more often than a session's are read back (only when it ends, and
/// by tools), so they are kept in the order they arrive with no index by session: a turn's two
/// rows go at the end of the table, into the page the turn before filled. An index by session
/// would put each turn's entries into that session's own page of the index; with many sessions
/// talking at once, that is a different page for nearly every turn, written to the log and
/// copied back at the checkpoint, and, once the index outgrows the page cache, read from the file
/// first. Reading a session's messages walks the chain back from its newest: one lookup by id a
/// message.
enum MessageChain {
    /// The ids the next messages get: one past the highest stored, counted up by the writes of
    /// one transaction (read again for each, so ids only ever grow while the table holds them).
    struct IDs {
        var next: Int64
    }

    /// The ids from here, read inside the write transaction that will use them.
    static func ids(in db: Database) throws -> IDs {
        IDs(next: try Int64.fetchOne(db.cachedStatement(sql: "SELECT coalesce(max(id), 0) + 1 FROM messages")) ?? 1)
    }

    /// Stores a session's first message and returns its id; the caller points the session's
    /// `last_message` at it.
    static func append(session: String, text: String, at: DatabaseValue, ids: inout IDs, in db: Database) throws -> Int64 {
        let id = ids.next
        try db.cachedStatement(sql: insertFirstSQL).execute(arguments: [id, session, text, at])
        ids.next += 1
        return id
    }

    /// Stores a turn's message in and answer out after the session's newest message, in one
    /// statement, and returns their ids (the answer's is the last); the caller points the
    /// session's `last_message` at it.
    static func appendTurn(session: String, incoming: String, outgoing: String, at: DatabaseValue,
                           ids: inout IDs, in db: Database) throws -> Range<Int64> {
        let first = ids.next
        try db.cachedStatement(sql: insertTurnSQL).execute(arguments: [first, session, incoming, outgoing, at])
        ids.next += 2
        return first..<(first + 2)
    }

    /// Stores a turn's message in and answer out after `previous` (the session's newest message as
    /// the caller knows it, within one transaction of several turns of the session), and returns
    /// their ids (the answer's is the last).
    static func appendTurn(session: String, incoming: String, outgoing: String, at: DatabaseValue, after previous: Int64?,
                           ids: inout IDs, in db: Database) throws -> Range<Int64> {
        let first = ids.next
        try db.cachedStatement(sql: insertTurnAfterSQL).execute(arguments: [first, session, incoming, outgoing, at, previous])
        ids.next += 2
        return first..<(first + 2)
    }

    /// Deletes messages stored by ``appendTurn(session:incoming:outgoing:at:ids:in:)`` for a turn
    /// that did not apply.
    static func remove(_ ids: Range<Int64>, in db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM messages WHERE id >= ? AND id < ?").execute(arguments: [ids.lowerBound, ids.upperBound])
    }

    /// A `SELECT` of the ids of the session `session` names (an SQL expression: a parameter or a
    /// column of the enclosing statement's row), newest first.
    static func idsSQL(session: String) -> String {
        """
        WITH RECURSIVE chain(id) AS (
            SELECT last_message FROM sessions WHERE id = \(session) AND last_message IS NOT NULL
            UNION ALL
            SELECT m.previous FROM messages AS m JOIN chain ON m.id = chain.id WHERE m.previous IS NOT NULL)
        SELECT id FROM chain
        """
    }

    /// Deletes the session's messages (before the session's row, whose `last_message` they hang from).
    static func delete(session: String, in db: Database) throws {
        try db.cachedStatement(sql: deleteSQL).execute(arguments: [session])
    }

    /// The migration from `messages` indexed by session (schema v1) to chains: the table is
    /// rebuilt with each row's `previous`, and each session's newest message noted in its row.
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE sessions ADD COLUMN last_message INTEGER;
            CREATE TABLE chained_messages (
                id INTEGER PRIMARY KEY,
                session TEXT NOT NULL,
                direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
                text TEXT NOT NULL,
                at DATETIME NOT NULL,
                previous INTEGER);
            INSERT INTO chained_messages (id, session, direction, text, at, previous)
                SELECT id, session, direction, text, at, lag(id) OVER (PARTITION BY session ORDER BY id)
                FROM messages WHERE session IN (SELECT id FROM sessions);
            UPDATE sessions SET last_message = (SELECT max(id) FROM messages WHERE session = sessions.id);
            DROP TABLE messages;
            ALTER TABLE chained_messages RENAME TO messages;
            """)
    }

    private static let insertFirstSQL = "INSERT INTO messages (id, session, direction, text, at) VALUES (?, ?, 'out', ?, ?)"
    private static let insertTurnSQL = """
        INSERT INTO messages (id, session, direction, text, at, previous)
        VALUES (?1, ?2, 'in', ?3, ?5, (SELECT last_message FROM sessions WHERE id = ?2)), (?1 + 1, ?2, 'out', ?4, ?5, ?1)
        """
    private static let insertTurnAfterSQL = """
        INSERT INTO messages (id, session, direction, text, at, previous)
        VALUES (?1, ?2, 'in', ?3, ?5, ?6), (?1 + 1, ?2, 'out', ?4, ?5, ?1)
        """
    private static let deleteSQL = "DELETE FROM messages WHERE id IN (\(idsSQL(session: "?1")))"
}
