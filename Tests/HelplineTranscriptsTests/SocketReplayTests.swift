import Foundation
import HelplineChat
import HelplineDialogue
import HelplineServer
import Logging
import HelplineTesting
import Testing
@testable import HelplineTranscripts

struct SocketReplayTests {
    /// The whole `Transcripts/` folder passes against a real daemon over its Unix socket, with the
    /// daemon's real clock (the travel dates are moved to keep each trip as far ahead as written).
    @Test func wholeFolderPassesOverTheSocket() async throws {
        let daemon = try await InProcessDaemon.start(engine: try Fixtures.target().engine)
        let target = try await SocketTarget.connect(to: daemon.socketPath, bundle: try Fixtures.bundle())
        let results = await TranscriptRunner(target: target).run(try Fixtures.transcriptFiles())
        await target.disconnect()
        try await daemon.stop()
        #expect(results.count >= 40)
        for result in results where !result.passed {
            Issue.record(Comment(rawValue: ReplayReport.render(result)))
        }
        #expect(ReplayReport.summary(results) == "\(results.count) passed, 0 failed")
    }

    /// Over the socket a broken expectation fails the same way as in-process, naming the line.
    @Test func failureOverTheSocketIsReported() async throws {
        let daemon = try await InProcessDaemon.start(engine: try Fixtures.target().engine)
        let target = try await SocketTarget.connect(to: daemon.socketPath, bundle: try Fixtures.bundle())
        let transcripts = try TranscriptParser.parse("""
            title: Неверное ожидание очереди
            profile: demo
            > 14
            > Не проходит выплата.
            ? queue: premium_seller
            """, file: "socket.transcript")
        let results = await TranscriptRunner(target: target).run(transcripts)
        await target.disconnect()
        try await daemon.stop()
        let result = try #require(results.first)
        #expect(!result.passed)
        #expect(ReplayReport.render(result).contains("socket.transcript:5: ? queue: premium_seller\n    - appeal queue=premium_seller\n    + appeal id="))
    }

    /// The profile sent over the socket keeps each trip as far ahead of the daemon's clock as the
    /// transcript's `now:` says.
    @Test func travelDatesFollowTheDaemonsClock() async throws {
        let transcript = try #require(try TranscriptParser.parse("title: T\nnow: 2026-06-01T10:00:00+03:00\n> 1\n", file: "t.transcript").first)
        let later = try #require(ISO8601.parse("2031-01-01T00:00:00Z"))
        let departure: Date = try #require(ISO8601.parse("2026-06-02T09:00:00+03:00"))
        let profile = Profile(id: "u", name: "", orders: [
            Order(id: "1-1", title: "Рейс", kind: .flight, startsAt: departure),
        ])
        let daemon = try await InProcessDaemon.start(engine: try Fixtures.target().engine)
        let target = try await SocketTarget.connect(to: daemon.socketPath, bundle: try Fixtures.bundle(), clock: { later })
        let sent = target.profile(profile, for: transcript)
        await target.disconnect()
        try await daemon.stop()
        let start = try #require(sent.orders.first?.startsAt)
        #expect(abs(start.timeIntervalSince(later) - 23 * 3600) < 1)
    }

    /// An unreachable socket is a clear error, not a crash.
    @Test func unreachableSocket() async throws {
        await #expect(throws: ChatBackendError.self) {
            _ = try await SocketTarget.connect(to: "/tmp/hlt-no-such-daemon.sock", bundle: try Fixtures.bundle())
        }
    }
}
