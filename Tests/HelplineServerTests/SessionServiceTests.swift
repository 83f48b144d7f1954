import Foundation
import GRDB
import HelplineDialogue
@testable import HelplineServer
import Logging
import HelplineTesting
import Testing

/// The request handling behind the socket: sessions in memory and in the database.
struct SessionServiceTests {
    private static func service(_ database: SessionDatabase, clock: TestClock = TestClock(),
                                limits: SessionLimits = SessionLimits()) throws -> SessionService {
        var logger = Logger(label: "test.sessions")
        logger.logLevel = .critical
        return try SessionService(database: database, engine: Fixtures.engine(), limits: limits, logger: logger,
                                  clock: { clock.now })
    }

    private static func reply(_ response: ProtocolResponse) throws -> (String, Reply) {
        guard case .reply(_, let session, let reply) = response else { throw TestFailure("not a reply: \(response)") }
        return (session, reply)
    }

    /// Two daemons on one database agree: a session closed by one is unknown to the other (no stale
    /// `state` from memory), a session moved on by one is reloaded by the other, and the session
    /// counts follow the database, so a closed session frees a place on both and no count goes negative.
    @Test func twoServicesOnOneDatabaseAgree() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let firstDatabase = try SessionDatabase(path: directory.databasePath)
        let secondDatabase = try SessionDatabase(path: directory.databasePath)
        let limits = SessionLimits(maximumSessions: 1)
        let first = try Self.service(firstDatabase, limits: limits)
        let second = try Self.service(secondDatabase, limits: limits)

        let (session, greeting) = try Self.reply(await first.respond(to: ProtocolRequest(.open(Fixtures.profile))))
        #expect(try Self.reply(await second.respond(to: ProtocolRequest(.state(session: session)))).1 == greeting)

        // The second moves it on; the first answers `state` with the new step, not its old copy.
        let topic = try #require(greeting.options.first { $0.value == "delivery" })
        let moved = try Self.reply(await second.respond(to: ProtocolRequest(.say(session: session, text: topic.key)))).1
        #expect(try Self.reply(await first.respond(to: ProtocolRequest(.state(session: session)))).1 == moved)

        // The second closes it; the first no longer answers from memory.
        guard case .closed = await second.respond(to: ProtocolRequest(.close(session: session))) else {
            Issue.record("close failed")
            return
        }
        guard case .failure(_, let error) = await first.respond(to: ProtocolRequest(.state(session: session))) else {
            Issue.record("a session closed by the other daemon still answered")
            return
        }
        #expect(error.code == .unknownSession)

        // The first still counted it; the database says the place is free, so it opens another.
        guard case .reply = await first.respond(to: ProtocolRequest(.open(Fixtures.profile))) else {
            Issue.record("the first daemon refused a free place")
            return
        }
        await first.sweep()
        await second.sweep()
        #expect(first.stats().sessions == 1)
        #expect(second.stats().sessions == 1)
        try firstDatabase.close()
        try secondDatabase.close()
    }

    /// What a customer wrote in a session that expired or was closed is kept, without the session id,
    /// for the review retention, then dropped.
    @Test func keepsFinishedConversationsForTheReviewRetention() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let database = try SessionDatabase(path: directory.databasePath)
        let clock = TestClock()
        let service = try Self.service(database, clock: clock,
                                       limits: SessionLimits(sessionTTL: 3_600, memoryIdleTime: 60, reviewRetention: 7_200))
        let (expiring, _) = try Self.reply(await service.respond(to: ProtocolRequest(.open(Fixtures.profile))))
        _ = try Self.reply(await service.respond(to: ProtocolRequest(.say(session: expiring, text: "рецепт борща"))))
        _ = try Self.reply(await service.respond(to: ProtocolRequest(.say(session: expiring, text: "доставка"))))
        let (closing, _) = try Self.reply(await service.respond(to: ProtocolRequest(.open(Fixtures.profile))))
        _ = try Self.reply(await service.respond(to: ProtocolRequest(.say(session: closing, text: "возврат"))))
        clock.advance(by: 1_800)
        _ = await service.respond(to: ProtocolRequest(.close(session: closing)))

        func finished() throws -> [[String]] {
            try database.pool.read { db in
                try String.fetchAll(db, sql: "SELECT messages FROM finished_conversations ORDER BY id")
                    .map { try JSONDecoder().decode([[String]].self, from: Data($0.utf8)).map { $0[0] } }
            }
        }
        #expect(try finished() == [["возврат"]])

        clock.advance(by: 3_600)
        await service.sweep()
        #expect(try finished() == [["возврат"], ["рецепт борща", "доставка"]], "the expired session's messages, in order")
        let columns = try await database.pool.read { db in try db.columns(in: "finished_conversations").map(\.name) }
        #expect(!columns.contains("session"), "a finished conversation is not tied to its session token")

        clock.advance(by: 7_199)
        await service.sweep()
        #expect(try finished() == [["рецепт борща", "доставка"]], "the closed one ended more than 7,200 s ago")
        clock.advance(by: 2)
        await service.sweep()
        #expect(try finished().isEmpty, "both dropped after the retention")
        try database.close()
    }

    /// A session dropped from memory after idling is loaded back from the database on its next use.
    @Test func reloadsSessionsDroppedFromMemory() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let database = try SessionDatabase(path: directory.databasePath)
        let clock = TestClock()
        let service = try Self.service(database, clock: clock, limits: SessionLimits(sessionTTL: 3_600, memoryIdleTime: 60))
        let (session, greeting) = try Self.reply(await service.respond(to: ProtocolRequest(.open(Fixtures.profile))))
        let turn = try Self.reply(await service.respond(to: ProtocolRequest(.say(session: session, text: try #require(greeting.options.first).key)))).1
        #expect(service.stats().sessionsLoaded == 1)

        clock.advance(by: 120)
        await service.sweep()
        #expect(service.stats().sessionsLoaded == 0)
        #expect(service.stats().sessions == 1, "still open, only out of memory")

        let again = try Self.reply(await service.respond(to: ProtocolRequest(.state(session: session)))).1
        #expect(again == turn)
        #expect(service.stats().sessionsLoaded == 1)
        try database.close()
    }

    /// A turn computed from a stale copy (another daemon changed the session in the same database)
    /// is not stored over the newer state: the session is reloaded and the turn applied to it.
    @Test func neverStoresATurnOverANewerState() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let firstDatabase = try SessionDatabase(path: directory.databasePath)
        let secondDatabase = try SessionDatabase(path: directory.databasePath)
        let first = try Self.service(firstDatabase)
        let second = try Self.service(secondDatabase)

        let (session, greeting) = try Self.reply(await first.respond(to: ProtocolRequest(.open(Fixtures.profile))))
        // The second service loads the session (version 1) into its memory.
        #expect(try Self.reply(await second.respond(to: ProtocolRequest(.state(session: session)))).1 == greeting)
        // The first moves it on to the order step.
        let topic = try #require(greeting.options.first { $0.value == "delivery" })
        let orderStep = try Self.reply(await first.respond(to: ProtocolRequest(.say(session: session, text: topic.key)))).1
        #expect(orderStep.state == .chooseOrder)
        // The second's copy is stale; its turn must apply to the order step, not the greeting.
        let order = try #require(orderStep.options.first { $0.value == "12345678-0001" })
        let written = try Self.reply(await second.respond(to: ProtocolRequest(.say(session: session, text: order.key)))).1
        #expect(written.state == .write)

        let messages = try firstDatabase.messages(session: session)
        #expect(messages.map(\.direction) == [.outgoing, .incoming, .outgoing, .incoming, .outgoing])
        try firstDatabase.close()
        try secondDatabase.close()
    }

    /// Closing a session removes it and its messages but keeps its appeal.
    @Test func closingKeepsAppeals() async throws {
        let server = try await RunningDaemon.start()
        let client = try await server.client()
        let session = try #require(try await client.open(profile: Fixtures.profile).session)
        let ticket = try #require(try await fileAppeal(client, session: session).ticket)
        #expect(try await client.close(session: session).closed)

        let store = server.daemon.store
        #expect(try !store.hasSession(session))
        #expect(try store.messages(session: session).isEmpty)
        #expect(try store.tickets(session: session).map(\.id) == [ticket.id])
        #expect(try #require(try await client.stats().stats).tickets == 1)
        await client.disconnect()
        try await server.stop()
    }

    /// Messages added in `submitted` are appended to the stored appeal.
    @Test func appendsLaterMessagesToTheAppeal() async throws {
        let server = try await RunningDaemon.start()
        let client = try await server.client()
        let session = try #require(try await client.open(profile: Fixtures.profile).session)
        let ticket = try #require(try await fileAppeal(client, session: session, message: "Первое сообщение").ticket)
        let more = try await client.say(session: session, text: "И ещё одно: номер подъезда 3")
        #expect(more.state == .submitted)
        let stored = try #require(try server.daemon.store.ticket(id: ticket.id))
        #expect(stored.ticket.messages == ["Первое сообщение", "И ещё одно: номер подъезда 3"])
        await client.disconnect()
        try await server.stop()
    }
}
