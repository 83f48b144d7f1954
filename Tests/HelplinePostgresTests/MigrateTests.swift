import Foundation
import HelplineDesk
import HelplineDialogue
import HelplinePostgres
import HelplineServer
import HelplineTesting
import Testing

/// `helpline migrate --from FILE --to URL`: a daemon's SQLite database moved to PostgreSQL, run
/// as a user would, the daemons stopped first.
@Suite(.serialized)
struct MigrateTests {
    /// Sessions continue on PostgreSQL where they stood on SQLite, appeals and what finished
    /// customers wrote come along, appeal numbers go on without repeating, counts agree; a second
    /// copy into the now non-empty database is refused and changes nothing.
    @Test(.enabled(if: Fixtures.postgresRuns, Fixtures.skipped))
    func movesASQLiteDatabaseToPostgres() async throws {
        let server = try await Fixtures.postgres()
        let database = try await server.makeDatabase()
        let directory = try TemporaryDirectory()
        let sqlite = directory.databasePath

        // On SQLite: an appeal, a conversation midway, a closed one.
        var daemon = try await ServeProcess.start(socket: directory.socketPath, database: sqlite)
        var client = try await HelplineClient.connect(to: daemon.socketPath)
        let appealed = try #require(try await client.open(profile: Fixtures.profile).session)
        let appeal = try await Self.walkToAppeal(client, session: appealed)
        let ticket = try #require(appeal.ticket)
        let midway = try #require(try await client.open(profile: Fixtures.profile).session)
        let midwayAnswer = try await client.say(session: midway, text: "доставка")
        let closed = try #require(try await client.open(profile: Fixtures.profile).session)
        #expect(try await client.say(session: closed, text: "рецепт борща").ok)
        #expect(try await client.close(session: closed).closed)
        await client.disconnect()
        #expect(try await daemon.stop() == 0)

        let (status, output) = try await Self.migrate(from: sqlite, to: database.url)
        #expect(status == 0, "\(output)")
        #expect(output.contains("2 sessions"), "\(output)")
        #expect(output.contains("1 appeals") && output.contains("1 finished conversations"), "\(output)")
        #expect(!output.contains(database.location.password ?? "\u{0}"), "no password printed")

        // On PostgreSQL: the same conversations.
        daemon = try await ServeProcess.start(socket: directory.socketPath, database: database.url)
        client = try await HelplineClient.connect(to: daemon.socketPath)
        let resumedAppeal = try await client.resume(session: appealed)
        #expect(resumedAppeal.state == .submitted)
        #expect(resumedAppeal.ticket?.id == ticket.id)
        #expect(try await client.resume(session: midway).reply == midwayAnswer.reply)
        #expect(try await client.state(session: closed).errorCode == .unknownSession)
        let more = try await client.say(session: appealed, text: "Дополнение: код домофона 12")
        #expect(more.ticket?.messages == ticket.messages + ["Дополнение: код домофона 12"])
        let stats = try #require(try await client.stats().stats)
        #expect(stats.sessions == 2 && stats.tickets == 1)

        let second = try #require(try await client.open(profile: Fixtures.profile).session)
        let newTicket = try #require(try await Self.walkToAppeal(client, session: second).ticket)
        #expect(newTicket.id != ticket.id, "appeal numbers continue past the copied ones")
        await client.disconnect()
        #expect(try await daemon.stop() == 0)

        let store = try await PostgresSessionStore.open(PostgresStoreConfiguration(location: database.location),
                                                        logger: Fixtures.logger())
        let finished = try await store.finishedConversations()
        #expect(finished.map { $0.messages.map(\.text) } == [["рецепт борща"]])
        let messages = try await store.messages(session: appealed)
        #expect(messages.first?.direction == .outgoing && messages.filter { $0.direction == .incoming }.count == 4)
        try await store.close()

        let (again, said) = try await Self.migrate(from: sqlite, to: database.url)
        #expect(again == 1)
        #expect(said.contains("already holds 3 sessions"), "\(said)")
        try await database.drop()
    }

    /// The specialists' desk comes along: every appeal at the desk, waiting or taken, with who took
    /// it; the specialist counts as away from the move, so their grace period runs on PostgreSQL
    /// (no daemon there would count them away by itself).
    @Test(.enabled(if: Fixtures.postgresRuns, Fixtures.skipped))
    func movesTheDesk() async throws {
        let server = try await Fixtures.postgres()
        let database = try await server.makeDatabase()
        let daemon = try await InProcessDaemon.start(desk: true)
        let client = try await daemon.client()
        var tickets: [String] = []
        for _ in 0..<2 {
            let session = try #require(try await client.open(profile: Fixtures.profile).session)
            tickets.append(try #require(try await Self.walkToAppeal(client, session: session).ticket).id)
        }
        let specialist = try await daemon.deskClient()
        guard case .signedIn = try await specialist.send(.signIn(.init(id: "sp-1", name: "Мария", serves: .role("general")))) else {
            throw TestFailure("sign-in failed")
        }
        guard case .appeal(let taken?) = try await specialist.send(.next) else { throw TestFailure("nothing to take") }
        #expect(taken.appeal.id == tickets[0])
        await specialist.disconnect()
        await client.disconnect()
        try await daemon.stop()

        let report = try await SQLiteToPostgres.migrate(from: daemon.databasePath,
                                                        to: PostgresStoreConfiguration(location: database.location),
                                                        logger: Fixtures.logger())
        #expect(report.deskAppeals == 2 && report.specialists == 1, "\(report)")

        let store = try await PostgresSessionStore.open(PostgresStoreConfiguration(location: database.location),
                                                        logger: Fixtures.logger())
        let desk = try await store.loadDesk(closedSince: .distantPast)
        try await store.close()
        let appeals = Dictionary(uniqueKeysWithValues: desk.state.appeals.map { ($0.id, $0) })
        #expect(appeals[tickets[0]]?.specialist == "sp-1" && appeals[tickets[0]]?.isHeld == true)
        #expect(appeals[tickets[1]]?.state == .waiting)
        let moved = try #require(desk.state.specialists.first)
        #expect(moved.id == "sp-1" && moved.connections == 0 && moved.leftAt != nil, "away from the move on")
        #expect(desk.version != nil)
        try await database.drop()
    }

    /// `helpline review --db URL` reads a PostgreSQL database as it reads a SQLite file: the same
    /// sessions and customers' messages (open and finished) from a database moved across, so the
    /// same report.
    @Test(.enabled(if: Fixtures.postgresRuns, Fixtures.skipped))
    func reviewsAPostgresDatabaseAsASQLiteFile() async throws {
        let server = try await Fixtures.postgres()
        let database = try await server.makeDatabase()
        let daemon = try await InProcessDaemon.start()
        let client = try await daemon.client()
        let texts = [["рецепт борща", "где мой заказ"], ["хочу вернуть деньги за чайник"], ["Доставка", "меню", "абырвалг"]]
        for (index, said) in texts.enumerated() {
            let session = try #require(try await client.open(profile: Fixtures.profile).session)
            for text in said { #expect(try await client.say(session: session, text: text).ok) }
            if index == 0 { #expect(try await client.close(session: session).closed) }
        }
        await client.disconnect()
        try await daemon.stop()
        _ = try await SQLiteToPostgres.migrate(from: daemon.databasePath,
                                               to: PostgresStoreConfiguration(location: database.location),
                                               logger: Fixtures.logger())

        let sqlite = try ConversationArchive(path: daemon.databasePath).sessions()
        let store = try await PostgresSessionStore.open(PostgresStoreConfiguration(location: database.location),
                                                        logger: Fixtures.logger())
        let postgres = try await store.reviewSessions()
        try await store.close()
        #expect(postgres.skipped == 0)
        #expect(Set(postgres.sessions.map { $0.messages.map(\.text) }) == Set(texts))
        #expect(Set(postgres.sessions.map { $0.messages.map(\.text) }) == Set(sqlite.sessions.map { $0.messages.map(\.text) }))

        let fromFile = try await Self.run(["review", "--db", daemon.databasePath])
        let fromServer = try await Self.run(["review", "--db", database.url])
        #expect(fromFile.0 == 0 && fromServer.0 == 0, "\(fromServer.1)")
        #expect(fromServer.1.contains("3 sessions, 6 customer messages"), "\(fromServer.1)")
        #expect(fromServer.1 == fromFile.1)
        try await database.drop()
    }

    /// Runs `helpline migrate`; its status and what it printed.
    static func migrate(from: String, to: String) async throws -> (Int32, String) {
        try await run(["migrate", "--from", from, "--to", to])
    }

    /// Runs `helpline` with `arguments`; its status and what it printed.
    static func run(_ arguments: [String]) async throws -> (Int32, String) {
        let process = Process()
        process.executableURL = try Fixtures.helplineExecutable()
        process.arguments = arguments
        let output = try TemporaryDirectory()
        let file = output.path("out")
        _ = FileManager.default.createFile(atPath: file, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let status = try await waitForExit(process)
        try handle.close()
        return (status, try String(contentsOfFile: file, encoding: .utf8))
    }

    /// Walks a session over the socket to an appeal.
    static func walkToAppeal(_ client: HelplineClient, session: String) async throws -> ProtocolReply {
        var answer = try await client.state(session: session)
        for _ in 0..<6 {
            guard answer.ok, let state = answer.state else { throw TestFailure("dialogue failed: \(answer)") }
            switch state {
            case .chooseTopic: answer = try await client.say(session: session, text: try #require(answer.options.first { $0.value == "delivery" }).key)
            case .chooseOrder: answer = try await client.say(session: session, text: try #require(answer.options.first).key)
            case .write: answer = try await client.say(session: session, text: "Заказ не пришёл, прошу разобраться")
            case .submitted: return answer
            }
        }
        throw TestFailure("no appeal: \(answer)")
    }
}
