#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import HelplineBench
import HelplineDialogue
import HelplineIntents
import HelplineServer
import Histogram
import Logging
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

/// A folder under /tmp (socket paths must stay short), removed when dropped.
final class Scratch: Sendable {
    let url: URL

    init() throws {
        var template = Array("/tmp/hlb-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw CancellationError() }
        url = URL(fileURLWithPath: String(cString: made))
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// Runs `body` against a daemon in this process, then stops it.
func withDaemon<T>(_ body: (HelplineDaemon) async throws -> T) async throws -> T {
    let scratch = try Scratch()
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    let daemon = try HelplineDaemon(
        configuration: ServerConfiguration(socketPath: scratch.path("d.sock"), databasePath: scratch.path("d.sqlite")),
        engine: Shared.engine, logger: logger
    )
    try await daemon.start()
    let running = Task { try await daemon.run() }
    do {
        let result = try await body(daemon)
        daemon.shutdown()
        try await running.value
        return result
    } catch {
        daemon.shutdown()
        _ = try? await running.value
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

    /// The echo mode times one round trip at a time through the bare echo server.
    @Test func echoRoundTrips() async throws {
        let scratch = try Scratch()
        let server = try await EchoServer.start(socketPath: scratch.path("e.sock"))
        let generator = LoadGenerator(script: CustomerScript(engine: Shared.engine), profile: Shared.profile)
        let line = generator.sampleSayLine()
        #expect(line.last == UInt8(ascii: "\n"))
        let report = try await LoadGenerator.echo(socketPath: server.socketPath, line: line, turns: 200, warmupTurns: 20)
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
        let scratch = try Scratch()
        let path = scratch.path("silent.sock")
        // A listener that accepts and never answers.
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        #expect(listen(listener, 8) == 0)
        let generator = LoadGenerator(script: CustomerScript(engine: Shared.engine), profile: Shared.profile)
        let configuration = LoadConfiguration(socketPath: path, connections: 1, inFlight: 1, turns: 10,
                                              timeLimit: .milliseconds(300))
        let (opened, errors, _) = try await generator.openSessions(configuration)
        #expect(opened == 0)
        #expect(errors >= 1)
    }
}
