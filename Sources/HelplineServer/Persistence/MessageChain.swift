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
    /// Stores a message after `previous` (nil: the session's first) and returns its id. The
    /// caller points the session's `last_message` at it.
    static func append(session: String, direction: StoredMessage.Direction, text: String, at: DatabaseValue,
                       after previous: Int64?, in db: Database) throws -> Int64 {
        try db.cachedStatement(sql: insertSQL).execute(arguments: [session, direction.rawValue, text, at, previous])
        return db.lastInsertedRowID
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

    private static let insertSQL = "INSERT INTO messages (session, direction, text, at, previous) VALUES (?, ?, ?, ?, ?)"
    private static let deleteSQL = "DELETE FROM messages WHERE id IN (\(idsSQL(session: "?1")))"
}
