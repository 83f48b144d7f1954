import Foundation
import GRDB
import HelplineDialogue
@testable import HelplineServer
import HelplineTesting
import Testing

/// SQLite's expiry floor (`ExpiryFloor`): the indexed column always holds `updated_at` rounded
/// down to ten minutes, in a database written before it as in a new one.
struct ExpiryFloorTests {
    @Test func floorsAStoredDateToTenMinutes() {
        #expect(ExpiryFloor.floor(ofStored: "2030-03-17 17:46:39.999") == "2030-03-17 17:40:00.000")
        #expect(ExpiryFloor.floor(ofStored: "2030-03-17 17:40:00.000") == "2030-03-17 17:40:00.000")
        #expect(ExpiryFloor.floor(ofStored: "2030-03-17 17:09:59.999") == "2030-03-17 17:00:00.000")
        #expect(ExpiryFloor.floor(ofStored: "not a date") == "not a date", "never above what it stands for")
        for seconds in stride(from: 1_900_000_000.0, to: 1_900_004_000, by: 97.3) {
            let stored = StoredDate.text(Date(timeIntervalSince1970: seconds))
            let floor = ExpiryFloor.floor(ofStored: stored)
            #expect(floor <= stored)
            #expect(StoredDate.text(Date(timeIntervalSince1970: (seconds / 600).rounded(.down) * 600)) == floor, "\(stored)")
        }
    }

    /// Turns forward, within the same ten minutes, across them and back in time keep the column
    /// the floor of `updated_at`, as the SQL of the migration computes it.
    @Test func everyWriteKeepsTheFloorOfItsTime() async throws {
        let directory = try TemporaryDirectory()
        let store = try SessionDatabase(path: directory.url.appendingPathComponent("floor.sqlite").path)
        let base = Date(timeIntervalSince1970: 1_900_000_200)
        var dialogue = try StoreContractTests.Dialogue(at: base)
        _ = try await commit(dialogue.create, to: store)
        for (index, time) in [5.0, 599.9, 600, 1_900, 30, 31].enumerated() {
            let text = ["доставка", "рецепт борща", "спасибо"][index % 3]
            let outcome = try await commit(.turn(try dialogue.say(text, at: base.addingTimeInterval(time))), to: store)
            guard case .applied(let version) = outcome else { throw TestFailure("\(text): \(outcome)") }
            dialogue.version = version
            let row = try store.pool.read { db in
                try Row.fetchOne(db, sql: """
                    SELECT updated_at, updated_at_floor, \(ExpiryFloor.floorSQL(of: "updated_at")) AS computed FROM sessions
                    """)
            }
            let columns = try #require(row)
            let stored: String = columns["updated_at"]
            let floor: String = columns["updated_at_floor"]
            let computed: String = columns["computed"]
            #expect(stored == StoredDate.text(base.addingTimeInterval(time)))
            #expect(floor == ExpiryFloor.floor(ofStored: stored), "after the turn at +\(time) s")
            #expect(floor == computed)
        }
        _ = try await commit(.touch(session: dialogue.conversation.id, at: base.addingTimeInterval(2_500)), to: store)
        let touched = try await store.pool.read { db in
            try String.fetchOne(db, sql: "SELECT updated_at_floor FROM sessions")
        }
        #expect(touched == StoredDate.text(base.addingTimeInterval(2_400)))
        try store.close()
    }

    /// A database written before the floor gets it filled for every session and its index moved;
    /// its sessions expire by their times as before.
    @Test func migratesAnEarlierDatabase() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.url.appendingPathComponent("old.sqlite").path
        let base = Date(timeIntervalSince1970: 1_900_000_200)
        let dialogues = [try StoreContractTests.Dialogue(at: base.addingTimeInterval(-1)),
                         try StoreContractTests.Dialogue(at: base.addingTimeInterval(1)),
                         try StoreContractTests.Dialogue(at: base.addingTimeInterval(1_234.5))]
        do {
            let queue = try DatabaseQueue(path: path)
            try SessionDatabase.migrator.migrate(queue, upTo: "v5-message-chains")
            try await queue.write { db in
                for dialogue in dialogues {
                    try dialogue.insertEarlierRow(version: 1, in: db)
                }
            }
            try queue.close()
        }

        let store = try SessionDatabase(path: path)
        let (floors, indexes) = try await store.pool.read { db in
            (try [String: String](uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT id, updated_at_floor FROM sessions")
                .map { ($0["id"], $0["updated_at_floor"]) }),
             try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sessions'"))
        }
        #expect(floors == [
            dialogues[0].conversation.id: StoredDate.text(base.addingTimeInterval(-600)),
            dialogues[1].conversation.id: StoredDate.text(base),
            dialogues[2].conversation.id: StoredDate.text(base.addingTimeInterval(1_200)),
        ])
        #expect(indexes.contains("sessions_on_updated_at_floor"))
        #expect(!indexes.contains("sessions_on_updated_at"), "the index that moved on every turn is gone")

        var second = dialogues[1]
        try await second.walk(["доставка"], in: store)
        let expired = try await store.expireSessions(before: base.addingTimeInterval(1), finishedBefore: nil, now: base)
        #expect(expired == [dialogues[0].conversation.id])
        try store.close()
    }
}
