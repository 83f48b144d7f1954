#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import HelplineDialogue
import HelplinePostgres
import HelplineServer
import HelplineTesting
import NIOConcurrencyHelpers
import Testing

/// Several `helpline serve` processes on one PostgreSQL database, as in production behind a relay.
@Suite(.serialized)
struct MultiDaemonTests {
    /// What one simulated customer sent and what became of it.
    struct ClientLog: Sendable {
        var session: String
        /// Texts answered `ok`, in the order sent.
        var acknowledged: [String] = []
        /// Texts sent whose answer never came or was an error: stored once or not at all.
        var unknown: [String] = []
    }

    /// Three daemons on one database; 300 customers whose messages land on random daemons; one
    /// daemon killed with `kill -9` under load and started again. Every acknowledged turn is
    /// stored exactly once, in the order the customer sent it; no turn is stored twice; a turn in
    /// flight on the killed daemon is stored whole or not at all.
    @Test(.enabled(if: Fixtures.postgresRuns, Fixtures.skipped))
    func storesEveryAcknowledgedTurnOnceThroughAKill() async throws {
        let server = try await Fixtures.postgres()
        let database = try await server.makeDatabase()
        let directory = try TemporaryDirectory()
        let arguments = ["--db-pool", "4", "--log-level", "warning"]
        let sockets = (0..<3).map { directory.path("d\($0).sock") }
        var started: [ServeProcess] = []
        for socket in sockets {
            started.append(try await ServeProcess.start(socket: socket, database: database.url, arguments: arguments))
        }
        let daemons = NIOLockedValueBox(started)

        let customers = 300
        let messagesEach = 8
        let acknowledged = Milestone()
        // Under load: a third of the turns answered, kill the second daemon, then start it again.
        let killer = Task {
            await acknowledged.reached(customers * messagesEach / 3)
            let victim = daemons.withLockedValue { $0[1] }
            victim.signal(SIGKILL)
            _ = try await victim.waitForExit()
            let restarted = try await ServeProcess.start(socket: sockets[1], database: database.url, arguments: arguments)
            daemons.withLockedValue { $0[1] = restarted }
            return acknowledged.count
        }

        let logs = try await withThrowingTaskGroup(of: ClientLog.self) { group in
            for customer in 0..<customers {
                group.addTask {
                    try await Self.customer(customer, messages: messagesEach, sockets: sockets, acknowledged: acknowledged)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let killedAt = try await killer.value
        #expect(killedAt < customers * messagesEach, "the kill came while turns were still being sent")

        var stops: [Int32] = []
        for daemon in daemons.withLockedValue({ $0 }) { stops.append(try await daemon.stop()) }
        #expect(stops == [0, 0, 0])

        let store = try await PostgresSessionStore.open(PostgresStoreConfiguration(location: database.location),
                                                        logger: Fixtures.logger())
        var acknowledgedTurns = 0
        var unknownStored = 0
        for log in logs {
            let stored = try await store.messages(session: log.session).filter { $0.direction == .incoming }.map(\.text)
            acknowledgedTurns += log.acknowledged.count
            #expect(Set(stored).count == stored.count, "a turn of customer \(log.session.prefix(4)) stored twice: \(stored)")
            #expect(stored.filter { log.acknowledged.contains($0) } == log.acknowledged, "acknowledged turns, once each, in order")
            let others = stored.filter { !log.acknowledged.contains($0) }
            #expect(others.allSatisfy { log.unknown.contains($0) }, "only turns that were sent are stored")
            unknownStored += others.count
        }
        #expect(acknowledgedTurns > customers * messagesEach / 2, "most turns were answered")
        #expect(unknownStored <= logs.map(\.unknown.count).reduce(0, +))
        let counts = try await store.counts()
        #expect(counts.sessions >= customers)
        #expect(try await Self.halfStoredTurns(database.location).isEmpty, "no turn is half stored")
        try await store.close()
        try await database.drop()
    }

    /// Sessions whose rows disagree: a version that does not count one turn for each message in,
    /// or a message in without its reply. Empty when every turn was stored whole.
    static func halfStoredTurns(_ location: PostgresLocation) async throws -> [String] {
        let store = try await PostgresSessionStore.open(PostgresStoreConfiguration(location: location), logger: Fixtures.logger())
        let rows = try await store.withConnection { connection in
            let result = try await connection.query("""
                SELECT s.id FROM sessions AS s
                WHERE s.version <> 1 + (SELECT count(*) FROM messages WHERE session = s.id AND direction = 'in')
                   OR (SELECT count(*) FROM messages WHERE session = s.id AND direction = 'out')
                      <> 1 + (SELECT count(*) FROM messages WHERE session = s.id AND direction = 'in')
                """, logger: Fixtures.logger())
            var ids: [String] = []
            for try await id in result.decode(String.self) { ids.append(id) }
            return ids
        }
        try await store.close()
        return rows
    }

    /// One customer: opens a session, then sends its messages one at a time, each to a daemon
    /// picked at random. A message whose daemon cannot be connected to goes to another (it was
    /// never sent); one whose answer is lost or an error is given up (it may be stored once).
    private static func customer(_ index: Int, messages: Int, sockets: [String], acknowledged: Milestone) async throws -> ClientLog {
        var random = SplitMix(seed: UInt64(index) &* 0x9E37_79B9_7F4A_7C15 &+ 1)
        var clients: [Int: HelplineClient] = [:]
        defer {
            let open = Array(clients.values)
            Task { for client in open { await client.disconnect() } }
        }
        func client(_ daemon: Int) async -> HelplineClient? {
            if let client = clients[daemon] { return client }
            guard let client = try? await HelplineClient.connect(to: sockets[daemon]) else { return nil }
            clients[daemon] = client
            return client
        }
        func forget(_ daemon: Int) async {
            await clients.removeValue(forKey: daemon)?.disconnect()
        }

        var session: String?
        for _ in 0..<200 where session == nil {
            let daemon = Int(random.next() % UInt64(sockets.count))
            guard let connection = await client(daemon) else { continue }
            do {
                let opened = try await connection.open(profile: Fixtures.profile)
                session = opened.ok ? opened.session : nil
            } catch {
                await forget(daemon)
            }
        }
        guard let session else { throw TestFailure("customer \(index) could not open a session") }

        var log = ClientLog(session: session)
        for message in 0..<messages {
            let text = "Клиент \(index), сообщение \(message): где мой заказ?"
            for _ in 0..<200 {
                let daemon = Int(random.next() % UInt64(sockets.count))
                guard let connection = await client(daemon) else { continue }
                do {
                    let answer = try await connection.say(session: session, text: text)
                    if answer.ok {
                        log.acknowledged.append(text)
                        acknowledged.increment()
                    } else {
                        log.unknown.append(text)
                    }
                } catch {
                    await forget(daemon)
                    log.unknown.append(text)
                }
                break
            }
        }
        return log
    }
}

/// A small seeded generator, so that a failing run can be replayed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
