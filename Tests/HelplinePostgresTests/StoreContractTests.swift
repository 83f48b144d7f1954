import Foundation
import HelplineDialogue
import HelplinePostgres
@testable import HelplineServer
import HelplineTesting
import Testing

/// The store interface's promises, held by SQLite and PostgreSQL alike: a turn applies over the
/// version it was computed from or not at all, appeals outlive sessions, counts follow the rows,
/// appeal numbers are never handed out twice, expiry keeps what customers wrote.
struct StoreContractTests {
    /// Builds conversations and turns the way the session service does.
    struct Dialogue {
        let engine: DialogueEngine
        var conversation: Conversation
        var version = 1
        let at: Date

        init(id: String = SessionIDs.next(), at: Date = Date(timeIntervalSince1970: 1_900_000_000)) throws {
            engine = try WorkingTree.engine()
            self.at = at
            (conversation, _) = engine.start(id: id, profile: Fixtures.profile, now: at)
        }

        var create: SessionWrite {
            .create(conversation, greeting: engine.currentReply(of: conversation).text, at: at)
        }

        /// The write for the customer saying `text`, over the version last stored.
        mutating func say(_ text: String, at time: Date? = nil) throws -> TurnWrite {
            let before = conversation
            let turn = engine.handle(text, in: &conversation, now: time ?? at)
            return TurnWrite(conversation: conversation, expectedVersion: version, incoming: text, outgoing: turn.reply.text,
                             effects: turn.effects, at: time ?? at, profileChanged: conversation.profile != before.profile,
                             stored: try SessionDatabase.conversationColumn(conversation))
        }

        /// Says `texts` one after the other, storing each; returns the last outcome.
        mutating func walk(_ texts: [String], in store: any SessionStore) async throws {
            for text in texts {
                let outcome = try await commit(.turn(try say(text)), to: store)
                guard case .applied(let version) = outcome else { throw TestFailure("\(text): \(outcome)") }
                self.version = version
            }
        }

        /// To an appeal: delivery, the first order, a message.
        static let toAppeal = ["доставка", "1", "Курьер не приехал, прошу разобраться"]
    }

    /// Session ids for the tests.
    enum SessionIDs {
        static func next() -> String {
            var generator = SystemRandomNumberGenerator()
            return String(generator.next() as UInt64, radix: 16) + "test"
        }
    }

    /// A turn is stored with its messages, the session's new version and its appeal; a session
    /// loads back as it was stored.
    @Test(arguments: StoreKind.testable)
    func storesTurnsWithTheirMessagesAndAppeals(_ kind: StoreKind) async throws {
        let database = try await StoreTestDatabase.make(kind)
        let store = try await database.open()
        var dialogue = try Dialogue()
        #expect(try await commit(dialogue.create, to: store) == .applied(version: 1))
        try await dialogue.walk(Dialogue.toAppeal, in: store)
        #expect(dialogue.version == 4)
        let ticket = try #require(dialogue.conversation.ticket)

        let loaded = try #require(try await store.loadSession(dialogue.conversation.id, notBefore: .distantPast))
        #expect(loaded.version == 4)
        #expect(loaded.conversation == dialogue.conversation)
        #expect(loaded.updatedAt == dialogue.at)
        let messages = try await store.messages(session: dialogue.conversation.id)
        #expect(messages.map(\.direction) == [.outgoing] + Array(repeating: [.incoming, .outgoing], count: 3).flatMap { $0 })
        #expect(messages.filter { $0.direction == .incoming }.map(\.text) == Dialogue.toAppeal)
        let stored = try #require(try await store.ticket(id: ticket.id))
        #expect(stored.session == dialogue.conversation.id)
        #expect(stored.ticket.messages == ticket.messages)
        #expect(stored.ticket.queue == ticket.queue && stored.ticket.etaMinutes == ticket.etaMinutes)
        #expect(abs(stored.ticket.createdAt.timeIntervalSince(ticket.createdAt)) < 0.001)
        #expect(try await store.tickets(session: dialogue.conversation.id).map(\.id) == [ticket.id])

        // A later message is appended to the stored appeal.
        try await dialogue.walk(["И ещё: домофон не работает"], in: store)
        #expect(try await store.ticket(id: ticket.id)?.ticket.messages == ticket.messages + ["И ещё: домофон не работает"])
        #expect(try await store.counts() == StoreCounts(sessions: 1, tickets: 1))
        #expect(try await store.loadSession(dialogue.conversation.id, notBefore: dialogue.at.addingTimeInterval(1)) == nil,
                "a session last used before notBefore is not loaded")
        try await store.close()
        try await database.finish()
    }

    /// A turn computed from an old version is refused as a conflict and changes nothing; a turn
    /// on a session that is gone is `missing`.
    @Test(arguments: StoreKind.shareable)
    func refusesTurnsOverAnotherVersion(_ kind: StoreKind) async throws {
        let database = try await StoreTestDatabase.make(kind)
        let first = try await database.open()
        let second = try await database.open()
        var dialogue = try Dialogue()
        _ = try await commit(dialogue.create, to: first)
        var stale = dialogue
        try await dialogue.walk(["доставка"], in: first)

        let refused = try await commit(.turn(try stale.say("возврат")), to: second)
        #expect(refused == .conflict)
        #expect(try await second.storedVersion(dialogue.conversation.id) == 2)
        #expect(try await second.messages(session: dialogue.conversation.id).count == 3, "greeting and one turn")

        #expect(try await commit(.delete(session: dialogue.conversation.id, at: dialogue.at), to: second) == .applied(version: 0))
        #expect(try await commit(.turn(try dialogue.say("1")), to: first) == .missing)
        #expect(try await commit(.touch(session: dialogue.conversation.id, at: dialogue.at), to: first) == .missing)
        #expect(try await commit(.delete(session: dialogue.conversation.id, at: dialogue.at), to: first) == .missing)
        #expect(try await first.hasSession(dialogue.conversation.id) == false)
        try await first.close()
        try await second.close()
        try await database.finish()
    }

    /// A turn whose appeal effect cannot be applied stores nothing at all: not the session's new
    /// state, not its messages.
    @Test(arguments: StoreKind.checking)
    func storesNothingOfATurnThatFailsPartWay(_ kind: StoreKind) async throws {
        let database = try await StoreTestDatabase.make(kind)
        let store = try await database.open()
        var dialogue = try Dialogue()
        _ = try await commit(dialogue.create, to: store)
        var write = try dialogue.say("доставка")
        write.effects = [.appendToTicket(id: "0000-0000", message: "в никуда")]

        let outcome = try await commit(.turn(write), to: store)
        guard case .failed = outcome else {
            Issue.record("a turn appending to a missing appeal was \(outcome)")
            return
        }
        #expect(try await store.storedVersion(dialogue.conversation.id) == 1)
        #expect(try await store.messages(session: dialogue.conversation.id).count == 1, "only the greeting")
        try await store.close()
        try await database.finish()
    }

    /// Turns of many sessions sent at once (stored together where the store batches them) each
    /// get their own outcome: a turn over another version is refused, a turn of a closed session
    /// finds it missing, a turn whose appeal effect cannot be applied fails with nothing of it
    /// stored, and every other turn is stored with its messages all the same.
    @Test(arguments: StoreKind.checking)
    func turnsSentAtOnceEachGetTheirOwnOutcome(_ kind: StoreKind) async throws {
        let database = try await StoreTestDatabase.make(kind)
        let store = try await database.open()
        var dialogues: [Dialogue] = []
        for _ in 0..<24 {
            let dialogue = try Dialogue()
            _ = try await commit(dialogue.create, to: store)
            dialogues.append(dialogue)
        }
        let (stale, closed, failing) = (0, 1, 2)
        var writes: [SessionWrite] = []
        for (index, var dialogue) in dialogues.enumerated() {
            if index == stale { dialogue.version = 7 }
            var write = try dialogue.say(index % 2 == 0 ? "доставка" : "возврат")
            if index == failing { write.effects = [.appendToTicket(id: "0000-0000", message: "в никуда")] }
            writes.append(.turn(write))
        }
        let gone = dialogues[closed]
        #expect(try await commit(.delete(session: gone.conversation.id, at: gone.at), to: store) == .applied(version: 0))

        let outcomes = try await withThrowingTaskGroup(of: (Int, WriteOutcome).self) { group in
            for (index, write) in writes.enumerated() {
                group.addTask { (index, try await commit(write, to: store)) }
            }
            return try await group.reduce(into: [Int: WriteOutcome]()) { $0[$1.0] = $1.1 }
        }
        #expect(outcomes[stale] == .conflict)
        #expect(outcomes[closed] == .missing)
        guard case .failed = outcomes[failing] else {
            Issue.record("a turn appending to a missing appeal was \(String(describing: outcomes[failing]))")
            return
        }
        #expect(try await store.messages(session: dialogues[failing].conversation.id).count == 1, "only the greeting")
        #expect(try await store.storedVersion(dialogues[failing].conversation.id) == 1)
        for index in 3..<dialogues.count {
            #expect(outcomes[index] == .applied(version: 2), "turn \(index)")
            let texts = try await store.messages(session: dialogues[index].conversation.id).map(\.text)
            #expect(texts.count == 3 && texts[1] == (index % 2 == 0 ? "доставка" : "возврат"), "turn \(index)")
        }
        try await store.close()
        try await database.finish()
    }

    /// Closing a session keeps its appeals and what its customer wrote (as a finished
    /// conversation); counts follow opening and closing on every store of the database.
    @Test(arguments: StoreKind.shareable)
    func closingKeepsAppealsAndCountsFollow(_ kind: StoreKind) async throws {
        let database = try await StoreTestDatabase.make(kind)
        let first = try await database.open()
        let second = try await database.open()
        var appealed = try Dialogue()
        _ = try await commit(appealed.create, to: first)
        try await appealed.walk(Dialogue.toAppeal, in: first)
        let other = try Dialogue()
        _ = try await commit(other.create, to: second)
        #expect(try await first.counts() == StoreCounts(sessions: 2, tickets: 1))
        #expect(try await second.counts() == StoreCounts(sessions: 2, tickets: 1))

        #expect(try await commit(.delete(session: appealed.conversation.id, at: appealed.at), to: second) == .applied(version: 0))
        #expect(try await first.counts() == StoreCounts(sessions: 1, tickets: 1))
        #expect(try await first.messages(session: appealed.conversation.id).isEmpty)
        #expect(try await first.tickets(session: appealed.conversation.id).count == 1, "the appeal stays")
        try await first.close()
        try await second.close()
        try await database.finish()
    }

    /// Sessions talking at once each keep their own messages, in order; closing one takes its
    /// messages and leaves the others' whole, and it keeps what its customer wrote.
    @Test(arguments: StoreKind.testable)
    func interleavedSessionsKeepTheirOwnMessages(_ kind: StoreKind) async throws {
        let database = try await StoreTestDatabase.make(kind)
        let store = try await database.open()
        var dialogues = [try Dialogue(), try Dialogue(), try Dialogue()]
        for dialogue in dialogues { _ = try await commit(dialogue.create, to: store) }
        let texts = ["доставка", "1", "Курьер не приехал", "И ещё: домофон не работает", "спасибо"]
        for (step, text) in texts.enumerated() {
            for i in dialogues.indices where step < texts.count - i {
                try await dialogues[i].walk(["\(text) (\(i))"], in: store)
            }
        }
        for (i, dialogue) in dialogues.enumerated() {
            let messages = try await store.messages(session: dialogue.conversation.id)
            let said = texts.prefix(texts.count - i).map { "\($0) (\(i))" }
            #expect(messages.filter { $0.direction == .incoming }.map(\.text) == said)
            #expect(messages.map(\.direction) == [.outgoing] + said.flatMap { _ in [.incoming, .outgoing] })
        }
        let closed = dialogues.remove(at: 1)
        #expect(try await commit(.delete(session: closed.conversation.id, at: closed.at), to: store) == .applied(version: 0))
        #expect(try await store.messages(session: closed.conversation.id).isEmpty)
        #expect(try await finished(in: database).contains(texts.prefix(texts.count - 1).map { "\($0) (1)" }),
                "what the closed session's customer wrote is kept")
        for (dialogue, i) in zip(dialogues, [0, 2]) {
            #expect(try await store.messages(session: dialogue.conversation.id).filter { $0.direction == .incoming }.map(\.text)
                    == texts.prefix(texts.count - i).map { "\($0) (\(i))" })
        }
        try await store.close()
        try await database.finish()
    }

    /// Expiry deletes the sessions unused since the cutoff, returns their ids, keeps what their
    /// customers wrote in order, and later drops it after the retention.
    @Test(arguments: StoreKind.testable)
    func expiresSessionsAndKeepsWhatCustomersWrote(_ kind: StoreKind) async throws {
        let database = try await StoreTestDatabase.make(kind)
        let store = try await database.open()
        let start = Date(timeIntervalSince1970: 1_900_000_000)
        var old = try Dialogue(at: start)
        _ = try await commit(old.create, to: store)
        try await old.walk(["рецепт борща", "доставка"], in: store)
        let fresh = try Dialogue(at: start.addingTimeInterval(3_600))
        _ = try await commit(fresh.create, to: store)

        let expired = try await store.expireSessions(before: start.addingTimeInterval(1_800), finishedBefore: nil,
                                                     now: start.addingTimeInterval(3_600))
        #expect(expired == [old.conversation.id])
        #expect(try await store.hasSession(old.conversation.id) == false)
        #expect(try await store.hasSession(fresh.conversation.id))
        #expect(try await store.counts().sessions == 1)
        #expect(try await finished(in: database) == [["рецепт борща", "доставка"]])

        _ = try await store.expireSessions(before: start, finishedBefore: start.addingTimeInterval(3_601),
                                           now: start.addingTimeInterval(3_700))
        #expect(try await finished(in: database).isEmpty, "dropped after the retention")
        try await store.close()
        try await database.finish()
    }

    /// The sweep near the session limit deletes only sessions that filed no appeal, last used
    /// before the cutoff, at most `limit` of them, with their messages; what the customer of one
    /// with turns wrote is kept for review, nothing of those that only have their greeting.
    /// Sessions with an appeal and newer sessions stay.
    @Test(arguments: StoreKind.testable)
    func expiresOnlySessionsWithoutAppeals(_ kind: StoreKind) async throws {
        let database = try await StoreTestDatabase.make(kind)
        let store = try await database.open()
        let start = Date(timeIntervalSince1970: 1_900_000_000)
        var appealed = try Dialogue(at: start)
        _ = try await commit(appealed.create, to: store)
        try await appealed.walk(Dialogue.toAppeal, in: store)
        #expect(appealed.conversation.ticket != nil)
        var talked = try Dialogue(at: start)
        _ = try await commit(talked.create, to: store)
        try await talked.walk(["доставка"], in: store)
        var unused: [String] = []
        for offset in 0..<3 {
            let dialogue = try Dialogue(at: start.addingTimeInterval(Double(offset)))
            _ = try await commit(dialogue.create, to: store)
            unused.append(dialogue.conversation.id)
        }
        let newer = try Dialogue(at: start.addingTimeInterval(3_600))
        _ = try await commit(newer.create, to: store)

        // The review reads the file beside the daemon: what the store has, in its tables.
        try await store.checkpoint()
        let kept = try await finished(in: database)
        let now = start.addingTimeInterval(1_900)
        let first = try await store.expireSessionsWithoutAppeals(before: start.addingTimeInterval(1_800), limit: 2, now: now)
        #expect(first.count == 2 && Set(first).isSubset(of: Set(unused + [talked.conversation.id])))
        let rest = try await store.expireSessionsWithoutAppeals(before: start.addingTimeInterval(1_800), limit: 10, now: now)
        #expect(Set(first + rest) == Set(unused + [talked.conversation.id]))
        #expect(try await store.hasSession(appealed.conversation.id))
        #expect(try await store.hasSession(newer.conversation.id))
        #expect(try await store.counts().sessions == 2)
        #expect(try await store.messages(session: unused[0]).isEmpty)
        #expect(try await store.messages(session: talked.conversation.id).isEmpty)
        try await store.checkpoint()
        // (The SQLite archive also reads the open sessions: there the talked-to customer's words
        // were already among `kept`, and must stay, now as a finished conversation.)
        let after = try await finished(in: database)
        #expect(after.filter { $0 == ["доставка"] }.count == 1, "what the talked-to customer wrote: \(kept) \(after)")
        try await store.close()
        try await database.finish()
    }

    /// Expiry takes exactly the sessions last used before the cutoff, to the millisecond, whether
    /// their turns stayed within ten minutes, crossed into the next, or went back in time (a clock
    /// set back), and whatever ten minutes the cutoff falls in.
    @Test(arguments: StoreKind.testable)
    func expiresExactlyTheSessionsIdleSinceTheCutoff(_ kind: StoreKind) async throws {
        let database = try await StoreTestDatabase.make(kind)
        let store = try await database.open()
        let base = Date(timeIntervalSince1970: 1_900_000_200) // a multiple of ten minutes
        /// A session created `created` seconds after `base`, then with one turn at each of `turns`.
        func session(created: TimeInterval, turns: [TimeInterval]) async throws -> String {
            var dialogue = try Dialogue(at: base.addingTimeInterval(created))
            _ = try await commit(dialogue.create, to: store)
            for (index, time) in turns.enumerated() {
                let text = ["доставка", "рецепт борща", "спасибо"][index % 3]
                let outcome = try await commit(.turn(try dialogue.say(text, at: base.addingTimeInterval(time))), to: store)
                guard case .applied(let version) = outcome else { throw TestFailure("\(text): \(outcome)") }
                dialogue.version = version
            }
            return dialogue.conversation.id
        }
        let sameTenMinutes = try await session(created: 1, turns: [2, 2.999])
        let justAfter = try await session(created: 1, turns: [3])
        let crossedForward = try await session(created: -700, turns: [-650, 5])
        let wentBack = try await session(created: 900, turns: [950, 2])
        let longIdle = try await session(created: -1_200, turns: [-1_100])
        let createdOnly = try await session(created: 599, turns: [])
        let idleCreatedOnly = try await session(created: -0.5, turns: [])

        let expired = try await store.expireSessions(before: base.addingTimeInterval(3), finishedBefore: nil,
                                                     now: base.addingTimeInterval(3))
        #expect(Set(expired) == [sameTenMinutes, wentBack, longIdle, idleCreatedOnly])
        for kept in [justAfter, crossedForward, createdOnly] {
            #expect(try await store.hasSession(kept))
        }
        let later = try await store.expireSessions(before: base.addingTimeInterval(599.001), finishedBefore: nil,
                                                   now: base.addingTimeInterval(600))
        #expect(Set(later) == [justAfter, crossedForward, createdOnly])
        #expect(try await store.counts().sessions == 0)
        try await store.close()
        try await database.finish()
    }

    /// Stores on one database never take the same appeal numbers, however their calls interleave.
    @Test(arguments: StoreKind.shareable)
    func appealNumberBlocksNeverOverlap(_ kind: StoreKind) async throws {
        let database = try await StoreTestDatabase.make(kind)
        let stores = [try await database.open(), try await database.open(), try await database.open()]
        let blocks = try await withThrowingTaskGroup(of: [Range<Int64>].self) { group in
            for store in stores {
                group.addTask {
                    var taken: [Range<Int64>] = []
                    for _ in 0..<20 { taken.append(try await store.takeAppealNumbers(10)) }
                    return taken
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let numbers = blocks.flatMap { Array($0) }
        #expect(numbers.count == 600)
        #expect(Set(numbers).count == 600, "no number taken twice")
        let first = try #require(numbers.min())
        #expect(Set(numbers) == Set(first..<(first + 600)), "and none skipped")
        for store in stores { try await store.close() }
        try await database.finish()
    }

    /// What `finished_conversations` holds: each conversation's customer texts, oldest first.
    private func finished(in database: StoreTestDatabase) async throws -> [[String]] {
        switch database.kind {
        case .sqlite, .journal:
            return try ConversationArchive(path: database.argument).sessions().sessions
                .filter { _ in true }.map { $0.messages.map(\.text) }
                .filter { !$0.isEmpty }
        case .postgres:
            let store = try await database.open()
            defer { Task { try? await (store as? PostgresSessionStore)?.close() } }
            guard let postgres = store as? PostgresSessionStore else { return [] }
            return try await postgres.finishedConversations().map { $0.messages.map(\.text) }
        }
    }
}
