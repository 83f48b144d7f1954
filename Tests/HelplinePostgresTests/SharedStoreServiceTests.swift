import Foundation
import HelplineDialogue
import HelplinePostgres
@testable import HelplineServer
import HelplineTesting
import Testing

/// Several daemons' session services on one database: a conversation continues on any of them,
/// stale copies in memory are never stored over newer turns, and counts and the session limit
/// mean the same on every daemon.
struct SharedStoreServiceTests {
    private static func service(_ store: any SessionStore, limits: SessionLimits = SessionLimits()) async throws -> SessionService {
        SessionService(store: store, counts: try await store.counts(), engine: try WorkingTree.engine(), limits: limits,
                       logger: Fixtures.logger())
    }

    private static func reply(_ response: ProtocolResponse) throws -> (String, Reply) {
        guard case .reply(_, let session, let reply) = response else { throw TestFailure("not a reply: \(response)") }
        return (session, reply)
    }

    /// One conversation, its turns landing on three daemons in turn: each turn applies to the
    /// conversation as the previous daemon left it, and the database holds every turn once, in order.
    @Test(arguments: StoreKind.shareable)
    func continuesAConversationOnAnyDaemon(_ kind: StoreKind) async throws {
        let database = try await StoreTestDatabase.make(kind)
        let stores = [try await database.open(), try await database.open(), try await database.open()]
        var services: [SessionService] = []
        for store in stores { services.append(try await Self.service(store)) }

        let (session, greeting) = try Self.reply(await services[0].respond(to: ProtocolRequest(.open(Fixtures.profile))))
        let delivery = try #require(greeting.options.first { $0.value == "delivery" })
        let texts = [delivery.key, "1", "Курьер не приехал", "И ещё: домофон не работает", "меню", "возврат"]
        var last = greeting
        for (index, text) in texts.enumerated() {
            // Every daemon has the session in memory after the first rounds: their copies go stale.
            let service = services[index % services.count]
            last = try Self.reply(await service.respond(to: ProtocolRequest(.say(session: session, text: text)))).1
        }
        #expect(last.state == .chooseOrder || last.state == .write || last.state == .chooseTopic)
        for service in services {
            #expect(try Self.reply(await service.respond(to: ProtocolRequest(.state(session: session)))).1 == last)
        }
        let incoming = try await stores[0].messages(session: session).filter { $0.direction == .incoming }.map(\.text)
        #expect(incoming == texts)
        #expect(try await stores[2].storedVersion(session) == texts.count + 1)
        for store in stores { try await store.close() }
        try await database.finish()
    }

    /// `stats` answers the database's counts on every daemon, and `--max-sessions` limits the
    /// sessions in the database, wherever they were opened; a session closed on one daemon frees
    /// a place on all.
    @Test(.enabled(if: Fixtures.postgresRuns, Fixtures.skipped))
    func countsAndTheSessionLimitMeanTheSameOnEveryDaemon() async throws {
        let database = try await StoreTestDatabase.make(.postgres)
        let firstStore = try await database.open()
        let secondStore = try await database.open()
        let limits = SessionLimits(maximumSessions: 3)
        let first = try await Self.service(firstStore, limits: limits)
        let second = try await Self.service(secondStore, limits: limits)

        let (a, _) = try Self.reply(await first.respond(to: ProtocolRequest(.open(Fixtures.profile))))
        _ = try Self.reply(await first.respond(to: ProtocolRequest(.open(Fixtures.profile))))
        let (c, _) = try Self.reply(await second.respond(to: ProtocolRequest(.open(Fixtures.profile))))
        for service in [first, second] {
            guard case .failure(_, let error) = await service.respond(to: ProtocolRequest(.open(Fixtures.profile))) else {
                Issue.record("a fourth session was opened past the limit of 3")
                return
            }
            #expect(error.code == .overloaded)
        }
        for service in [first, second] {
            guard case .stats(_, let stats) = await service.respond(to: ProtocolRequest(.stats)) else {
                Issue.record("no stats")
                return
            }
            #expect(stats.sessions == 3)
        }

        _ = try await Self.walkToAppeal(c, on: second)
        guard case .closed = await second.respond(to: ProtocolRequest(.close(session: a))) else {
            Issue.record("close failed")
            return
        }
        _ = try Self.reply(await first.respond(to: ProtocolRequest(.open(Fixtures.profile))))
        for service in [first, second] {
            guard case .stats(_, let stats) = await service.respond(to: ProtocolRequest(.stats)) else { continue }
            #expect(stats.sessions == 3)
            #expect(stats.tickets == 1)
        }
        try await firstStore.close()
        try await secondStore.close()
        try await database.finish()
    }

    /// Walks a session to an appeal.
    static func walkToAppeal(_ session: String, on service: SessionService) async throws -> Reply {
        var reply = try Self.reply(await service.respond(to: ProtocolRequest(.state(session: session)))).1
        for _ in 0..<6 {
            let text: String
            switch reply.state {
            case .chooseTopic: text = try #require(reply.options.first { $0.value == "delivery" }).key
            case .chooseOrder: text = try #require(reply.options.first).key
            case .write: text = "Заказ не пришёл, прошу разобраться"
            case .submitted: return reply
            }
            reply = try Self.reply(await service.respond(to: ProtocolRequest(.say(session: session, text: text)))).1
        }
        throw TestFailure("no appeal: \(reply)")
    }
}
