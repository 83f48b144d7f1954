import GRDB

/// How expiry finds idle sessions without an index entry moving on every turn.
///
/// Expiry asks for the sessions whose `updated_at` is before a cutoff. An index on `updated_at`
/// answers that, but every turn changes `updated_at`, so every turn moved the session's entry in
/// the index: one more page of the index written to the log per turn, and with many sessions
/// talking at once, a different page for nearly every turn.
///
/// Instead `sessions.updated_at_floor` holds `updated_at` rounded down to ten minutes, and only
/// that column is indexed. A turn sets it only when the turn's time falls in another ten minutes
/// than the stored floor; the turns in between leave the index alone. The floor is always exactly
/// the floor of the stored `updated_at` (both are written together, and a turn whose floor differs
/// sets it), so `updated_at_floor < cutoff AND updated_at < cutoff` selects exactly the rows of
/// `updated_at < cutoff`, found through the index.
enum ExpiryFloor {
    /// The floor of a stored date (``StoredDate`` text, `yyyy-MM-dd HH:mm:ss.SSS`): the same text
    /// with the minutes' last digit, the seconds and the milliseconds zeroed. Text that is not a
    /// stored date is its own floor, so it is never above the date it stands for.
    static func floor(ofStored text: String) -> String {
        let utf8 = text.utf8
        guard utf8.count == 23 else { return text }
        var bytes = Array(utf8.prefix(15))
        bytes.append(contentsOf: "0:00.000".utf8)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The SQL of ``floor(ofStored:)`` for the stored date `column` (a column or a parameter).
    static func floorSQL(of column: String) -> String {
        "CASE WHEN length(\(column)) = 23 THEN substr(\(column), 1, 15) || '0:00.000' ELSE \(column) END"
    }

    /// Adds the floor column to databases written before it, fills it, and moves the expiry index
    /// from `updated_at` to it.
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE sessions ADD COLUMN updated_at_floor TEXT NOT NULL DEFAULT '';
            UPDATE sessions SET updated_at_floor = \(floorSQL(of: "updated_at"));
            CREATE INDEX sessions_on_updated_at_floor ON sessions (updated_at_floor);
            DROP INDEX IF EXISTS sessions_on_updated_at;
            """)
    }
}
