import Foundation
import GRDB
import HelplineDialogue
@testable import HelplineServer
import HelplineTesting
import Testing

/// The turn journal (`TurnJournal`): records read back as written, a damaged tail ends what is
/// read, what a killed daemon left is applied once at the next start, many turns of a session
/// applied together leave the tables as one by one would, and the file is the journaling store's
/// alone.
struct TurnJournalTests {
    // MARK: Records

    @Test func recordsReadBackAsWritten() {
        var generator = SplitMix(seed: 41)
        for round in 0..<200 {
            let entries = (0..<Int.random(in: 1...6, using: &generator)).map { _ in Self.entry(using: &generator) }
            var bytes: [UInt8] = []
            for entry in entries { TurnRecord.append(entry, to: &bytes) }
            let read = TurnRecord.entries(in: bytes)
            #expect(read.entries == entries, "round \(round)")
            #expect(read.validLength == bytes.count)
        }
    }

    /// A record cut anywhere, damaged anywhere, or followed by zeros (a crash while writing, a
    /// file extended but not written) is not read, and neither is anything after it.
    @Test func aDamagedTailEndsWhatIsRead() {
        var generator = SplitMix(seed: 7)
        let entries = (0..<3).map { _ in Self.entry(using: &generator) }
        var head: [UInt8] = []
        TurnRecord.append(entries[0], to: &head)
        TurnRecord.append(entries[1], to: &head)
        var last: [UInt8] = []
        TurnRecord.append(entries[2], to: &last)

        for cut in 0..<last.count {
            let read = TurnRecord.entries(in: head + last.prefix(cut))
            #expect(read.entries == Array(entries.prefix(2)), "cut at \(cut)")
            #expect(read.validLength == head.count)
        }
        for position in 0..<last.count {
            var damaged = last
            damaged[position] ^= 0x20
            #expect(TurnRecord.entries(in: head + damaged + last).entries == Array(entries.prefix(2)), "byte \(position)")
        }
        #expect(TurnRecord.entries(in: head + last + [UInt8](repeating: 0, count: 64)).entries == entries)
        #expect(TurnRecord.entries(in: [UInt8](repeating: 0, count: 64) + head).entries.isEmpty)
    }

    // MARK: Recovery

    /// Turns answered but not yet in the tables when the daemon is killed are there after the next
    /// start, each once: the store's files as they are while it runs, copied, open with them.
    @Test func aKilledDaemonsTurnsAreAppliedAtTheNextStart() async throws {
        let directory = try TemporaryDirectory()
        let live = directory.path("live/helpline.sqlite")
        let store = try SessionDatabase(path: live, journal: true)
        var dialogue = try StoreContractTests.Dialogue()
        #expect(try await commit(dialogue.create, to: store) == .applied(version: 1))
        try await dialogue.walk(StoreContractTests.Dialogue.toAppeal + ["И ещё: коробка была мокрая"], in: store)
        #expect(dialogue.version == 5)
        #expect(!TurnJournal.segments(of: live).isEmpty)

        // What a kill would leave: the files as they are now, nothing applied from the journal.
        let copy = directory.path("copy/helpline.sqlite")
        try FileManager.default.createDirectory(atPath: directory.path("copy"), withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path("live")) where !name.hasSuffix(".lock") {
            try FileManager.default.copyItem(atPath: directory.path("live/\(name)"), toPath: directory.path("copy/\(name)"))
        }
        try store.close()

        let recovered = try SessionDatabase(path: copy, journal: true)
        #expect(TurnJournal.segments(of: copy).count == 1, "the journal's segments applied and deleted; a new one begun")
        let loaded = try #require(try await recovered.loadSession(dialogue.conversation.id, notBefore: .distantPast))
        #expect(loaded.version == 5)
        #expect(loaded.conversation == dialogue.conversation)
        let incoming = try recovered.messages(session: dialogue.conversation.id).filter { $0.direction == .incoming }.map(\.text)
        #expect(incoming == StoreContractTests.Dialogue.toAppeal + ["И ещё: коробка была мокрая"])
        let tickets = try recovered.tickets(session: dialogue.conversation.id)
        let filed = try #require(dialogue.conversation.ticket)
        #expect(tickets.map(\.id) == [filed.id])
        #expect(tickets.first?.messages == ["Курьер не приехал, прошу разобраться", "И ещё: коробка была мокрая"])
        try recovered.close()
        #expect(TurnJournal.segments(of: copy).isEmpty, "a clean close leaves no journal")
    }

    /// A segment the tables already hold (the daemon was killed after applying it, before
    /// deleting it) is not applied again; a newer one is.
    @Test func segmentsAlreadyAppliedAreNotAppliedAgain() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.databasePath
        var applied = try StoreContractTests.Dialogue()
        do {
            let store = try SessionDatabase(path: path, journal: true)
            _ = try await commit(applied.create, to: store)
            try await applied.walk(["доставка"], in: store)
            try store.close()
        }
        let queue = try DatabaseQueue(path: path)
        let marked = try await queue.read { db in try TurnJournal.appliedThrough(in: db) }
        try queue.close()
        #expect(marked >= 1)

        // Left over: one segment at or below the mark, one past it.
        let old = try StoreContractTests.Dialogue()
        let new = try StoreContractTests.Dialogue()
        for (number, dialogue) in [(marked, old), (marked + 1, new)] {
            var bytes: [UInt8] = []
            TurnRecord.append(try #require(try JournalEntry(dialogue.create)), to: &bytes)
            #expect(FileManager.default.createFile(atPath: "\(path)-turns.\(number)", contents: Data(bytes)))
        }
        let store = try SessionDatabase(path: path, journal: true)
        #expect(try !store.hasSession(old.conversation.id), "its segment was applied before")
        #expect(try store.hasSession(new.conversation.id))
        #expect(try store.hasSession(applied.conversation.id))
        #expect(TurnJournal.segments(of: path).map(\.number) == [marked + 2], "numbers go on past every one used")
        try store.close()
    }

    // MARK: Expiry

    /// A session whose turn is written but not yet applied when the sweep expires sessions was
    /// used after all: it is kept, with that turn. The turn's time is after the cutoff, the time
    /// in the tables before it.
    @Test func aTurnWaitingInTheJournalKeepsItsSessionFromExpiring() async throws {
        let directory = try TemporaryDirectory()
        let store = try SessionDatabase(path: directory.databasePath, journal: true)
        var dialogue = try StoreContractTests.Dialogue()
        #expect(try await commit(dialogue.create, to: store) == .applied(version: 1))
        try store.checkpoint() // the session's row is in the tables
        let late = dialogue.at.addingTimeInterval(3_600)
        #expect(try await commit(.turn(try dialogue.say("доставка", at: late)), to: store) == .applied(version: 2))

        // Expired as the sweep does, without applying the journal first: the turn arrived between.
        let expired = try await store.expireSettledSessions(before: dialogue.at.addingTimeInterval(60), finishedBefore: nil,
                                                            now: late)
        #expect(expired.isEmpty)
        let loaded = try #require(try await store.loadSession(dialogue.conversation.id, notBefore: .distantPast))
        #expect(loaded.version == 2)
        #expect(loaded.conversation == dialogue.conversation)
        try store.close()
    }

    /// Once a session is expired, a turn for it computed before (its session loaded earlier) is
    /// refused as `missing`, as a transaction of the tables refuses it, not answered and lost.
    @Test func aTurnForAnExpiredSessionIsRefused() async throws {
        let directory = try TemporaryDirectory()
        let store = try SessionDatabase(path: directory.databasePath, journal: true)
        var dialogue = try StoreContractTests.Dialogue()
        #expect(try await commit(dialogue.create, to: store) == .applied(version: 1))
        let expired = try await store.expireSessions(before: dialogue.at.addingTimeInterval(60), finishedBefore: nil,
                                                     now: dialogue.at.addingTimeInterval(3_600))
        #expect(expired == [dialogue.conversation.id])
        let late = try dialogue.say("доставка", at: dialogue.at.addingTimeInterval(3_600))
        #expect(try await commit(.turn(late), to: store) == .missing)
        #expect(try await store.loadSession(dialogue.conversation.id, notBefore: .distantPast) == nil)

        // Other sessions go on as before.
        var other = try StoreContractTests.Dialogue()
        #expect(try await commit(other.create, to: store) == .applied(version: 1))
        #expect(try await commit(.turn(try other.say("доставка")), to: store) == .applied(version: 2))
        try store.close()
    }

    // MARK: Applying many at once

    /// Many turns of a few sessions applied in one transaction, each session's row written once,
    /// leave the same sessions, messages and appeals as the same entries applied one by one, turns
    /// over another version (stale, or repeated) included.
    @Test func turnsAppliedTogetherLeaveWhatOneByOneLeaves() async throws {
        var entries: [JournalEntry] = []
        var dialogues = try (0..<3).map { _ in try StoreContractTests.Dialogue() }
        for index in dialogues.indices { entries.append(try #require(try JournalEntry(dialogues[index].create))) }
        let script = ["доставка", "1", "Курьер не приехал", "Жду ответа", "спасибо"]
        for step in script.indices {
            for index in dialogues.indices where step < script.count - index {
                let turn = try dialogues[index].say(script[step])
                entries.append(.turn(try TurnRow(turn)))
                if step == 1, index == 0 { entries.append(.turn(try TurnRow(turn))) } // the same turn again
                dialogues[index].version += 1
            }
        }
        var stale = try #require(dialogues.first)
        stale.version = 2
        entries.append(.turn(try TurnRow(try stale.say("возврат"))))

        let applied = entries
        let directory = try TemporaryDirectory()
        let together = try SessionDatabase(path: directory.path("together.sqlite"))
        let oneByOne = try SessionDatabase(path: directory.path("one-by-one.sqlite"))
        try await together.pool.write { db in try TurnJournal.apply(applied, isolating: false, in: db) }
        try await oneByOne.pool.write { db in try TurnJournal.apply(applied, isolating: true, in: db) }
        for dialogue in dialogues {
            let id = dialogue.conversation.id
            let a = try #require(try await together.loadSession(id, notBefore: .distantPast))
            let b = try #require(try await oneByOne.loadSession(id, notBefore: .distantPast))
            #expect(a.version == b.version)
            #expect(a.version == dialogue.version)
            #expect(a.conversation == b.conversation)
            #expect(a.conversation == dialogue.conversation)
            #expect(try together.messages(session: id) == oneByOne.messages(session: id))
            #expect(try together.tickets(session: id) == oneByOne.tickets(session: id))
        }
        #expect(try together.messages(session: dialogues[0].conversation.id).count == 1 + 2 * script.count)
        try together.close()
        try oneByOne.close()
    }

    /// Waiting to be applied, only a session's newest turn holds its conversation. Applied together
    /// (falling back to one at a time, read back from the segments, when the newest turn of a
    /// session does not apply) or one at a time, after a failed application taken back, the turns
    /// leave each session as its dialogue left it.
    @Test func onlyTheNewestTurnOfASessionHoldsItsConversation() async throws {
        let directory = try TemporaryDirectory()
        let journal = try TurnJournal(databasePath: directory.path("journal.sqlite"), after: 0)
        var dialogues = try (0..<2).map { _ in try StoreContractTests.Dialogue() }
        var entries: [JournalEntry] = []
        for index in dialogues.indices { entries.append(try #require(try JournalEntry(dialogues[index].create))) }
        for text in ["доставка", "1", "Курьер не приехал", "Жду ответа"] {
            for index in dialogues.indices {
                entries.append(.turn(try TurnRow(try dialogues[index].say(text))))
                dialogues[index].version += 1
            }
        }
        // The first session's last turn again, over a version the session no longer has: it
        // changes nothing, and the turn before it has to be applied with its own conversation.
        entries.append(try #require(entries.last { $0.session == dialogues[0].conversation.id }))
        for entry in entries {
            let outcome: WriteOutcome = try await withCheckedThrowingContinuation { continuation in
                journal.append(entry, schedule: { $0() }) { continuation.resume(with: $0) }
            }
            #expect(outcome == .applied(version: entry.version))
        }
        let first = try #require(journal.takeForApply())
        #expect(first.superseded)
        #expect(first.heldBytes < first.bytes)
        let kept = first.entries.compactMap { entry -> TurnRow? in if case .turn(let row) = entry { row } else { nil } }
        #expect(kept.count { !$0.conversation.isEmpty } == dialogues.count)
        #expect(kept.suffix(2).allSatisfy { !$0.conversation.isEmpty })

        journal.finish(first, committed: false)
        // The two sessions' openings and newest turns, counted once after being taken back.
        #expect(journal.waitingConversations == dialogues.count * 2)
        let handoff = try #require(journal.takeForApply())
        #expect(handoff.entries == first.entries)
        #expect(handoff.heldBytes == first.heldBytes && handoff.bytes == first.bytes)


        let together = try SessionDatabase(path: directory.path("together.sqlite"))
        let oneByOne = try SessionDatabase(path: directory.path("one-by-one.sqlite"))
        try await together.pool.write { db in
            do {
                try db.inSavepoint {
                    try TurnJournal.apply(handoff, isolating: false, in: db)
                    return .commit
                }
                Issue.record("the first session's newest turn, not applying, has to fail the entries applied together")
            } catch {
                try TurnJournal.apply(handoff, isolating: true, in: db)
            }
        }
        try await oneByOne.pool.write { db in try TurnJournal.apply(handoff, isolating: true, in: db) }
        for dialogue in dialogues {
            let id = dialogue.conversation.id
            for store in [together, oneByOne] {
                let stored = try #require(try await store.loadSession(id, notBefore: .distantPast))
                #expect(stored.version == dialogue.version)
                #expect(stored.conversation == dialogue.conversation)
                #expect(try store.messages(session: id).count == 9)
            }
        }
        journal.finish(handoff, committed: true)
        journal.close()
        try together.close()
        try oneByOne.close()
    }

    // MARK: One store a file

    @Test func aJournalingStoreHasItsFileAlone() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.databasePath
        let store = try SessionDatabase(path: path, journal: true)
        #expect(throws: DatabaseFileError.self) { try SessionDatabase(path: path, journal: true) }
        #expect(throws: DatabaseFileError.self) { try SessionDatabase(path: path) }
        try store.close()

        let reader = try SessionDatabase(path: path)
        let second = try SessionDatabase(path: path)
        #expect(throws: DatabaseFileError.self) { try SessionDatabase(path: path, journal: true) }
        try reader.close()
        try second.close()
        let again = try SessionDatabase(path: path, journal: true)
        try again.close()
    }

    /// Openers that share a new file may start at the same moment, each bringing its tables up
    /// to date: every one opens.
    @Test func openersOfANewFileStartingTogether() async throws {
        let directory = try TemporaryDirectory()
        for round in 0..<10 {
            let path = directory.path("new-\(round).sqlite")
            let opened = await withTaskGroup(of: Result<SessionDatabase, any Error>.self) { group in
                for _ in 0..<4 {
                    group.addTask { Result { try SessionDatabase(path: path) } }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let stores = try opened.map { try $0.get() }
            #expect(stores.count == 4)
            for store in stores { try store.close() }
        }
    }

    /// Openers that share the file may start at the same moment, each applying what a killed
    /// daemon left: every one opens, and the left-over sessions are in the tables.
    @Test func openersStartingTogetherShareTheFile() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.databasePath
        try SessionDatabase(path: path).close()
        for round in 0..<10 {
            let left = try (0..<3).map { _ in try StoreContractTests.Dialogue() }
            for (offset, dialogue) in left.enumerated() {
                var bytes: [UInt8] = []
                TurnRecord.append(try #require(try JournalEntry(dialogue.create)), to: &bytes)
                let number = 1_000 * (round + 1) + offset
                #expect(FileManager.default.createFile(atPath: "\(path)-turns.\(number)", contents: Data(bytes)))
            }
            let opened = await withTaskGroup(of: Result<SessionDatabase, any Error>.self) { group in
                for _ in 0..<6 {
                    group.addTask { Result { try SessionDatabase(path: path) } }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let stores = try opened.map { try $0.get() }
            #expect(stores.count == 6)
            for dialogue in left {
                #expect(try stores[round % stores.count].hasSession(dialogue.conversation.id))
            }
            #expect(TurnJournal.segments(of: path).isEmpty)
            for store in stores { try store.close() }
        }
    }

    /// A database reached through a symbolic link is the same file: the same lock (a second
    /// journaling store is refused) and the same journal (named from the file, not the link).
    @Test func aLinkToTheFileIsTheSameFile() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.databasePath
        let store = try SessionDatabase(path: path, journal: true)
        let link = directory.path("state/link.sqlite")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        #expect(throws: DatabaseFileError.self) { try SessionDatabase(path: link, journal: true) }
        #expect(throws: DatabaseFileError.self) { try SessionDatabase(path: link) }
        try store.close()

        // Turns written through the link are found through the file after a kill.
        let linked = try SessionDatabase(path: link, journal: true)
        let dialogue = try StoreContractTests.Dialogue()
        #expect(try await commit(dialogue.create, to: linked) == .applied(version: 1))
        #expect(!TurnJournal.segments(of: path).isEmpty)
        #expect(TurnJournal.segments(of: path).map(\.path) == TurnJournal.segments(of: link).map(\.path))
        #expect(FileManager.default.fileExists(atPath: path + "-turns.lock"))
        #expect(!FileManager.default.fileExists(atPath: link + "-turns.lock"))
        try linked.close()
    }

    /// A lock that its holder has let go, but that a second descriptor of it (a child process
    /// started at that moment, before it runs its program) still holds, is taken once that one
    /// is closed too, rather than the file being said to be in use.
    @Test func aLockLetGoIsTakenOnceItsLastHolderCloses() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("h.sqlite-turns.lock")
        let held = try StoreLock(path: path, exclusive: true)
        let copy = try #require(held.duplicateDescriptor())
        held.release()
        let taking = Task.detached { try StoreLock(path: path, exclusive: true, patience: .seconds(600)) }
        _ = close(copy)
        let taken = try await taking.value
        taken.release()
        // Held for good, it is in use.
        let daemon = try StoreLock(path: path, exclusive: true)
        #expect(throws: DatabaseFileError.self) { try StoreLock(path: path, exclusive: true, patience: .milliseconds(50)) }
        daemon.release()
    }

    /// A lock file deleted while its store runs (a cleaner of old files) is made and taken again
    /// at the next sweep, so another store still cannot open the file.
    @Test func aDeletedLockFileIsTakenAgain() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.databasePath
        let store = try SessionDatabase(path: path, journal: true)
        #expect(unlink(path + "-turns.lock") == 0)
        _ = try await store.expireSessions(before: .distantPast, finishedBefore: nil, now: Date())
        #expect(FileManager.default.fileExists(atPath: path + "-turns.lock"))
        #expect(throws: DatabaseFileError.self) { try SessionDatabase(path: path, journal: true) }
        #expect(throws: DatabaseFileError.self) { try SessionDatabase(path: path) }
        try store.close()
        let again = try SessionDatabase(path: path, journal: true)
        try again.close()
    }

    /// Past its limit of bytes not yet in the tables, the journal refuses turns as failed stores
    /// instead of keeping them in memory; once they are applied it takes turns again.
    @Test func tooMuchWaitingIsRefused() async throws {
        let directory = try TemporaryDirectory()
        let store = try SessionDatabase(path: directory.databasePath)
        let journal = try TurnJournal(databasePath: directory.databasePath, after: 0, outstandingLimit: 64 << 10)
        var outcomes: [WriteOutcome] = []
        var dialogues: [StoreContractTests.Dialogue] = []
        for _ in 0..<400 {
            let dialogue = try StoreContractTests.Dialogue()
            dialogues.append(dialogue)
            let entry = try #require(try JournalEntry(dialogue.create))
            outcomes.append(try await withCheckedThrowingContinuation { continuation in
                journal.append(entry, schedule: { $0() }) { continuation.resume(with: $0) }
            })
        }
        let applied = outcomes.count { $0 == .applied(version: 1) }
        #expect(applied > 0 && applied < outcomes.count)
        #expect(outcomes.dropFirst(applied).allSatisfy { if case .failed = $0 { true } else { false } })

        try await store.pool.writeWithoutTransaction { db in
            let handoff = try #require(journal.takeForApply())
            try db.inTransaction {
                try TurnJournal.apply(handoff, isolating: false, in: db)
                return .commit
            }
            journal.finish(handoff, committed: true)
        }
        #expect(try store.hasSession(dialogues[0].conversation.id))
        let later = try #require(try JournalEntry(try StoreContractTests.Dialogue().create))
        let outcome: WriteOutcome = try await withCheckedThrowingContinuation { continuation in
            journal.append(later, schedule: { $0() }) { continuation.resume(with: $0) }
        }
        #expect(outcome == .applied(version: 1))
        journal.close()
        try store.close()
    }

    /// When the journal cannot be copied into the tables, a change that must follow its turns
    /// (closing a session opened in the journal) fails instead of finding no session; once the
    /// tables can be written again, both are done.
    @Test func aChangeAfterTheJournalWaitsForIt() async throws {
        let directory = try TemporaryDirectory()
        let store = try SessionDatabase(path: directory.databasePath, journal: true)
        let dialogue = try StoreContractTests.Dialogue()
        // Copying the journal fails from now on (whenever it is tried): the table it notes its
        // progress in is gone.
        try await store.pool.writeWithoutTransaction { db in try db.execute(sql: "ALTER TABLE turn_journal RENAME TO away") }
        #expect(try await commit(dialogue.create, to: store) == .applied(version: 1))
        let close = SessionWrite.delete(session: dialogue.conversation.id, at: dialogue.at)
        await #expect(throws: (any Error).self) { try await commit(close, to: store) }

        try await store.pool.writeWithoutTransaction { db in try db.execute(sql: "ALTER TABLE away RENAME TO turn_journal") }
        #expect(try await commit(close, to: store) == .applied(version: 0))
        #expect(try !store.hasSession(dialogue.conversation.id))
        try store.close()
    }

    /// `helpline review` reads the journal's turns beside the tables while the daemon runs; a file
    /// among the segments that cannot be read does not hide the others.
    @Test func reviewReadsTheJournalPastAnUnreadableSegment() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.databasePath
        let store = try SessionDatabase(path: path, journal: true)
        var dialogue = try StoreContractTests.Dialogue()
        #expect(try await commit(dialogue.create, to: store) == .applied(version: 1))
        try await dialogue.walk(["Курьер не приехал уже неделю"], in: store)
        let newest = try #require(TurnJournal.segments(of: path).last?.number)
        try FileManager.default.createDirectory(atPath: "\(path)-turns.\(newest + 1)", withIntermediateDirectories: false)

        let sessions = try ConversationArchive(path: path).sessions().sessions
        #expect(sessions.contains { $0.messages.map(\.text) == ["Курьер не приехал уже неделю"] })
        try store.close()
    }

    /// A segment damaged in the middle is applied up to the damage and then deleted like any
    /// other, but a copy of it as found stays beside the database for a person to look at.
    @Test func aDamagedSegmentIsKeptAside() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.databasePath
        try SessionDatabase(path: path).close()
        let first = try StoreContractTests.Dialogue()
        let second = try StoreContractTests.Dialogue()
        var bytes: [UInt8] = []
        TurnRecord.append(try #require(try JournalEntry(first.create)), to: &bytes)
        let damagedAt = bytes.count + 9
        TurnRecord.append(try #require(try JournalEntry(second.create)), to: &bytes)
        bytes[damagedAt] ^= 0x41
        let segment = "\(path)-turns.1"
        #expect(FileManager.default.createFile(atPath: segment, contents: Data(bytes)))

        let store = try SessionDatabase(path: path, journal: true)
        #expect(try store.hasSession(first.conversation.id))
        #expect(try !store.hasSession(second.conversation.id))
        #expect(!FileManager.default.fileExists(atPath: segment), "applied and deleted")
        #expect(FileManager.default.contents(atPath: segment + ".damaged") == Data(bytes), "kept as found")
        try store.close()
        #expect(FileManager.default.contents(atPath: segment + ".damaged") == Data(bytes), "not read as a segment")
    }

    /// Files named as segments that the daemon never writes stop the start with a message naming
    /// them, rather than crashing it or being skipped: a number out of its range, a folder, a file
    /// larger than any segment.
    @Test(arguments: ["number", "folder", "size"])
    func segmentsTheDaemonNeverWritesStopTheStart(kind: String) throws {
        let directory = try TemporaryDirectory()
        let path = directory.databasePath
        try SessionDatabase(path: path).close()
        let name: String
        switch kind {
        case "number":
            name = path + "-turns.9223372036854775807"
            #expect(FileManager.default.createFile(atPath: name, contents: Data()))
        case "folder":
            name = path + "-turns.3"
            try FileManager.default.createDirectory(atPath: name, withIntermediateDirectories: false)
        default:
            name = path + "-turns.3"
            #expect(FileManager.default.createFile(atPath: name, contents: Data()))
            #expect(truncate(name, off_t(TurnJournal.maximumSegmentBytes + 1)) == 0) // sparse: no disk used
        }
        let error = #expect(throws: DatabaseFileError.self) { try SessionDatabase(path: path, journal: true) }
        #expect(error.map { "\($0)".contains(name) } == true, "\(String(describing: error))")
        #expect(FileManager.default.fileExists(atPath: name), "left where it is")
    }

    // MARK: Generated entries

    private static func entry(using generator: inout SplitMix) -> JournalEntry {
        func text() -> String {
            let pieces = ["", "а", "Заказ № 12345678-0001", "😀", "\u{0}", "\n\t\"\\", "ё", "x", "𝕏𝕐", "\u{202E}", String(repeating: "я", count: 300)]
            return (0..<Int.random(in: 0...4, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
        }
        func maybe() -> String? { Bool.random(using: &generator) ? text() : nil }
        if Int.random(in: 0..<4, using: &generator) == 0 {
            return .create(SessionRow(session: text(), profile: text(), state: text(), topic: maybe(), order: maybe(),
                                      conversation: text(), greeting: text(), at: text()))
        }
        let effects: [EffectRow] = (0..<Int.random(in: 0...2, using: &generator)).map { _ in
            Bool.random(using: &generator)
                ? .open(id: text(), topic: text(), order: maybe(), queue: text(), etaMinutes: text(), messages: text(), createdAt: text())
                : .append(id: text(), message: text())
        }
        return .turn(TurnRow(session: text(), state: text(), topic: maybe(), order: maybe(), conversation: text(),
                             expectedVersion: Int.random(in: Int.min...Int.max, using: &generator), incoming: text(),
                             outgoing: text(), at: text(), profile: maybe(), effects: effects))
    }
}
