import Foundation
import HelplineDesk
import HelplineDialogue
@testable import HelplineServer
import Logging
import NIOCore
import NIOEmbedded
import HelplineTesting
import Testing

/// The desk in process, without sockets: `SessionService` and `DeskService` on one database.
struct DeskServiceTests {
    private struct World {
        let directory: TemporaryDirectory
        let database: SessionDatabase
        let clock: TestClock
        let desk: DeskService
        let sessions: SessionService

        init(directory: TemporaryDirectory? = nil, clock: TestClock = TestClock()) throws {
            self.directory = try directory ?? TemporaryDirectory()
            self.clock = clock
            database = try SessionDatabase(path: self.directory.databasePath)
            desk = try DeskService(database: database, rules: try WorkingTree.deskRules(), clock: { clock.now })
            sessions = try SessionService(database: database, engine: try WorkingTree.engine(), clock: { clock.now }, desk: desk)
        }

        func say(_ session: String, _ text: String) async throws -> (Reply, [CustomerNotice]) {
            try Self.reply(await sessions.respond(to: ProtocolRequest(.say(session: session, text: text))))
        }

        func open(_ profile: Profile) async throws -> String {
            let response = await sessions.respond(to: ProtocolRequest(.open(profile)))
            return try #require(response.repliedSession)
        }

        static func reply(_ response: ProtocolResponse) throws -> (Reply, [CustomerNotice]) {
            switch response {
            case .reply(_, _, let reply): return (reply, [])
            case .replyWithNotices(_, _, let reply, let notices): return (reply, notices)
            default: throw TestFailure("not a reply: \(response)")
            }
        }

        /// Files an appeal on the delivery topic for a customer without orders.
        func file(_ profile: Profile) async throws -> (session: String, ticket: Ticket) {
            let session = try await open(profile)
            _ = try await say(session, "delivery")
            let (reply, _) = try await say(session, "Курьер не приехал в назначенный день.")
            return (session, try #require(reply.ticket))
        }

        func close() throws {
            desk.stop()
            try database.close()
        }
    }

    /// The in-process API: a specialist's connection made by `DeskService.connect()`, the
    /// customer's turns through `SessionService.respond(to:)`; events arrive in the connection's
    /// stream, notices with the session's answers (shown by `state`, delivered by `say`).
    @Test func worksWithoutSockets() async throws {
        let world = try World()
        let maria = world.desk.connect()
        guard case .signedIn(let specialist, let holding) = await maria.send(.signIn(.init(id: "sp-1", name: "Мария", serves: .role("general"))))
        else { throw TestFailure("sign-in failed") }
        #expect(specialist.name == "Мария" && holding.isEmpty && maria.specialist == "sp-1")

        let (session, ticket) = try await world.file(DeskProfiles.regular())
        let filed = try await nextValue(maria.events)
        #expect(filed.newAppeal?.id == ticket.id && filed.newAppeal?.reason == .filed)
        guard case .appeal(let view?) = await maria.send(.next) else { throw TestFailure("nothing to take") }
        #expect(view.appeal.id == ticket.id && view.appeal.session.isEmpty == false)
        _ = await maria.send(.reply(appeal: ticket.id, text: "Проверили: курьер приедет завтра."))

        let (_, shown) = try Self.replyOf(await world.sessions.respond(to: ProtocolRequest(.state(session: session))))
        #expect(shown.map(\.kind) == [.taken, .reply], "state shows the notices")
        let (_, delivered) = try await world.say(session, "Спасибо")
        #expect(delivered.map(\.kind) == [.taken, .reply], "say delivers them")
        let (_, after) = try await world.say(session, "Спасибо")
        #expect(after.isEmpty)
        #expect(world.desk.pendingNotices(session: session).isEmpty)

        await maria.close()
        #expect(world.desk.desk.specialists["sp-1"]?.isOnDuty == false)
        #expect(await maria.send(.overview) == .failure(DeskError(.notSignedIn, "sign in first")))
        try world.close()
    }

    /// `stats` answers its last figures again while the desk has not changed (a client asking in a
    /// loop does not walk every appeal each time), but any change shows at once, at the same
    /// instant, and an unchanged desk is counted again after a second.
    @Test func statsFollowEveryChangeAtOnce() async throws {
        let world = try World()
        func waiting() -> Int { world.desk.stats().queues.reduce(0) { $0 + $1.waiting } }
        #expect(waiting() == 0)
        let before = try #require(world.desk.lastStats.withLockedValue { $0 })
        #expect(waiting() == 0)
        #expect(world.desk.lastStats.withLockedValue { $0 }?.at == before.at, "answered again, not counted again")
        _ = try await world.file(DeskProfiles.regular())
        #expect(waiting() == 1, "a filing shows at the same instant")
        _ = try await world.file(DeskProfiles.regular())
        #expect(waiting() == 2)
        world.clock.advance(by: 2)
        #expect(waiting() == 2)
        #expect(world.desk.lastStats.withLockedValue { $0 }?.at == world.clock.now, "counted again after a second")
        try world.close()
    }

    /// A long chat before filing gives the appeal only its latest messages, after a line saying
    /// how many earlier ones are not shown; the message that filed it is always there.
    @Test func longChatsGiveTheAppealTheirEnd() async throws {
        let world = try World()
        let session = try await world.open(DeskProfiles.regular())
        for n in 0..<110 {
            let (reply, _) = try await world.say(session, "погода в москве на выходные \(n)")
            #expect(reply.state == .chooseTopic)
        }
        _ = try await world.say(session, "delivery")
        let (reply, _) = try await world.say(session, "Курьер не приехал в назначенный день.")
        let ticket = try #require(reply.ticket)
        let conversation = try #require(world.desk.desk.appeals[ticket.id]).conversation
        let limit = DeskService.historyLimit.messages
        #expect(conversation.count == limit + 2)
        #expect(conversation.first?.kind == .bot)
        // The greeting, 110 questions and their answers, the topic and its answer: 223 before the
        // filing message.
        #expect(conversation.first?.text == "Начало переписки не показано: более ранних сообщений — \(223 - limit).")
        #expect(conversation.last?.kind == .customer && conversation.last?.text == "Курьер не приехал в назначенный день.")
        #expect(conversation.dropFirst().first?.text?.hasPrefix("погода в москве на выходные") == true)
        try world.close()
    }

    /// After a restart every specialist is away and gets the grace period from the restart:
    /// signing in within it keeps their appeals; when it ends they return to the queue.
    @Test func restartGivesEverySpecialistTheGracePeriod() async throws {
        let clock = TestClock()
        var world = try World(clock: clock)
        let maria = world.desk.connect()
        _ = await maria.send(.signIn(.init(id: "sp-1", name: "Мария", serves: .role("general"))))
        let (_, first) = try await world.file(DeskProfiles.regular("u-1"))
        let (_, second) = try await world.file(DeskProfiles.regular("u-2"))
        _ = await maria.send(.next)
        _ = await maria.send(.next)
        let directory = world.directory
        try world.close()

        clock.advance(by: 600)
        world = try World(directory: directory, clock: clock)
        let restarted = world.desk.desk
        #expect(restarted.specialists["sp-1"]?.isOnDuty == false)
        #expect(restarted.appeals(heldBy: "sp-1").map(\.id) == [first.id, second.id])
        clock.advance(by: 119)
        await world.desk.tick()
        #expect(world.desk.desk.appeals(heldBy: "sp-1").count == 2, "within the grace period")
        clock.advance(by: 1)
        await world.desk.tick()
        #expect(world.desk.desk.appeals(heldBy: "sp-1").isEmpty)
        #expect(world.desk.desk.waitingInOrder(now: clock.now).map(\.id) == [first.id, second.id], "back at their places")
        try world.close()

        // And so it stays after another restart.
        world = try World(directory: directory, clock: clock)
        #expect(world.desk.desk.specialists["sp-1"] == nil)
        #expect(world.desk.desk.waitingInOrder(now: clock.now).map(\.id) == [first.id, second.id])
        try world.close()
    }

    /// A customer connection that is not writable is not pushed to (the notices wait for the
    /// next answer); nor is one that turned events off.
    @Test func pushesOnlyToWritableConnectionsWithEventsOn() throws {
        let directory = try Fixtures.temporaryDirectory()
        let database = try SessionDatabase(path: directory.databasePath)
        let service = try SessionService(database: database, engine: try Fixtures.engine())
        var logger = Logger(label: "test.connection")
        logger.logLevel = .critical
        let hooks = ConnectionHooks(service: service, logger: logger, maximumConnections: 10,
                                    register: { _ in 1 }, unregister: { _ in })
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder()))
        try channel.pipeline.syncOperations.addHandler(RequestDecoder())
        try channel.pipeline.syncOperations.addHandler(ConnectionHandler(hooks: hooks))
        try channel.connect(to: SocketAddress(unixDomainSocketPath: "/tmp/hl-embedded.sock")).wait()
        let line = Array(#"{"event":"notice"}"#.utf8) + [UInt8(ascii: "\n")]

        func push() throws -> Bool {
            let future = ConnectionHandler.push([line], to: channel)
            channel.embeddedEventLoop.run()
            return try future.wait()
        }
        #expect(try push())
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(bytes: line))

        channel.isWritable = false
        channel.pipeline.fireChannelWritabilityChanged()
        #expect(try !push(), "not writable: left for the next answer")
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()

        try channel.writeInbound(ByteBuffer(string: #"{"op":"events","enabled":false}"# + "\n"))
        channel.embeddedEventLoop.run()
        #expect(try channel.readOutbound(as: ProtocolResponse.self) == .events(id: nil, enabled: false))
        #expect(try !push(), "events off")
        _ = try? channel.finish()
        try database.close()
    }

    private static func replyOf(_ response: ProtocolResponse) throws -> (Reply, [CustomerNotice]) {
        try World.reply(response)
    }
}
