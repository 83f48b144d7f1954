import Foundation
import Testing

/// `helpline chat --socket` against a real `helpline serve` process.
struct SocketChatTests {
    /// A `helpline serve` on a temporary socket, stopped with SIGTERM.
    private final class Daemon {
        let process = Process()
        let socket: String

        init(folder: URL) async throws {
            socket = folder.appendingPathComponent("d.sock").path
            let log = folder.appendingPathComponent("daemon.log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            process.executableURL = try HelplineProcess.executable()
            process.arguments = ["serve", "--socket", socket, "--db", folder.appendingPathComponent("d.sqlite").path,
                                 "--log-level", "error"]
            process.environment = HelplineProcess.baseEnvironment(stateHome: folder.path)
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: log)
            try process.run()
            let deadline = ContinuousClock.now + .seconds(120)
            while true {
                let expired = ContinuousClock.now >= deadline
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                if text.contains("ready") { return }
                if expired || !process.isRunning {
                    process.terminate()
                    throw HelplineProcessError("the daemon did not get ready: \(text)")
                }
                try await Task.sleep(for: .milliseconds(50))
            }
        }

        func stop() {
            process.terminate()
        }
    }

    /// Short enough for a Unix socket path.
    private func folder() throws -> URL {
        let url = URL(fileURLWithPath: "/tmp/hl-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Through the daemon the chat looks exactly as in-process: the same replies for the same lines.
    @Test func sameLookAsInProcess() async throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let daemon = try await Daemon(folder: folder)
        defer { daemon.stop() }
        let input = "доставка\n1\n/state\n"
        let remote = try await HelplineProcess.run(["chat", "--socket", daemon.socket], input: input)
        let local = try await HelplineProcess.run(["chat"], input: input)
        #expect(remote.status == 0, "stderr: \(remote.stderr)")
        // Only the session ids differ.
        func withoutSession(_ text: String) -> String {
            text.split(separator: "\n").filter { !$0.hasPrefix("Сессия:") }.joined(separator: "\n")
        }
        #expect(withoutSession(remote.stdout) == withoutSession(local.stdout))
        #expect(remote.stdout.contains("Шаг: сообщение специалисту"))
    }

    /// No daemon on the socket: a clear message on stderr after a few retries, and status 1.
    @Test func unreachableDaemon() async throws {
        let result = try await HelplineProcess.run(["chat", "--socket", "/tmp/hl-none-\(UUID().uuidString.prefix(8)).sock"], input: "доставка\n")
        #expect(result.status == 1)
        #expect(result.stderr.contains("Нет связи с сервером"))
        #expect(result.stderr.contains("сервер не запущен"))
        #expect(result.stdout.isEmpty)
    }
}
