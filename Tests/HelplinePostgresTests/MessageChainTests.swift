import Foundation
import GRDB
import HelplineDialogue
@testable import HelplineServer
import HelplineTesting
import NIOConcurrencyHelpers
import Testing

/// SQLite's message chains (`MessageChain`): a database written before them opens with every
/// session's messages in order and goes on from there; a turn that does not apply leaves no row.
struct MessageChainTests {
    @Test func chainsTheMessagesOfAnEarlierDatabase() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.url.appendingPathComponent("old.sqlite").path
        var first = try StoreContractTests.Dialogue()
        var second = try StoreContractTests.Dialogue()
        let gone = "0badc0ffee" // messages of a session no longer stored: dropped

        // The layout before the chains, with the two sessions' messages interleaved.
        do {
            let queue = try DatabaseQueue(path: path)
            try SessionDatabase.migrator.migrate(queue, upTo: "v4-desk")
            let dialogues = [first, second]
            let (one, two, at) = (first.conversation.id, second.conversation.id, first.at)
            try await queue.writeWithoutTransaction { db in
                for dialogue in dialogues {
                    try dialogue.insertEarlierRow(version: 3, in: db)
                }
                let rows: [(String, String, String)] = [
                    (one, "out", "hello 1"), (two, "out", "hello 2"), (one, "in", "a1"), (two, "in", "a2"),
                    (two, "out", "b2"), (one, "out", "b1"), (one, "in", "c1"), (one, "out", "d1"),
                    (two, "in", "c2"), (two, "out", "d2"),
                ]
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                try db.execute(sql: "INSERT INTO messages (session, direction, text, at) VALUES (?, 'in', 'lost', ?)",
                               arguments: [gone, at])
                try db.execute(sql: "PRAGMA foreign_keys = ON")
                for (session, direction, text) in rows {
                    try db.execute(sql: "INSERT INTO messages (session, direction, text, at) VALUES (?, ?, ?, ?)",
                                   arguments: [session, direction, text, at])
                }
            }
            try queue.close()
        }

        let store = try SessionDatabase(path: path)
        #expect(try store.messages(session: first.conversation.id).map(\.text) == ["hello 1", "a1", "b1", "c1", "d1"])
        #expect(try store.messages(session: second.conversation.id).map(\.text) == ["hello 2", "a2", "b2", "c2", "d2"])
        #expect(try store.messages(session: gone).isEmpty)

        // A turn goes on from the migrated chain; closing a session takes all of its messages.
        first.version = 3
        second.version = 3
        try await first.walk(["доставка"], in: store)
        #expect(try store.messages(session: first.conversation.id).map(\.text).prefix(6) == ["hello 1", "a1", "b1", "c1", "d1", "доставка"])
        #expect(try await commit(.delete(session: second.conversation.id, at: second.at), to: store) == .applied(version: 0))
        #expect(try store.messages(session: second.conversation.id).isEmpty)
        #expect(try store.messages(session: first.conversation.id).count == 7)
        let rows = try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM messages") }
        #expect(rows == 7, "the closed session's messages are deleted, the other's kept")
        try store.close()
    }

    /// A turn refused (another version) or for a session that is gone stores no message rows, in a
    /// batch with turns that do apply, whose messages chain on as usual.
    @Test func turnsThatDoNotApplyLeaveNoMessages() async throws {
        let directory = try TemporaryDirectory()
        let store = try SessionDatabase(path: directory.url.appendingPathComponent("chain.sqlite").path)
        var kept = try StoreContractTests.Dialogue()
        var stale = try StoreContractTests.Dialogue()
        _ = try await commit(kept.create, to: store)
        _ = try await commit(stale.create, to: store)
        try await stale.walk(["доставка"], in: store)
        stale.version = 1
        var gone = try StoreContractTests.Dialogue()

        let writes: [SessionWrite] = [.turn(try kept.say("доставка")), .turn(try stale.say("возврат")), .turn(try gone.say("оплата"))]
        let outcomes = try await store.pool.write { db in SessionDatabase.apply(writes, in: db) }
        #expect(outcomes == [.applied(version: 2), .conflict, .missing])
        kept.version = 2
        try await kept.walk(["1"], in: store)
        #expect(try store.messages(session: kept.conversation.id).filter { $0.direction == .incoming }.map(\.text) == ["доставка", "1"])
        #expect(try store.messages(session: stale.conversation.id).map(\.text).contains("возврат") == false)
        let rows = try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM messages") }
        #expect(rows == 1 + 4 + 1 + 2, "two greetings and three turns that applied")
        try store.close()
    }

    /// Writes committed together are one transaction; a write among them that fails is reported
    /// as failed and leaves nothing behind, and the others are stored.
    @Test func aWriteThatFailsInABatchLeavesTheOthersStored() async throws {
        let directory = try TemporaryDirectory()
        let store = try SessionDatabase(path: directory.url.appendingPathComponent("batch.sqlite").path)
        var dialogues = [try StoreContractTests.Dialogue(), try StoreContractTests.Dialogue(), try StoreContractTests.Dialogue()]
        for dialogue in dialogues { _ = try await commit(dialogue.create, to: store) }
        var failing = try dialogues[1].say("доставка")
        failing.effects.append(.appendToTicket(id: "0000-0000", message: "no such appeal"))
        let writes: [SessionWrite] = [.turn(try dialogues[0].say("доставка")), .turn(failing), .turn(try dialogues[2].say("оплата"))]
        let transactionsBefore = store.transactionCount

        // Every write is waiting before the batch starts: the scheduled start runs after the last.
        let scheduled = NIOLockedValueBox<[@Sendable () -> Void]>([])
        let (outcomes, reported) = AsyncStream.makeStream(of: (Int, Result<WriteOutcome, any Error>).self)
        for (index, write) in writes.enumerated() {
            store.commit(write, schedule: { work in scheduled.withLockedValue { $0.append(work) } }) { reported.yield((index, $0)) }
        }
        for work in scheduled.withLockedValue({ $0 }) { work() }
        var results: [Int: WriteOutcome] = [:]
        for await (index, result) in outcomes {
            results[index] = try result.get()
            if results.count == writes.count { break }
        }

        #expect(results[0] == .applied(version: 2) && results[2] == .applied(version: 2))
        guard case .failed = results[1] else {
            Issue.record("the write with a missing appeal is not reported as failed: \(String(describing: results[1]))")
            return
        }
        #expect(store.transactionCount == transactionsBefore + 1, "the three writes share one transaction")
        #expect(try store.messages(session: dialogues[0].conversation.id).map(\.text).contains("доставка"))
        #expect(try store.messages(session: dialogues[2].conversation.id).map(\.text).contains("оплата"))
        #expect(try store.messages(session: dialogues[1].conversation.id).count == 1, "only the greeting")
        #expect(try await store.storedVersion(dialogues[1].conversation.id) == 1)
        try store.close()
    }
}

extension StoreContractTests.Dialogue {
    /// Inserts the session's row with the columns every layout of `sessions` has (as a database
    /// written before the later migrations holds it), at `version`, last used at ``at``.
    func insertEarlierRow(version: Int, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO sessions (id, profile, state, topic, order_id, conversation, version, created_at, updated_at)
            VALUES (?, ?, ?, NULL, NULL, ?, ?, ?, ?)
            """, arguments: [
                conversation.id, String(decoding: try JSONEncoder().encode(conversation.profile), as: UTF8.self),
                conversation.state.rawValue, try SessionDatabase.conversationColumn(conversation), version, at, at,
            ])
    }
}
