import Foundation
import HelplineDialogue
@testable import HelplineServer
import HelplineTesting
import Testing

/// Appeal numbers: short, unique, and no key to the session.
struct AppealNumberTests {
    /// An appeal's number is 8 digits as `DDDD-DDDD`, shown in the reply, different for each
    /// appeal and unrelated to the session id; it opens nothing: resuming, reading or closing with
    /// it finds no session. (It used to be `<session id>-1`, handing out the session's key.)
    @Test func numbersAppealsIndependentlyOfSessions() async throws {
        let server = try await RunningDaemon.start()
        let client = try await server.client()
        var numbers: [String] = []
        for _ in 0..<3 {
            let session = try #require(try await client.open(profile: Fixtures.profile).session)
            let answer = try await fileAppeal(client, session: session)
            let number = try #require(answer.ticket?.id)
            #expect(number.wholeMatch(of: #/\d{4}-\d{4}/#) != nil, "\(number)")
            #expect(!number.contains(session) && !session.contains(number.replacingOccurrences(of: "-", with: "")))
            #expect(answer.text?.contains("№ \(number)") == true, "the customer is told the number")
            #expect(try server.daemon.store.ticket(id: number)?.session == session, "stored under its number")

            #expect(try await client.resume(session: number).errorCode == .unknownSession)
            #expect(try await client.state(session: number).errorCode == .unknownSession)
            #expect(try await client.close(session: number).errorCode == .unknownSession)
            #expect(try await client.state(session: session).ok, "the session itself is untouched")
            numbers.append(number)
        }
        #expect(Set(numbers).count == 3)
        await client.disconnect()
        try await server.stop()
    }

    /// Numbers never repeat across a restart: the sequence is reserved in the database before use.
    @Test func continuesAfterARestart() async throws {
        let directory = try Fixtures.temporaryDirectory()
        var seen = Set<String>()
        for _ in 0..<3 {
            let database = try SessionDatabase(path: directory.databasePath)
            let numbers = AppealNumbers(store: database)
            #expect(numbers.next() == nil, "no number before the store gave a block")
            try await numbers.replenish()
            for _ in 0..<5 {
                let number = try #require(numbers.next())
                #expect(seen.insert(number).inserted, "\(number) handed out twice")
            }
            try database.close()
        }
        #expect(seen.count == 15)
    }

    /// Two daemons on one database never hand out the same number: each block is taken from the
    /// store for one of them alone. (Both used to reserve "below the next thousand" and so took
    /// the same block once their counts met.)
    @Test func daemonsOnOneDatabaseTakeDifferentBlocks() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let first = try SessionDatabase(path: directory.databasePath)
        let second = try SessionDatabase(path: directory.databasePath)
        var blocks: [Range<Int64>] = []
        for _ in 0..<3 {
            blocks.append(try await first.takeAppealNumbers(AppealNumbers.block))
            blocks.append(try await second.takeAppealNumbers(AppealNumbers.block))
        }
        for (index, block) in blocks.enumerated() {
            #expect(block.count == Int(AppealNumbers.block))
            for other in blocks[(index + 1)...] { #expect(!block.overlaps(other), "\(block) and \(other)") }
        }
        try first.close()
        try second.close()
    }

    /// Two new databases start their sequences at different points, so their first appeals get
    /// different numbers and a number does not tell how many appeals came before it.
    @Test func newDatabasesStartAtRandomPoints() async throws {
        var firsts: Set<Int64> = []
        for _ in 0..<3 {
            let directory = try Fixtures.temporaryDirectory()
            let database = try SessionDatabase(path: directory.databasePath)
            firsts.insert(try await database.takeAppealNumbers(10).lowerBound)
            try database.close()
        }
        #expect(firsts.count == 3)
        #expect(!firsts.contains(0))
    }

    /// The mixing is a bijection: distinct sequence values give distinct numbers, and consecutive
    /// appeals do not get consecutive numbers.
    @Test func mixesTheSequenceWithoutCollisions() {
        let numbers = (0..<Int64(200_000)).map(AppealNumbers.format)
        #expect(Set(numbers).count == numbers.count)
        #expect(numbers.allSatisfy { $0.count == 9 })
        #expect(numbers[0] != numbers[1] && !numbers[1].hasPrefix(String(numbers[0].prefix(4))))
    }
}

/// An appeal's size is bounded, so a turn's cost (storing the conversation, answering with the
/// appeal) does not grow with every message added.
struct AppealLimitTests {
    /// Past the limit a message is refused with `appeal_full` and nothing is stored; control words
    /// still work, so a new appeal can be started. Before, an appeal took messages without end.
    @Test func refusesMessagesPastTheAppealLimit() async throws {
        let server = try await RunningDaemon.start { $0.sessions.maximumAppealMessages = 3 }
        let client = try await server.client()
        let session = try #require(try await client.open(profile: Fixtures.profile).session)
        let filed = try await fileAppeal(client, session: session, message: "Первое сообщение")
        let ticket = try #require(filed.ticket)
        #expect(try await client.say(session: session, text: "Второе сообщение").ok)
        #expect(try await client.say(session: session, text: "Третье сообщение").ok)
        let stored = try server.daemon.store.messages(session: session).count

        let refused = try await client.say(session: session, text: "Четвёртое сообщение")
        #expect(refused.errorCode == .appealFull)
        #expect(refused.error?.message.contains("3 messages") == true)
        #expect(try server.daemon.store.messages(session: session).count == stored, "nothing stored")
        #expect(try server.daemon.store.ticket(id: ticket.id)?.ticket.messages.count == 3)

        let fresh = try await client.say(session: session, text: "новое обращение")
        #expect(fresh.ok && fresh.state == .chooseTopic, "a new appeal can still be started")
        await client.disconnect()
        try await server.stop()
    }

    /// A session files at most `maximumAppealsPerSession` appeals: the message that would file one
    /// more is refused with `too_many_appeals` and nothing changes. Before, one session filed
    /// hundreds and filled the specialists' queues.
    @Test func refusesAppealsPastTheSessionsLimit() async throws {
        let server = try await RunningDaemon.start { $0.sessions.maximumAppealsPerSession = 2 }
        let client = try await server.client()
        let session = try #require(try await client.open(profile: Fixtures.profile).session)
        _ = try await fileAppeal(client, session: session, message: "Курьер не приехал вчера вечером")
        #expect(try await client.say(session: session, text: "новое обращение").ok)
        _ = try await fileAppeal(client, session: session, message: "Чайник пришёл с трещиной на крышке")
        #expect(try await client.say(session: session, text: "новое обращение").ok)
        #expect(try await client.say(session: session, text: "оператор").state == .write)
        let refused = try await client.say(session: session, text: "Книгу так и не выдали в пункте")
        #expect(refused.errorCode == .tooManyAppeals)
        #expect(try server.daemon.store.tickets(session: session).count == 2, "nothing filed")
        #expect(try await client.state(session: session).state == .write, "the session is as it was")
        await client.disconnect()
        try await server.stop()
    }

    /// A session stores at most `maximumSessionChanges` changes: a message past them is refused
    /// with `session_full`, nothing stored, and the session still closes. Before, one session took
    /// tens of thousands of 4,000-character messages, and closing it (which copies what the customer
    /// wrote) failed for good.
    @Test func refusesMessagesPastTheSessionsLimit() async throws {
        let server = try await RunningDaemon.start { $0.sessions.maximumSessionChanges = 4 }
        let client = try await server.client()
        let session = try #require(try await client.open(profile: Fixtures.profile).session)
        for text in ["доставка", "1", "курьер не приехал"] {
            #expect(try await client.say(session: session, text: text).ok, "\(text)")
        }
        let refused = try await client.say(session: session, text: "и не позвонил")
        #expect(refused.errorCode == .sessionFull)
        #expect(try await client.state(session: session).ok, "the session is still there")
        #expect(try await client.close(session: session).ok)
        await client.disconnect()
        try await server.stop()
    }

    /// The limit also counts bytes: a message that would take the appeal past it is refused.
    @Test func countsTheAppealsBytes() async throws {
        let server = try await RunningDaemon.start { $0.sessions.maximumAppealBytes = 10_000 }
        let client = try await server.client()
        let session = try #require(try await client.open(profile: Fixtures.profile).session)
        _ = try await fileAppeal(client, session: session, message: String(repeating: "я", count: 3_000))
        #expect(try await client.say(session: session, text: String(repeating: "ю", count: 1_000)).ok, "8,000 bytes in all")
        let refused = try await client.say(session: session, text: String(repeating: "ж", count: 1_001))
        #expect(refused.errorCode == .appealFull, "10,002 bytes would be over")
        await client.disconnect()
        try await server.stop()
    }
}
