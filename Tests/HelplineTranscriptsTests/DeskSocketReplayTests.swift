import Foundation
import HelplineServer
import HelplineTesting
import Testing
@testable import HelplineTranscripts

/// Desk transcripts over a daemon's two sockets: the customers on the customers' socket, the
/// specialists on the desk socket, the checks through the desk protocol.
struct DeskSocketReplayTests {
    /// A daemon per transcript, served in this process on real sockets, on a clock that starts at
    /// the transcript's `now:` and moves at its `~` steps.
    static func replayer(patience: Duration = .seconds(30)) throws -> DeskSocketReplayer {
        let engine = try Fixtures.target().engine
        return DeskSocketReplayer(bundle: try Fixtures.bundle(), patience: patience) { transcript in
            let clock = TestClock(transcript.now)
            let daemon = try await InProcessDaemon.start(engine: engine, clock: clock, desk: true)
            return DeskSockets(
                customers: daemon.socketPath, desk: try #require(daemon.deskSocketPath), now: { clock.now },
                advance: { seconds in
                    clock.advance(by: seconds)
                    await daemon.daemon.desk?.tick()
                },
                finish: { try? await daemon.stop() })
        }
    }

    static func deskFiles() throws -> [TranscriptFile] {
        try Fixtures.transcriptFiles().filter(\.isDesk)
    }

    /// Every transcript of `Transcripts/desk/` passes over the sockets.
    @Test func deskFolderPassesOverTheSockets() async throws {
        let files = try Self.deskFiles()
        let transcripts = try files.flatMap { try $0.parseDesk().get() }
        #expect(transcripts.count >= 12)
        let replayer = try Self.replayer()
        var passed = 0
        for transcript in transcripts {
            let result = await replayer.run(transcript)
            #expect(result.skipped == nil)
            if result.passed { passed += 1 } else { Issue.record(Comment(rawValue: ReplayReport.render(result))) }
        }
        #expect(passed == transcripts.count)
    }

    static let filing = DeskTranscriptTests.filing

    /// Broken expectations fail over the sockets at their line, with what was expected and what
    /// came: the appeal taken, the place in the queue (through `show`), an event that never came.
    @Test(arguments: [
        ("\n  ? took: мария\n", 13, ["- мария", "+ игорь"]),
        ("\n  ? wait мария: position=2\n", 13, ["- position=2", "+ position=1"]),
        ("\n  ? event ольга: closed_by_customer\n", 13, ["- closed_by_customer", "+ no events"]),
        ("\n  ? wait игорь: state=waiting\n", 13, ["- state=waiting"]),
    ])
    func brokenTranscriptFails(tail: String, line: Int, detail: [String]) async throws {
        let file = Fixtures.transcripts.appendingPathComponent("desk/inline.desk").path
        let transcripts = try DeskTranscriptParser.parse(Self.filing + tail, file: file)
        // An event that never comes is waited for this long.
        let result = try await Self.replayer(patience: .seconds(2)).run(transcripts[0])
        let failure = try #require(result.failure)
        #expect(failure.userLine?.line == 12)
        #expect(failure.mismatches.map(\.location.line) == [line])
        let shown = failure.mismatches.first?.detail ?? []
        #expect(zip(detail, shown).allSatisfy { $1.hasPrefix($0) } && shown.count >= detail.count, "\(shown)")
        #expect(ReplayReport.render(result).contains("after \(file):12  @ ольга: /next\n"))
    }

    /// The same transcripts pass when written correctly (the mutation above is what fails them).
    @Test func correctChecksPass() async throws {
        let file = Fixtures.transcripts.appendingPathComponent("desk/inline.desk").path
        let text = Self.filing + """

          ? took: игорь
          ? wait мария: position=1 state=waiting
          ? wait игорь: state=taken specialist=ольга
          ? event ольга: none
        """
        let result = try await Self.replayer().run(try DeskTranscriptParser.parse(text, file: file)[0])
        #expect(result.passed, "\(ReplayReport.render(result))")
    }

    /// Against one daemon on the real clock (what `helpline replay --socket --desk-socket` does),
    /// the transcripts that do not move the clock pass, one at a time on an emptied desk, and those
    /// that do are skipped as needing in-process replay.
    @Test func sharedDaemonOnTheRealClock() async throws {
        let daemon = try await InProcessDaemon.start(engine: try Fixtures.target().engine, desk: true)
        let target = try await SocketTarget.connect(to: daemon.socketPath, bundle: try Fixtures.bundle(),
                                                    deskSocket: daemon.deskSocketPath)
        let files = try Self.deskFiles()
        let results = await TranscriptRunner(target: target).run(files)
        await target.disconnect()
        try await daemon.stop()
        let transcripts = try files.flatMap { try $0.parseDesk().get() }
        let moving = transcripts.filter { $0.steps.contains { if case .wait = $0.action { true } else { false } } }
        #expect(results.count == transcripts.count)
        for result in results where !result.passed {
            Issue.record(Comment(rawValue: ReplayReport.render(result)))
        }
        let skipped = results.filter { $0.skipped != nil }
        #expect(Set(skipped.map(\.title)) == Set(moving.map(\.title)))
        #expect(skipped.allSatisfy { $0.skipped?.contains("replay it in process") == true })
        #expect(results.count - skipped.count >= 6)
        #expect(ReplayReport.summary(results) == "\(results.count - skipped.count) passed, 0 failed, \(skipped.count) skipped")
    }
}
