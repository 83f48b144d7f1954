import Foundation
import HelplineTesting
import Testing

struct ReplayCommandTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `helpline replay Transcripts` passes the whole folder and ends with the summary line, exit 0.
    @Test func wholeFolderPasses() async throws {
        let result = try await HelplineProcess.run(["replay", Self.root.appendingPathComponent("Transcripts").path], input: "")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let summary = try #require(result.stdout.split(separator: "\n").last)
        let passed = Int(summary.split(separator: " ").first ?? "") ?? 0
        #expect(summary == "\(passed) passed, 0 failed")
        #expect(passed >= 40)
    }

    /// A failing transcript is printed with its file, line and diff; the summary counts it; exit 1.
    @Test func failureIsReportedWithExitOne() async throws {
        let folder = try HelplineProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "title: Меню\n> меню\n? state: choose_topic\n".write(to: folder.appendingPathComponent("a.transcript"), atomically: true, encoding: .utf8)
        try "title: Неверный шаг\n> 5\n? state: choose_order\n".write(to: folder.appendingPathComponent("b.transcript"), atomically: true, encoding: .utf8)
        try "title: Не транскрипт\n".write(to: folder.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let result = try await HelplineProcess.run(["replay", folder.path], input: "")
        #expect(result.status == 1)
        #expect(result.stdout.contains("FAIL \(folder.path)/b.transcript:1 — Неверный шаг\n"))
        #expect(result.stdout.contains("  \(folder.path)/b.transcript:3: ? state: choose_order\n    - state choose_order\n    + state write\n"))
        #expect(result.stdout.hasSuffix("1 passed, 1 failed\n"))
    }

    /// A transcript with a syntax error fails with its file and line; a missing path is a usage error.
    @Test func brokenFileAndMissingPath() async throws {
        let folder = try HelplineProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("bad.transcript")
        try "title: Т\n> привет\n? state: writing\n".write(to: file, atomically: true, encoding: .utf8)
        let broken = try await HelplineProcess.run(["replay", file.path], input: "")
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("\(file.path):3: unknown state `writing`"))
        let missing = try await HelplineProcess.run(["replay", folder.appendingPathComponent("nothing").path], input: "")
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("no such file or folder"))
    }

    /// A folder with no transcripts is said so, not answered with the usage text.
    @Test func folderWithoutTranscripts() async throws {
        let folder = try HelplineProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await HelplineProcess.run(["replay", folder.path], input: "")
        #expect(result.status == 1)
        #expect(result.stderr.contains("found no transcripts"))
        #expect(!result.stderr.contains("USAGE"))
    }

    /// `helpline replay --socket S --desk-socket D` replays the desk transcripts over both sockets
    /// of a real `helpline serve --desk-socket`: those that do not move the clock pass, those that
    /// do are listed as needing in-process replay; exit 0. `--desk-socket` alone is a usage error.
    @Test func deskTranscriptsOverBothSockets() async throws {
        let directory = try TemporaryDirectory()
        let deskSocket = directory.path("desk.sock")
        let daemon = try await DaemonProcess.start(in: directory, arguments: ["--desk-socket", deskSocket])
        let folder = Self.root.appendingPathComponent("Transcripts/desk").path
        let result = try await HelplineProcess.run(["replay", "--socket", daemon.socketPath, "--desk-socket", deskSocket, folder], input: "")
        #expect(try await daemon.stop() == 0)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let summary = try #require(result.stdout.split(separator: "\n").last)
        let skipped = result.stdout.split(separator: "\n").filter { $0.hasPrefix("skip ") }
        #expect(skipped.contains { $0.contains("aging-after.desk") && $0.contains("replay it in process") })
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".desk") }.count
        #expect(summary == "\(files - skipped.count) passed, 0 failed, \(skipped.count) skipped")
        #expect(files - skipped.count >= 6)

        let usage = try await HelplineProcess.run(["replay", "--desk-socket", deskSocket, folder], input: "")
        #expect(usage.status == 64)
        #expect(usage.stderr.contains("--desk-socket needs --socket"))
    }
}
