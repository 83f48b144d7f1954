#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import HelplineServer
import HelplineTesting
import Testing
@testable import HelplineBench

@Suite struct PlainEchoServerTests {
    /// Every complete line goes back as it came, however the bytes are cut into writes: a line
    /// split over two writes, several lines in one, a line longer than the read buffer; a partial
    /// line at the end is not echoed.
    @Test func echoesEachCompleteLine() async throws {
        var pair: [Int32] = [0, 0]
        #if canImport(Glibc)
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        #else
        #expect(socketpair(AF_UNIX, SOCK_STREAM, 0, &pair) == 0)
        #endif
        let (client, server) = (pair[0], pair[1])
        Thread.detachNewThread {
            PlainEchoServer.echoLines(on: server)
            close(server)
        }
        let long = String(repeating: "д", count: 50_000) + "\n"
        let writes = ["a\nbb", "b\nc\nd\n", long, "unfinished"]
        Thread.detachNewThread {
            for text in writes {
                _ = Array(text.utf8).withUnsafeBytes { PlainEchoServer.writeAll(client, $0) }
            }
            shutdown(client, Int32(SHUT_WR))
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(client, $0.baseAddress!, $0.count) }
            guard count > 0 else { break }
            received += chunk[..<count]
        }
        close(client)
        #expect(String(decoding: received, as: UTF8.self) == "a\nbbb\nc\nd\n" + long)
    }

    /// Many connections with many lines in flight each get every line back, timed one by one.
    @Test func servesPipelinedConnections() async throws {
        let scratch = try TemporaryDirectory()
        let server = try PlainEchoServer.start(socketPath: scratch.path("plain.sock"))
        let line = Array(#"{"op":"say","session":"s","text":"где мой заказ"}"#.utf8) + [10]
        let report = try await LoadGenerator.echo(LoadConfiguration(socketPath: server.socketPath, connections: 4, inFlight: 8,
                                                                    turns: 400, warmupTurns: 40), line: line)
        server.stop()
        await server.waitUntilStopped()
        #expect(report.turns == 400)
        #expect(report.errors == 0)
        #expect(report.latency.count == 400)
        #expect(report.connections == 4 && report.inFlight == 8)
        #expect(!FileManager.default.fileExists(atPath: scratch.path("plain.sock")))
    }

    /// The NIO echo server answers pipelined lines the same way, so the two yardsticks compare.
    @Test func nioEchoTakesTheSameLoad() async throws {
        let scratch = try TemporaryDirectory()
        let server = try await EchoServer.start(socketPath: scratch.path("nio.sock"))
        let report = try await LoadGenerator.echo(LoadConfiguration(socketPath: server.socketPath, connections: 3, inFlight: 5,
                                                                    turns: 300, warmupTurns: 0), line: Array("ping\n".utf8))
        await server.stop()
        #expect(report.turns == 300)
        #expect(report.errors == 0)
    }
}

@Suite struct RoundsTests {
    /// The median is the middle value, or the mean of the two middle ones.
    @Test func medians() {
        #expect(Rounds.median([3, 1, 2]) == 2)
        #expect(Rounds.median([4, 1, 3, 2]) == 2.5)
        #expect(Rounds.median([]) == 0)
    }

    /// Measurements take turns round by round, and each one's rounds stay together in order.
    @Test func interleavesMeasurements() async throws {
        let order = Order()
        func report(_ perSecond: Double) -> LoadReport {
            LoadReport(connections: 1, inFlight: 1, sessions: 0, turns: 1, errors: 0, errorCodes: [:], seconds: 1,
                       turnsPerSecond: perSecond, latency: LatencySummary(LatencySummary.makeHistogram()), openSeconds: 0)
        }
        let rounds = try await Rounds.interleaved(3, [
            { await order.append("a"); return report(Double(await order.count)) },
            { await order.append("b"); return report(10) },
        ])
        #expect(await order.names == ["a", "b", "a", "b", "a", "b"])
        #expect(rounds[0].runs.map(\.turnsPerSecond) == [1, 3, 5])
        #expect(rounds[0].perSecond == 3)
        #expect(rounds[1].perSecond == 10)
    }

    private actor Order {
        var names: [String] = []
        var count: Int { names.count }
        func append(_ name: String) { names.append(name) }
    }
}

@Suite struct DaemonBenchTests {
    /// Against a daemon already running, each configuration runs every round on the daemon and on
    /// the yardstick, the ratios follow from the medians, and the daemon's counters are read; no
    /// processor time or readiness is claimed for a daemon the bench did not start.
    @Test func measuresARunningDaemonBesideTheYardstick() async throws {
        let daemon = try await InProcessDaemon.start(engine: Shared.engine)
        let yardstick = try PlainEchoServer.start(socketPath: daemon.directory.path("echo.sock"))
        let generator = LoadGenerator(script: CustomerScript(engine: Shared.engine), profile: Shared.profile)
        let bench = DaemonBench(
            generator: generator, rounds: 2,
            latency: LoadConfiguration(socketPath: "", connections: 1, inFlight: 1, turns: 30, warmupTurns: 5),
            throughput: LoadConfiguration(socketPath: "", connections: 2, inFlight: 3, turns: 60, warmupTurns: 10)
        )
        let report = try await bench.run(.running(socketPath: daemon.socketPath), yardstickSocket: yardstick.socketPath)
        yardstick.stop()
        try await daemon.stop()
        #expect(report.latency.measured.runs.map(\.turns) == [30, 30])
        #expect(report.latency.yardstick.runs.map(\.turns) == [30, 30])
        #expect(report.throughput.measured.runs.map(\.turns) == [60, 60])
        #expect(report.throughput.yardstick.runs.map(\.turns) == [60, 60])
        #expect(report.latency.measured.errors == 0 && report.throughput.measured.errors == 0)
        #expect(report.latency.p50Ratio == report.latency.measured.latency.p50 / report.latency.yardstick.latency.p50)
        #expect(report.throughput.perSecondRatio == report.throughput.measured.perSecond / report.throughput.yardstick.perSecond)
        #expect(report.daemon.turns == 2 * (30 + 5) + 2 * (60 + 10))
        #expect(report.latency.cpuPerTurn == nil && report.readyMilliseconds == nil)
    }
}

@Suite struct ChildServerTests {
    /// The plain echo server as `helpline bench` starts it, a child process of the built binary:
    /// ready when it says so, answering, ended by SIGTERM, its processor time known once it ended.
    @Test func echoChildStopsAndTellsItsProcessorTime() async throws {
        let scratch = try TemporaryDirectory()
        let socketPath = scratch.path("echo.sock")
        let child = try await ChildServer.launch(executable: try HelplineExecutable.url().path,
                                                 arguments: ["bench", "serve-echo", "--socket", socketPath, "--server", "plain"])
        #expect(child.readyMilliseconds > 0)
        let report = try await LoadGenerator.echo(LoadConfiguration(socketPath: socketPath, connections: 1, inFlight: 1,
                                                                    turns: 50, warmupTurns: 0), line: Array("ping\n".utf8))
        let exit = await child.stop()
        #expect(report.turns == 50 && report.errors == 0)
        #expect(exit.status == SIGTERM)
        #expect(exit.cpuSeconds > 0)
    }

    /// A bench's children stop by themselves when the bench is gone (its end of their standard
    /// input closed, as when it is killed): the echo server at once, the daemon by its graceful
    /// shutdown, removing its socket.
    @Test func childrenStopWhenTheBenchIsGone() async throws {
        let scratch = try TemporaryDirectory()
        let executable = try HelplineExecutable.url().path
        let echo = try await ChildServer.launch(executable: executable,
                                                arguments: ["bench", "serve-echo", "--socket", scratch.path("echo.sock")])
        let daemonSocket = scratch.path("helpline.sock")
        let daemon = try await ChildServer.launch(executable: executable, arguments: [
            "serve", "--socket", daemonSocket, "--db", scratch.path("helpline.sqlite"), "--log-level", "error",
        ])
        #expect(FileManager.default.fileExists(atPath: daemonSocket))
        let echoExit = await echo.dropLifeline()
        let daemonExit = await daemon.dropLifeline()
        #expect(echoExit.status == SIGTERM)
        #expect(daemonExit.status == 0)
        #expect(!FileManager.default.fileExists(atPath: daemonSocket), "the daemon shut down as on SIGTERM")
    }
}
