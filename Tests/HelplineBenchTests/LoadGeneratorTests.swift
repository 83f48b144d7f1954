import Foundation
import HelplineBench
import HelplineDialogue
import HelplineIntents
import HelplineServer
import Histogram
import HelplineTesting
import Testing

/// The engine and customer the tests share (the data built into the binary).
enum Shared {
    static let engine: DialogueEngine = {
        do { return try DialogueEngine(bundle: .embedded) } catch { preconditionFailure("\(error)") }
    }()

    static let profile: Profile = {
        do { return try Profile.demo() } catch { preconditionFailure("\(error)") }
    }()
}

/// Runs `body` against a daemon in this process on the shared engine, then stops it.
func withDaemon<T>(_ body: (HelplineDaemon) async throws -> T) async throws -> T {
    let server = try await InProcessDaemon.start(engine: Shared.engine)
    do {
        let result = try await body(server.daemon)
        try await server.stop()
        return result
    } catch {
        try? await server.stop()
        throw error
    }
}

@Suite struct LoadGeneratorTests {
    /// A load run sends exactly the timed turns asked for, over every connection, without errors,
    /// and the daemon counts them (plus the warm-up) as turns of the sessions the run opened.
    @Test func runCountsTurnsAndSessions() async throws {
        try await withDaemon { daemon in
            let generator = LoadGenerator(script: CustomerScript(engine: Shared.engine), profile: Shared.profile)
            let configuration = LoadConfiguration(socketPath: daemon.configuration.socketPath, connections: 3,
                                                  inFlight: 2, turns: 300, warmupTurns: 60, sessions: 9)
            let report = try await generator.run(configuration)
            #expect(report.turns == 300)
            #expect(report.errors == 0, "\(report.errorCodes)")
            #expect(report.latency.count == 300)
            #expect(report.latency.p50 > 0 && report.latency.p50 <= report.latency.p99 && report.latency.p99 <= report.latency.max)
            #expect(report.turnsPerSecond > 0)
            let stats = daemon.service.stats()
            #expect(stats.turns == 360)
            #expect(stats.sessions == 9)
        }
    }

    /// Opening sessions leaves them open on the daemon, and too few sessions for the requests in
    /// flight are raised to one per request.
    @Test func openSessionsLeavesThemOpen() async throws {
        try await withDaemon { daemon in
            let generator = LoadGenerator(script: CustomerScript(engine: Shared.engine), profile: Shared.profile)
            let configuration = LoadConfiguration(socketPath: daemon.configuration.socketPath, connections: 4,
                                                  inFlight: 3, turns: 0, sessions: 5)
            #expect(configuration.sessions == 12)
            let (opened, errors, _) = try await generator.openSessions(configuration)
            #expect(opened == 12)
            #expect(errors == 0)
            #expect(daemon.service.stats().sessions == 12)
            #expect(daemon.service.stats().turns == 0)
        }
    }

    /// The daemon's answers to the load are real turns: the stored appeals show that simulated
    /// customers went all the way to a submitted appeal.
    @Test func customersReachAppeals() async throws {
        try await withDaemon { daemon in
            let generator = LoadGenerator(script: CustomerScript(engine: Shared.engine), profile: Shared.profile)
            let configuration = LoadConfiguration(socketPath: daemon.configuration.socketPath, connections: 1,
                                                  inFlight: 4, turns: 400, warmupTurns: 0, sessions: 4)
            let report = try await generator.run(configuration)
            #expect(report.errors == 0)
            #expect(daemon.service.stats().tickets > 0)
        }
    }

    /// A simulated customer whose session has filed all the appeals one session may starts a new
    /// chat, as a customer would: the run goes on without errors, in more sessions than it opened.
    @Test func customersStartANewChatWhenASessionIsFull() async throws {
        let server = try await InProcessDaemon.start(engine: Shared.engine) { $0.sessions.maximumAppealsPerSession = 2 }
        let generator = LoadGenerator(script: CustomerScript(engine: Shared.engine), profile: Shared.profile)
        let configuration = LoadConfiguration(socketPath: server.daemon.configuration.socketPath, connections: 1,
                                              inFlight: 1, turns: 300, warmupTurns: 0, sessions: 1)
        let report = try await generator.run(configuration)
        #expect(report.errors == 0, "\(report.errorCodes)")
        #expect(report.turns == 300)
        #expect(server.daemon.service.stats().sessions > 1)
        try await server.stop()
    }

    /// The echo mode times one round trip at a time through the bare echo server.
    @Test func echoRoundTrips() async throws {
        let scratch = try TemporaryDirectory()
        let server = try await EchoServer.start(socketPath: scratch.path("e.sock"))
        let generator = LoadGenerator(script: CustomerScript(engine: Shared.engine), profile: Shared.profile)
        let line = generator.sampleSayLine()
        #expect(line.last == UInt8(ascii: "\n"))
        let report = try await LoadGenerator.echo(LoadConfiguration(socketPath: server.socketPath, connections: 1, inFlight: 1,
                                                                    turns: 200, warmupTurns: 20), line: line)
        await server.stop()
        #expect(report.turns == 200)
        #expect(report.errors == 0)
        #expect(report.latency.count == 200)
    }

    /// A `say` line built from pieces is exactly what the protocol codec reads as that request.
    @Test func sampleSayLineDecodes() throws {
        let generator = LoadGenerator(script: CustomerScript(engine: Shared.engine), profile: Shared.profile)
        let line = generator.sampleSayLine().dropLast()
        let message = ProtocolCodec().decodeRequest(line)
        guard case .request(let request) = message, case .say(let session, let text) = request.command else {
            Issue.record("not a say request: \(message)")
            return
        }
        #expect(session == "0123456789abcdef01234567")
        #expect(text == generator.script.topicQuestions.first)
    }

    /// A client that never hears back is cut off by the time limit instead of hanging.
    @Test func timeLimitEndsARun() async throws {
        let scratch = try TemporaryDirectory()
        let path = scratch.path("silent.sock")
        // A listener that never accepts, so never answers.
        let listener = try UnixListener(path: path, backlog: 8)
        defer { listener.close() }
        let generator = LoadGenerator(script: CustomerScript(engine: Shared.engine), profile: Shared.profile)
        let configuration = LoadConfiguration(socketPath: path, connections: 1, inFlight: 1, turns: 10,
                                              timeLimit: .milliseconds(300))
        let (opened, errors, _) = try await generator.openSessions(configuration)
        #expect(opened == 0)
        #expect(errors >= 1)
    }
}
