#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import HelplineDialogue
import HelplineServer
import NIOConcurrencyHelpers
import HelplineTesting
import Testing

/// The daemon over a real Unix socket, in this process.
struct DaemonSocketTests {
    /// open → state → say → close answer with the documented fields, echo ids, and agree with each other.
    @Test func roundTripsARequestOfEachKind() async throws {
        let server = try await RunningDaemon.start()
        let client = try await server.client()

        let pong = try await client.ping(id: "p")
        #expect(pong.ok && pong.pong && pong.id == "p")

        let opened = try await client.open(profile: Fixtures.profile, id: 1)
        #expect(opened.ok)
        #expect(opened.id == 1)
        let session = try #require(opened.session)
        #expect(opened.state == .chooseTopic)
        #expect(!(opened.text ?? "").isEmpty)
        #expect(!opened.options.isEmpty)

        let state = try await client.state(session: session, id: 2)
        #expect(state.id == 2)
        #expect(state.reply == opened.reply, "state repeats the current reply")

        let turn = try await client.say(session: session, text: try #require(opened.options.first).key, id: 3)
        #expect(turn.ok && turn.session == session && turn.id == 3)
        #expect(try await client.state(session: session).reply == turn.reply)

        let stats = try #require(try await client.stats().stats)
        #expect(stats.sessions == 1)
        #expect(stats.turns == 1)
        #expect(stats.connections == 1)
        #expect(stats.rssBytes ?? 0 > 0)

        let closed = try await client.close(session: session, id: 4)
        #expect(closed.ok && closed.closed && closed.id == 4)
        #expect(try await client.state(session: session).errorCode == .unknownSession)
        #expect(try #require(try await client.stats().stats).sessions == 0)

        await client.disconnect()
        try await server.stop()
    }

    /// Every error code is answered, with the id when there is one, and the connection stays usable.
    @Test func answersEveryErrorCodeAndStaysUsable() async throws {
        let server = try await RunningDaemon.start { $0.sessions.maximumSessions = 1 }
        let connection = try RawConnection(path: server.socketPath)
        func expectError(_ line: [UInt8], _ code: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            try await connection.write(line + [UInt8(ascii: "\n")])
            #expect(try await connection.readErrorCode() == code, sourceLocation: sourceLocation)
            try await connection.write(#"{"op":"ping","id":"after"}"# + "\n")
            let pong = try await connection.readObject()
            #expect(pong["pong"] as? Bool == true && pong["id"] as? String == "after", "usable after \(code)", sourceLocation: sourceLocation)
        }
        try await expectError(Array("{nope".utf8), "bad_json")
        try await expectError([0x7B, 0xFF, 0x7D], "bad_utf8")
        try await expectError(Array(#"{"op":"say","session":"x"}"#.utf8), "bad_request")
        try await expectError(Array(#"{"op":"shout"}"#.utf8), "unknown_op")
        try await expectError(Array(#"{"op":"state","session":"no-such-session"}"#.utf8), "unknown_session")
        try await expectError(Array(repeating: UInt8(ascii: "a"), count: 200_000), "too_long")
        try await expectError(Array(#"{"op":"say","session":"x","text":"\#(String(repeating: "ы", count: 4_001))"}"#.utf8), "bad_request")

        let client = try await server.client()
        #expect(try await client.open(profile: Fixtures.profile).ok)
        try await expectError(Array(#"{"op":"open","user":{"id":"second"}}"#.utf8), "overloaded")

        try await connection.write(#"{"op":"shout","id":"n-1"}"# + "\n")
        let answer = try await connection.readObject()
        #expect(answer["id"] as? String == "n-1", "ids come back with errors too")
        await client.disconnect()
        try await server.stop()
    }

    /// Beyond the connection limit a client is told `overloaded` and let go; the others carry on.
    @Test func refusesConnectionsBeyondTheLimit() async throws {
        let server = try await RunningDaemon.start { $0.maximumConnections = 2 }
        let first = try RawConnection(path: server.socketPath)
        let second = try RawConnection(path: server.socketPath)
        try await first.write(#"{"op":"ping"}"# + "\n")
        try await second.write(#"{"op":"ping"}"# + "\n")
        #expect(try await first.readObject()["pong"] as? Bool == true)
        #expect(try await second.readObject()["pong"] as? Bool == true)
        let third = try RawConnection(path: server.socketPath)
        #expect(try await third.readErrorCode() == "overloaded")
        #expect(try await third.readLine() == nil, "the refused connection is closed")
        try await first.write(#"{"op":"ping"}"# + "\n")
        #expect(try await first.readObject()["pong"] as? Bool == true)
        try await server.stop()
    }

    /// 200 clients at once, each with its own session, all get their own answers.
    @Test func servesTwoHundredConcurrentClients() async throws {
        let server = try await RunningDaemon.start()
        let results = try await withThrowingTaskGroup(of: (String, [ProtocolReply]).self) { group in
            for index in 0..<200 {
                group.addTask {
                    let client = try await server.client()
                    let profile = Profile(id: "user-\(index)", name: "Клиент \(index)", orders: Fixtures.profile.orders)
                    let opened = try await client.open(profile: profile, id: .integer(Int64(index)))
                    let session = try #require(opened.session)
                    var answers = [opened]
                    answers.append(try await client.say(session: session, text: "где мой заказ", id: .integer(Int64(index))))
                    answers.append(try await client.state(session: session, id: .integer(Int64(index))))
                    await client.disconnect()
                    return (session, answers)
                }
            }
            var results: [(String, [ProtocolReply])] = []
            for try await result in group { results.append(result) }
            return results
        }
        #expect(results.count == 200)
        #expect(Set(results.map(\.0)).count == 200, "every client got its own session")
        for (session, answers) in results {
            #expect(answers.allSatisfy { $0.ok && $0.session == session })
            #expect(Set(answers.map(\.id)).count == 1, "ids stay with their client")
            #expect(answers[1].reply == answers[2].reply)
        }
        let stats = try #require(try await RawStats.fetch(server))
        #expect(stats.sessions == 200)
        #expect(stats.turns == 200)
        try await server.stop()
    }

    /// A session opened on one connection continues on another.
    @Test func resumesASessionOnANewConnection() async throws {
        let server = try await RunningDaemon.start()
        let first = try await server.client()
        let opened = try await first.open(profile: Fixtures.profile)
        let session = try #require(opened.session)
        let turn = try await first.say(session: session, text: try #require(opened.options.first).label)
        await first.disconnect()

        let second = try await server.client()
        let resumed = try await second.resume(session: session)
        #expect(resumed.ok && resumed.session == session)
        #expect(resumed.reply == turn.reply, "resume repeats the current prompt")
        #expect(try await second.say(session: session, text: "1").ok)
        #expect(try await second.resume(session: "not-a-session").errorCode == .unknownSession)
        await second.disconnect()
        try await server.stop()
    }

    /// Requests pipelined on one connection, for several sessions, are answered in order.
    @Test func answersPipelinedRequestsInOrder() async throws {
        let server = try await RunningDaemon.start()
        let client = try await server.client()
        var sessions: [String] = []
        for _ in 0..<5 {
            sessions.append(try #require(try await client.open(profile: Fixtures.profile).session))
        }
        let connection = try RawConnection(path: server.socketPath)
        var batch = ""
        for index in 0..<100 {
            let session = sessions[index % sessions.count]
            batch += index % 3 == 0
                ? #"{"op":"state","session":"\#(session)","id":\#(index)}"# + "\n"
                : #"{"op":"say","session":"\#(session)","text":"доставка","id":\#(index)}"# + "\n"
        }
        try await connection.write(batch)
        for index in 0..<100 {
            let answer = try await connection.readObject()
            #expect(answer["id"] as? Int == index)
            #expect(answer["session"] as? String == sessions[index % sessions.count])
        }
        await client.disconnect()
        try await server.stop()
    }

    /// Two connections saying things to one session at once never lose or mix up a turn.
    @Test func serializesOneSessionAcrossConnections() async throws {
        let server = try await RunningDaemon.start()
        let opener = try await server.client()
        let session = try #require(try await opener.open(profile: Fixtures.profile).session)
        let turnsEach = 25
        try await withThrowingTaskGroup(of: Void.self) { group in
            for side in 0..<2 {
                group.addTask {
                    let client = try await server.client()
                    for turn in 0..<turnsEach {
                        let answer = try await client.say(session: session, text: "сообщение \(side)-\(turn)")
                        #expect(answer.ok, "turn \(side)-\(turn): \(answer.error?.description ?? "")")
                    }
                    await client.disconnect()
                }
            }
            try await group.waitForAll()
        }
        let messages = try server.daemon.store.messages(session: session)
        #expect(messages.count == 1 + 2 * 2 * turnsEach, "greeting plus every turn's message in and reply out")
        let incoming = messages.filter { $0.direction == .incoming }.map(\.text)
        for side in 0..<2 {
            let own = incoming.filter { $0.hasPrefix("сообщение \(side)-") }
            #expect(own == (0..<turnsEach).map { "сообщение \(side)-\($0)" }, "each connection's turns in its order")
        }
        #expect(try #require(try await opener.stats().stats).turns == 2 * turnsEach)
        await opener.disconnect()
        try await server.stop()
    }

    /// A client that half-closes after sending (as socat does) still gets every answer.
    @Test func answersAHalfClosedClient() async throws {
        let server = try await RunningDaemon.start()
        let connection = try RawConnection(path: server.socketPath)
        var batch = ""
        for index in 0..<300 { batch += #"{"op":"stats","id":\#(index)}"# + "\r\n" }
        try await connection.write(batch)
        connection.halfClose()
        var ids: [Int] = []
        while let line = try await connection.readLine() {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            if let id = object?["id"] as? Int { ids.append(id) }
        }
        #expect(ids == Array(0..<300))
        try await server.stop()
    }

    /// A client that sends without reading stops being read from once its answers back up;
    /// it gets them all when it reads; meanwhile others are served.
    @Test func appliesBackpressureToAClientThatDoesNotRead() async throws {
        let server = try await RunningDaemon.start()
        let greedy = try RawConnection(path: server.socketPath)
        let request = Array((#"{"op":"stats"}"# + "\n").utf8)
        // The socket's buffers fill up once the daemon stops reading; a reading daemon would keep taking bytes.
        let (sent, blocked) = try await greedy.sendUntilBlocked(request)
        #expect(blocked, "the daemon stopped reading from a client that does not read its answers")

        let other = try await server.client()
        #expect(try await other.ping().pong, "other clients are still served")
        await other.disconnect()

        greedy.halfClose()
        var answers = 0
        while let line = try await greedy.readLine() {
            if line.contains(#""stats""#) { answers += 1 }
        }
        #expect(answers == sent, "every request is answered once the client reads")
        try await server.stop()
    }

    /// The socket file is private (0600) unless a wider mode is asked for.
    @Test func setsTheSocketFileMode() async throws {
        let privateServer = try await RunningDaemon.start()
        #expect(try Self.mode(privateServer.socketPath) == 0o600)
        try await privateServer.stop()

        let groupServer = try await RunningDaemon.start { $0.socketMode = 0o660 }
        #expect(try Self.mode(groupServer.socketPath) == 0o660)
        try await groupServer.stop()
    }

    /// A socket file left by a daemon that died is replaced; graceful shutdown removes the file.
    @Test func replacesAStaleSocketAndRemovesItsOwnOnShutdown() async throws {
        let directory = try Fixtures.temporaryDirectory()
        try Self.makeStaleSocket(at: directory.socketPath)
        #expect(FileManager.default.fileExists(atPath: directory.socketPath))
        #expect(throws: (any Error).self) { try RawConnection(path: directory.socketPath) }

        let server = try await RunningDaemon.start(in: directory)
        let client = try await server.client()
        #expect(try await client.ping().pong)
        await client.disconnect()
        try await server.stop()
        #expect(!FileManager.default.fileExists(atPath: directory.socketPath))
    }

    /// A socket another daemon answers on is left alone, and the second daemon refuses to start.
    @Test func leavesALiveSocketAlone() async throws {
        let first = try await RunningDaemon.start()
        let otherState = try Fixtures.temporaryDirectory()
        let second = try HelplineDaemon(
            configuration: ServerConfiguration(socketPath: first.socketPath, databasePath: otherState.databasePath),
            engine: try Fixtures.engine())
        await #expect { try await second.start() } throws: { error in
            (error as? DaemonError)?.message.contains("already serving") == true
        }
        let client = try await first.client()
        #expect(try await client.ping().pong, "the first daemon still answers")
        await client.disconnect()
        try await first.stop()
    }

    /// A path that holds something other than a socket is never removed.
    @Test func refusesAPathThatIsNotASocket() async throws {
        let directory = try Fixtures.temporaryDirectory()
        try Data("precious".utf8).write(to: URL(fileURLWithPath: directory.socketPath))
        let daemon = try HelplineDaemon(
            configuration: ServerConfiguration(socketPath: directory.socketPath, databasePath: directory.databasePath),
            engine: try Fixtures.engine())
        await #expect { try await daemon.start() } throws: { error in
            (error as? DaemonError)?.message.contains("is not a socket; remove it or choose another --socket") == true
        }
        #expect(try String(contentsOfFile: directory.socketPath, encoding: .utf8) == "precious")
        // The daemon that could not start leaves its database as a stopped one does: the log
        // moved into the file, no journal segment left.
        await daemon.closeUnstarted()
        let wal = try FileManager.default.attributesOfItem(atPath: directory.databasePath + "-wal")[.size] as? Int
        #expect(wal == 0)
        let folder = URL(fileURLWithPath: directory.databasePath).deletingLastPathComponent().path
        let segments = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains("-turns.") && !$0.hasSuffix(".lock") }
        #expect(segments.isEmpty, "\(segments)")
    }

    /// The messages name the option at fault: `--desk-socket` for the desk's path, and a socket
    /// in a folder that does not exist is said to be so.
    @Test func socketPathErrorsNameTheirOption() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let deskPath = directory.url.path + "/desk-file"
        try Data("precious".utf8).write(to: URL(fileURLWithPath: deskPath))
        var configuration = ServerConfiguration(socketPath: directory.socketPath, databasePath: directory.databasePath)
        configuration.deskSocketPath = deskPath
        let withDesk = try HelplineDaemon(configuration: configuration, engine: try Fixtures.engine(),
                                          deskRules: try WorkingTree.deskRules())
        await #expect { try await withDesk.start() } throws: { error in
            (error as? DaemonError)?.message.contains("choose another --desk-socket") == true
        }
        try withDesk.store.close()

        let missing = directory.url.path + "/no-such-folder/s.sock"
        let nowhere = try HelplineDaemon(
            configuration: ServerConfiguration(socketPath: missing, databasePath: directory.url.path + "/other.sqlite"),
            engine: try Fixtures.engine())
        await #expect { try await nowhere.start() } throws: { error in
            (error as? DaemonError)?.message == "the folder of --socket \(missing) does not exist; create it or choose another --socket"
        }
        try nowhere.store.close()
    }

    /// A socket path over the limit (103 bytes: SwiftNIO's, on every system) is refused with a
    /// message that names the limit; a path of exactly the limit works.
    @Test func namesTheRealSocketPathLimit() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let prefix = directory.url.path + "/"
        let limit = 103
        func path(bytes: Int) -> String { prefix + String(repeating: "s", count: bytes - prefix.utf8.count) }
        let tooLong = try HelplineDaemon(
            configuration: ServerConfiguration(socketPath: path(bytes: limit + 1), databasePath: directory.databasePath),
            engine: try Fixtures.engine())
        await #expect { try await tooLong.start() } throws: { error in
            let message = (error as? DaemonError)?.message ?? ""
            return message.contains("at most \(limit) bytes") && message.contains("\(limit + 1) bytes long")
        }
        try tooLong.store.close()

        let server = try await RunningDaemon.start(in: directory) { $0.socketPath = path(bytes: limit) }
        let client = try await server.client()
        #expect(try await client.ping().pong)
        await client.disconnect()
        try await server.stop()
    }

    /// Sessions live in the database: a new daemon on the same database continues them.
    @Test func continuesSessionsAfterARestart() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let first = try await RunningDaemon.start(in: directory)
        var client = try await first.client()
        let opened = try await client.open(profile: Fixtures.profile)
        let session = try #require(opened.session)
        let turn = try await client.say(session: session, text: try #require(opened.options.first).key)
        await client.disconnect()
        try await first.stop()

        let second = try await RunningDaemon.start(in: directory)
        client = try await second.client()
        let resumed = try await client.resume(session: session)
        #expect(resumed.reply == turn.reply)
        #expect(try #require(try await client.stats().stats).sessions == 1)
        await client.disconnect()
        try await second.stop()
    }

    /// An idle session expires after the TTL (its messages go), while a used one stays.
    @Test func expiresIdleSessions() async throws {
        let clock = TestClock()
        let server = try await RunningDaemon.start(clock: clock) {
            $0.sessions.sessionTTL = 3_600
        }
        let client = try await server.client()
        let idle = try #require(try await client.open(profile: Fixtures.profile).session)
        let busy = try #require(try await client.open(profile: Fixtures.profile).session)
        clock.advance(by: 3_000)
        #expect(try await client.state(session: busy).ok)
        #expect(try await client.resume(session: busy).ok, "resume marks the session used")
        clock.advance(by: 1_000)

        #expect(try await client.state(session: idle).errorCode == .unknownSession)
        #expect(try await client.state(session: busy).ok)
        await server.daemon.service.sweep()
        #expect(try !server.daemon.store.hasSession(idle))
        #expect(try server.daemon.store.messages(session: idle).isEmpty)
        #expect(try server.daemon.store.hasSession(busy))
        #expect(try #require(try await client.stats().stats).sessions == 1)
        await client.disconnect()
        try await server.stop()
    }

    /// A client that only polls `state` keeps its session alive: past an eighth of the lifetime
    /// a poll marks the session used, so it does not expire a lifetime after it was opened.
    @Test func pollingStateKeepsASessionAlive() async throws {
        let clock = TestClock()
        let server = try await RunningDaemon.start(clock: clock) { $0.sessions.sessionTTL = 3_600 }
        let client = try await server.client()
        let polled = try #require(try await client.open(profile: Fixtures.profile).session)
        clock.advance(by: 2_000)
        #expect(try await client.state(session: polled).ok)
        clock.advance(by: 2_000)
        #expect(try await client.state(session: polled).ok, "4,000 s after it opened, 2,000 s after the last poll")
        await server.daemon.service.sweep()
        #expect(try server.daemon.store.hasSession(polled))
        await client.disconnect()
        try await server.stop()
    }

    /// Sessions opened and left, with a turn or without, cannot hold the daemon at its session
    /// limit for a whole session lifetime: near the limit, the sweep deletes those that filed no
    /// appeal once unused for `unusedSessionTTL`, and new customers get in again; a session with an
    /// appeal stays.
    @Test func sessionsWithoutAppealsMakeRoomNearTheLimit() async throws {
        let clock = TestClock()
        let server = try await RunningDaemon.start(clock: clock) {
            $0.sessions.maximumSessions = 10
            $0.sessions.unusedSessionTTL = 600
        }
        let client = try await server.client()
        let appealed = try #require(try await client.open(profile: Fixtures.profile).session)
        for text in ["доставка", "1", "Курьер не приехал, прошу разобраться"] {
            #expect(try await client.say(session: appealed, text: text).ok)
        }
        let talked = try #require(try await client.open(profile: Fixtures.profile).session)
        #expect(try await client.say(session: talked, text: "доставка").ok)
        for _ in 0..<8 { #expect(try await client.open(profile: Fixtures.profile).ok) }
        #expect(try await client.open(profile: Fixtures.profile).errorCode == .overloaded)
        clock.advance(by: 300)
        await server.daemon.service.sweep()
        #expect(try await client.open(profile: Fixtures.profile).errorCode == .overloaded, "not unused for long enough")
        clock.advance(by: 400)
        await server.daemon.service.sweep()
        #expect(try await client.open(profile: Fixtures.profile).ok, "room again")
        #expect(try server.daemon.store.hasSession(appealed))
        #expect(try !server.daemon.store.hasSession(talked))
        #expect(try #require(try await client.stats().stats).sessions == 2)
        await client.disconnect()
        try await server.stop()
    }

    // MARK: Helpers

    private static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int)
    }

    /// Binds a socket and closes it without removing the file, as a killed daemon leaves it.
    static func makeStaleSocket(at path: String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        close(fd)
        guard bound == 0 else { throw TestFailure("bind failed") }
    }
}

/// Reads `stats` on a fresh connection.
enum RawStats {
    static func fetch(_ server: RunningDaemon) async throws -> ServerStats? {
        let client = try await server.client()
        defer { Task { await client.disconnect() } }
        return try await client.stats().stats
    }
}

/// Connection housekeeping and the client's own behaviour.
struct ConnectionTests {
    /// With an idle timeout, a connection that sends nothing is closed; without one it stays.
    @Test func closesSilentConnectionsWhenAskedTo() async throws {
        let server = try await RunningDaemon.start { $0.idleTimeout = 0.3 }
        let connection = try RawConnection(path: server.socketPath)
        #expect(try await connection.readLine() == nil, "closed after the idle timeout")
        try await server.stop()
    }

    /// A client whose answers stay unread past the stall timeout is disconnected.
    @Test func disconnectsAClientThatStopsReading() async throws {
        let server = try await RunningDaemon.start { $0.writeStallTimeout = 0.3 }
        let stalled = try RawConnection(path: server.socketPath)
        let request = Array((#"{"op":"stats"}"# + "\n").utf8)
        // Keep sending until the daemon stops taking requests: its answers have backed up. A busy
        // daemon may pause reading for a while without being stalled, so the sending is topped up
        // until the connection is gone: a daemon still reading takes more, a stalled one none.
        var sent = try await stalled.sendUntilBlocked(request).sent
        let watcher = try await server.client()
        let deadline = ContinuousClock.now + .seconds(60)
        while try #require(try await watcher.stats().stats).connections > 1, ContinuousClock.now < deadline {
            sent += try await stalled.sendUntilBlocked(request).sent
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try #require(try await watcher.stats().stats).connections == 1, "the stalled connection was closed")
        var answers = 0
        while try await stalled.readLine() != nil { answers += 1 }
        #expect(answers < sent, "answers not yet taken were dropped with the connection")
        await watcher.disconnect()
        try await server.stop()
    }

    /// Many tasks sharing one client each get the answer to their own request.
    @Test func sharesOneClientBetweenTasks() async throws {
        let server = try await RunningDaemon.start()
        let client = try await server.client()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let answer = index.isMultiple(of: 2)
                        ? try await client.ping(id: .integer(Int64(index)))
                        : try await client.state(session: "missing-\(index)", id: .integer(Int64(index)))
                    #expect(answer.id == .integer(Int64(index)))
                    #expect(answer.ok == index.isMultiple(of: 2))
                }
            }
            try await group.waitForAll()
        }
        await client.disconnect()
        await #expect(throws: HelplineClientError.self) { try await client.ping() }
        try await server.stop()
    }

    /// Calls waiting on a client fail, rather than hang, when the daemon goes away.
    @Test func failsPendingCallsWhenTheDaemonStops() async throws {
        let server = try await RunningDaemon.start()
        let client = try await server.client()
        #expect(try await client.ping().pong)
        try await server.stop()
        await #expect(throws: HelplineClientError.self) { try await client.ping() }
    }
}
