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
import Testing

/// A daemon whose PostgreSQL server stops, hangs or crashes: requests answer `unavailable` (a
/// retryable error) instead of hanging or failing vaguely, nothing is half stored, and the daemon
/// reconnects by itself once the server is back, saying so in its log. Each test runs its own
/// cluster, which it stops and starts.
@Suite(.serialized)
struct PostgresFaultTests {
    /// The daemon's arguments: a short timeout, so that the tests do not wait long for it.
    static let arguments = ["--db-timeout", "1", "--db-pool", "2"]

    /// PostgreSQL stopped: turns answer `unavailable` and are not stored; the log says the server
    /// cannot be reached. Started again: the log says the daemon reconnected, and the conversation
    /// goes on from its last answered turn.
    @Test(.enabled(if: Fixtures.postgresRuns, Fixtures.skipped))
    func answersUnavailableWhileStoppedAndReconnects() async throws {
        let cluster = try await Fixtures.ownCluster()
        defer { cluster.destroy() }
        let database = try await PostgresTestServer(cluster: cluster).makeDatabase()
        let directory = try TemporaryDirectory()
        let daemon = try await ServeProcess.start(socket: directory.socketPath, database: database.url, arguments: Self.arguments)
        let client = try await HelplineClient.connect(to: daemon.socketPath)
        let session = try #require(try await client.open(profile: Fixtures.profile).session)
        #expect(try await client.say(session: session, text: "доставка").ok)

        try await cluster.stop("fast")
        let refused = try await client.say(session: session, text: "1")
        #expect(refused.errorCode == .unavailable)
        #expect(refused.error?.message.contains("try again") == true)
        #expect(try await client.open(profile: Fixtures.profile).errorCode == .unavailable)
        #expect(try await client.ping().pong, "the daemon itself still answers")
        try await daemon.waitForOutput("PostgreSQL cannot be reached")

        try await cluster.start()
        try await daemon.waitForOutput("reconnected to PostgreSQL")
        let answer = try await client.say(session: session, text: "1")
        #expect(answer.ok)
        #expect(answer.state == .write, "the turn applies where the last answered one left the conversation")

        await client.disconnect()
        #expect(try await daemon.stop() == 0)
        let store = try await PostgresSessionStore.open(PostgresStoreConfiguration(location: database.location),
                                                        logger: Fixtures.logger())
        let incoming = try await store.messages(session: session).filter { $0.direction == .incoming }.map(\.text)
        #expect(incoming == ["доставка", "1"], "the refused turn was not stored")
        try await store.close()
        #expect(!daemon.stderr.contains(session), "session ids stay out of the log")
    }

    /// PostgreSQL hangs (its processes stopped with SIGSTOP): a turn answers `unavailable` after
    /// the timeout instead of hanging. Once it runs again, the conversation goes on, and the turn
    /// that timed out is stored whole or not at all.
    @Test(.enabled(if: Fixtures.postgresRuns, Fixtures.skipped))
    func answersUnavailableWhenTheServerHangs() async throws {
        let cluster = try await Fixtures.ownCluster()
        defer { cluster.destroy() }
        let database = try await PostgresTestServer(cluster: cluster).makeDatabase()
        let directory = try TemporaryDirectory()
        let daemon = try await ServeProcess.start(socket: directory.socketPath, database: database.url, arguments: Self.arguments)
        let client = try await HelplineClient.connect(to: daemon.socketPath)
        let session = try #require(try await client.open(profile: Fixtures.profile).session)

        try cluster.signal(SIGSTOP)
        let started = ContinuousClock.now
        let refused = try await client.say(session: session, text: "доставка")
        let waited = ContinuousClock.now - started
        try cluster.signal(SIGCONT)
        #expect(refused.errorCode == .unavailable)
        #expect(waited < .seconds(10), "answered after the 1 s timeout, not held")

        // The next turn applies to whatever was stored: the timed-out turn is either in or out.
        var answer = try await client.say(session: session, text: "доставка")
        if answer.errorCode == .unavailable { answer = try await client.say(session: session, text: "доставка") }
        #expect(answer.ok)
        await client.disconnect()
        #expect(try await daemon.stop() == 0)
        #expect(try await MultiDaemonTests.halfStoredTurns(database.location).isEmpty)
    }

    /// PostgreSQL crashes (`pg_ctl stop -m immediate`) under load from several customers and
    /// restarts: every answered turn is stored, nothing is half stored, the daemon says when it has
    /// reconnected, and after the restart turns are answered again without restarting the daemon.
    @Test(.enabled(if: Fixtures.postgresRuns, Fixtures.skipped))
    func survivesAServerCrashUnderLoad() async throws {
        let cluster = try await Fixtures.ownCluster()
        defer { cluster.destroy() }
        let database = try await PostgresTestServer(cluster: cluster).makeDatabase()
        let directory = try TemporaryDirectory()
        let daemon = try await ServeProcess.start(socket: directory.socketPath, database: database.url, arguments: Self.arguments)
        let answered = Milestone()
        let stopped = Milestone()

        // The server stays down until the daemon has met the crash (a turn failed and the log
        // says so): the pool may otherwise reconnect to a quickly restarted server before any
        // turn notices, however fast the turns go.
        let crash = Task {
            await answered.reached(60)
            try await cluster.stop("immediate")
            stopped.increment()
            try await daemon.waitForOutput("PostgreSQL cannot be reached")
            try await cluster.start()
        }
        let logs = try await withThrowingTaskGroup(of: MultiDaemonTests.ClientLog.self) { group in
            for customer in 0..<20 {
                group.addTask {
                    let client = try await HelplineClient.connect(to: daemon.socketPath)
                    var session: String?
                    for _ in 0..<100 where session == nil {
                        session = try await client.open(profile: Fixtures.profile).session
                    }
                    var log = MultiDaemonTests.ClientLog(session: try #require(session))
                    // Twelve messages, then three more once the server is down.
                    for message in 0..<15 {
                        if message == 12 { await stopped.reached(1) }
                        let text = "Клиент \(customer), сообщение \(message)"
                        let answer = try await client.say(session: log.session, text: text)
                        if answer.ok {
                            log.acknowledged.append(text)
                            answered.increment()
                        } else {
                            #expect(answer.errorCode == .unavailable || answer.errorCode == .conflict, "\(answer)")
                            log.unknown.append(text)
                        }
                    }
                    await client.disconnect()
                    return log
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        try await crash.value
        try await daemon.waitForOutput("reconnected to PostgreSQL")
        let client = try await HelplineClient.connect(to: daemon.socketPath)
        #expect(try await client.say(session: logs[0].session, text: "меню").ok, "served again after the restart")
        await client.disconnect()
        #expect(try await daemon.stop() == 0)

        let store = try await PostgresSessionStore.open(PostgresStoreConfiguration(location: database.location),
                                                        logger: Fixtures.logger())
        for log in logs.dropFirst() {
            let stored = try await store.messages(session: log.session).filter { $0.direction == .incoming }.map(\.text)
            #expect(stored.filter { log.acknowledged.contains($0) } == log.acknowledged, "every answered turn is stored")
            #expect(Set(stored).count == stored.count)
        }
        try await store.close()
        #expect(try await MultiDaemonTests.halfStoredTurns(database.location).isEmpty)
    }

    /// A daemon started while PostgreSQL is down says so within its `--db-timeout` and exits with
    /// status 1.
    @Test(.enabled(if: Fixtures.postgresRuns, Fixtures.skipped))
    func refusesToStartWithoutItsDatabase() async throws {
        let cluster = try await Fixtures.ownCluster()
        defer { cluster.destroy() }
        let database = try await PostgresTestServer(cluster: cluster).makeDatabase()
        try await cluster.stop("fast")
        let directory = try TemporaryDirectory()
        let daemon = try await ServeProcess.start(socket: directory.socketPath, database: database.url,
                                                  arguments: Self.arguments, waitForReady: false)
        #expect(try await daemon.waitForExit() == 1)
        #expect(daemon.stderr.contains("cannot open postgresql://helpline@/"))
        #expect(daemon.stderr.contains("no answer from PostgreSQL within 1000 ms"), "gave up after --db-timeout 1")
        #expect(!daemon.stderr.contains("ready on"))
    }
}
