#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import HelplineDesk
import HelplineDialogue
import HelplinePostgres
@testable import HelplineServer
import HelplineTesting
import Testing

/// The specialists' desk shared by several daemons on one PostgreSQL database: one set of
/// queues, taking atomic across daemons, replies delivered wherever the customer is connected,
/// and appeals of a daemon killed mid-work back in the queue after the grace period.
@Suite(.serialized)
struct SharedDeskTests {
    /// One daemon's desk on its own store (as a daemon process has), on the test's database.
    struct Daemon {
        let store: any SessionStore
        let desk: DeskService
    }

    static func daemons(_ count: Int, on database: StoreTestDatabase, clock: TestClock) async throws -> [Daemon] {
        var daemons: [Daemon] = []
        for _ in 0..<count {
            let store = try await database.open()
            let desk = try await DeskService.open(store: store, rules: try WorkingTree.deskRules(), logger: Fixtures.logger(),
                                                  clock: { clock.now })
            daemons.append(Daemon(store: store, desk: desk))
        }
        return daemons
    }

    static func close(_ daemons: [Daemon]) async throws {
        for daemon in daemons {
            await daemon.desk.leave()
            daemon.desk.stop()
            try await daemon.store.close()
        }
    }

    /// An appeal of `queue`, filed at the desk of one daemon.
    static func file(_ id: String, queue: Queue, topic: String, on desk: DeskService, at: Date) async throws {
        let appeal = DeskAppeal(id: id, session: "s-\(id)", topic: topic, queue: queue,
                                customer: CustomerSummary(id: "c-\(id)", name: "Клиент"), createdAt: at)
        let filed = await desk.change { desk, now throws(DeskError) in (try desk.file(appeal, at: now), ()) }
        if case .failure(let error) = filed { throw TestFailure("filing failed: \(error)") }
    }

    /// Three daemons; appeals of every queue filed on all three; six specialists, two on each
    /// daemon, all taking at once until the queues are empty. Every appeal is taken exactly once,
    /// and in the queues' order: the desk versions at which they were taken follow the order the
    /// desk serves them in.
    @Test(.enabled(if: Fixtures.postgresRuns, Fixtures.skipped))
    func specialistsOnSeveralDaemonsTakeEachAppealOnceInOrder() async throws {
        let database = try await StoreTestDatabase.make(.postgres)
        let clock = TestClock()
        let daemons = try await Self.daemons(3, on: database, clock: clock)
        let queues: [(Queue, String)] = [(.regular, "delivery"), (.premiumSeller, "seller"), (.travelPriority, "travel")]
        for index in 0..<30 {
            let (queue, topic) = queues[index % queues.count]
            try await Self.file(String(format: "A-%03d", index), queue: queue, topic: topic,
                                on: daemons[index % daemons.count].desk, at: clock.now)
            clock.advance(by: 1)
        }
        // Every daemon's copy is brought up to date by its next change: the first daemon's shows all.
        await daemons[0].desk.refresh()
        let expected = daemons[0].desk.desk.waitingInOrder(now: clock.now).map(\.id)
        #expect(expected.count == 30)

        var specialists: [(String, DeskConnection)] = []
        for (index, daemon) in daemons.enumerated() {
            for seat in 0..<2 {
                let id = "sp-\(index)-\(seat)"
                let connection = daemon.desk.connect()
                guard case .signedIn = await connection.send(.signIn(.init(id: id, name: "Специалист", serves: .scope(.everything)))) else {
                    throw TestFailure("sign-in failed")
                }
                specialists.append((id, connection))
            }
        }
        let taken = try await withThrowingTaskGroup(of: [(String, String)].self) { group in
            for (id, connection) in specialists {
                group.addTask {
                    var mine: [(String, String)] = []
                    while true {
                        switch await connection.send(.next) {
                        case .appeal(let view?):
                            mine.append((view.appeal.id, id))
                        case .appeal(nil):
                            return mine
                        case let other:
                            throw TestFailure("next failed: \(other)")
                        }
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let ids = taken.map(\.0)
        #expect(ids.count == 30, "every appeal taken")
        #expect(Set(ids).count == ids.count, "no appeal taken twice")
        #expect(Set(taken.map(\.1)).count > 1, "specialists on several daemons took appeals")

        // The order in which they were taken, as stored: the desk version of each take.
        let store = try #require(daemons[0].store as? PostgresSessionStore)
        let order = try await store.withConnection { connection in
            let rows = try await connection.query(
                "SELECT id, specialist FROM desk_appeals WHERE state = 'taken' ORDER BY version", logger: Fixtures.logger())
            var order: [(String, String?)] = []
            for try await row in rows.decode((String, String?).self) { order.append(row) }
            return order
        }
        #expect(order.map(\.0) == expected, "taken in the queues' order")
        let holders = Dictionary(taken.map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first })
        #expect(order.allSatisfy { holders[$0.0] == $0.1 }, "each held by the specialist it was given to")
        for (_, connection) in specialists { await connection.close() }
        try await Self.close(daemons)
        try await database.finish()
    }

    /// A daemon (in-process) whose last specialist connection drops with appeals taken, and
    /// never comes back (its lease runs out): another daemon counts its connections as gone and,
    /// once the grace period ends, returns the appeals to the queue; a specialist there is told.
    @Test(.enabled(if: Fixtures.postgresRuns, Fixtures.skipped))
    func anotherDaemonReturnsTheAppealsOfADaemonThatLapsed() async throws {
        let database = try await StoreTestDatabase.make(.postgres)
        let clock = TestClock()
        let daemons = try await Self.daemons(2, on: database, clock: clock)
        try await Self.file("B-001", queue: .regular, topic: "delivery", on: daemons[1].desk, at: clock.now)
        let holder = daemons[0].desk.connect()
        _ = await holder.send(.signIn(.init(id: "sp-held", name: "Мария", serves: .role("general"))))
        guard case .appeal(let view?) = await holder.send(.next) else { throw TestFailure("nothing taken") }
        #expect(view.appeal.id == "B-001")
        let watcher = daemons[1].desk.connect()
        _ = await watcher.send(.signIn(.init(id: "sp-watch", name: "Олег", serves: .role("general"))))

        // The first daemon stops renewing its lease, as a killed one would, and gives it up.
        daemons[0].desk.stop()
        await daemons[0].store.leaveDesk()
        await daemons[1].desk.heartbeat()
        // Waits for a change its own timer may have started meanwhile to be taken in.
        await daemons[1].desk.refresh()
        #expect(daemons[1].desk.desk.specialists["sp-held"]?.isOnDuty == false, "counted as gone")
        #expect(daemons[1].desk.desk.appeals["B-001"]?.state == .taken, "kept through the grace period")
        clock.advance(by: try WorkingTree.deskRules().graceSeconds)
        await daemons[1].desk.tick()
        let returned = try await nextValue(watcher.events)
        guard case .newAppeal(let summary, reason: .returned) = returned else { throw TestFailure("not returned: \(returned)") }
        #expect(summary.id == "B-001")
        guard case .appeal(let again?) = await watcher.send(.next) else { throw TestFailure("not back in the queue") }
        #expect(again.appeal.id == "B-001")
        await watcher.close()
        try await daemons[1].store.close()
        daemons[1].desk.stop()
        try await daemons[0].store.close()
        try await database.finish()
    }

    // MARK: Daemon processes

    /// Intents whose desk has a grace period of `grace` seconds.
    static func intents(grace: Int, in directory: TemporaryDirectory) throws -> String {
        let target = URL(fileURLWithPath: directory.path("intents"))
        try FileManager.default.copyItem(at: WorkingTree.intents, to: target)
        let yaml = target.appendingPathComponent("config/desk.yaml")
        let text = try String(contentsOf: yaml, encoding: .utf8)
        try text.replacingOccurrences(of: "grace_seconds: 120", with: "grace_seconds: \(grace)")
            .write(to: yaml, atomically: true, encoding: .utf8)
        return target.path
    }

    /// Opens a session and files an appeal on delivery.
    static func fileAppeal(_ client: HelplineClient) async throws -> (session: String, ticket: Ticket) {
        let session = try #require(try await client.open(profile: Fixtures.profile).session)
        var answer = try await client.say(session: session, text: "delivery")
        for _ in 0..<4 {
            guard answer.ok, let state = answer.state else { throw TestFailure("dialogue failed: \(answer)") }
            switch state {
            case .chooseOrder: answer = try await client.say(session: session, text: try #require(answer.options.first).key)
            case .write: answer = try await client.say(session: session, text: "Курьер не приехал в назначенный день.")
            case .submitted: return (session, try #require(answer.ticket))
            case .chooseTopic: throw TestFailure("the topic was not taken: \(answer)")
            }
        }
        throw TestFailure("no appeal: \(answer)")
    }

    static func signIn(_ id: String, on socket: String) async throws -> DeskClient {
        let client = try await DeskClient.connect(to: socket)
        guard case .signedIn = try await client.send(.signIn(.init(id: id, name: "Мария", serves: .role("general")))) else {
            throw TestFailure("sign-in failed")
        }
        return client
    }

    /// Two `helpline serve` processes with desks on one database. The customer is connected to
    /// the second; a specialist on the first takes the appeal it filed there and replies: the
    /// reply is pushed at once to the customer's connection on the second daemon. Then the first
    /// daemon is killed with -9 while its specialist holds a second appeal: the second daemon,
    /// once the dead one's lease and the grace period have run out, returns it to the queue, and
    /// its own specialist is told and takes it.
    @Test(.enabled(if: Fixtures.postgresRuns, Fixtures.skipped))
    func repliesCrossDaemonsAndAKilledDaemonsAppealsComeBack() async throws {
        let server = try await Fixtures.postgres()
        let database = try await server.makeDatabase()
        let directory = try TemporaryDirectory()
        let intents = try Self.intents(grace: 1, in: directory)
        var daemons: [ServeProcess] = []
        for name in ["a", "b"] {
            daemons.append(try await ServeProcess.start(
                socket: directory.path("\(name).sock"), database: database.url,
                arguments: ["--desk-socket", directory.path("\(name)-desk.sock"), "--intents", intents,
                            "--desk-lease", "1", "--db-pool", "4", "--log-level", "warning"]))
        }
        let customer = try await HelplineClient.connect(to: directory.path("b.sock"))
        let (_, first) = try await Self.fileAppeal(customer)
        let maria = try await Self.signIn("sp-maria", on: directory.path("a-desk.sock"))
        guard case .appeal(let taken?) = try await maria.send(.next) else { throw TestFailure("nothing to take on a") }
        #expect(taken.appeal.id == first.id, "the appeal filed on b is in a's queue")
        // Telling the customer who took it comes first; then the reply.
        let reply = "Курьер приедет завтра с 10 до 14."
        guard case .appeal = try await maria.send(.reply(appeal: first.id, text: reply)) else { throw TestFailure("reply failed") }
        var pushed = try await customer.nextEvent()
        while pushed.notice.kind != .reply { pushed = try await customer.nextEvent() }
        #expect(pushed.notice.appeal == first.id)
        #expect(pushed.notice.message == reply)

        guard case .appeal = try await maria.send(.close(appeal: first.id)) else { throw TestFailure("close failed") }
        let second = try await Self.fileAppeal(customer).ticket
        guard case .appeal(let held?) = try await maria.send(.next) else { throw TestFailure("second not taken") }
        #expect(held.appeal.id == second.id)
        let oleg = try await Self.signIn("sp-oleg", on: directory.path("b-desk.sock"))
        daemons[0].signal(SIGKILL)
        _ = try await daemons[0].waitForExit()
        // Waiting for the event is the check: it fails if the appeal never comes back.
        _ = try await oleg.event { event in
            if case .newAppeal(let summary, reason: .returned) = event { return summary.id == second.id }
            return false
        }
        guard case .appeal(let back?) = try await oleg.send(.next) else { throw TestFailure("not back in the queue") }
        #expect(back.appeal.id == second.id)

        await maria.disconnect()
        await oleg.disconnect()
        await customer.disconnect()
        #expect(try await daemons[1].stop() == 0)
        try await database.drop()
    }
}

